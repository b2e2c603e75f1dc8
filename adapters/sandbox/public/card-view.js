import { fill, h } from './dom.js';

const RANK = { stat: 3, asap: 2, urgent: 1, routine: 0 };

/** Same order as the server: red flags, then priority, then oldest (lowest reference number) first. */
export function byUrgency(a, b) {
  const seq = (c) => Number(c.ref.replace(/\D/g, ''));
  return Number(b.redFlag) - Number(a.redFlag) || RANK[b.priority] - RANK[a.priority] || seq(a) - seq(b);
}

function head(card) {
  return h('header', { class: 'card-head' },
    h('h3', { id: `t-${card.itemId}`, tabindex: '-1' }, h('span', { class: 'ref' }, card.ref), card.title),
    h('span', { class: `badge p-${card.priority}` }, card.priorityLabel),
    card.redFlag && h('span', { class: 'badge flag', title: card.redFlagLine ?? '' }, card.redFlagLine ?? 'Red flag'),
    card.clinicalContent && h('span', { class: 'badge clinical', title: 'A symptom is mentioned in this request; a clinician should look.' }, 'Clinical content'),
    h('span', { class: 'badge state' }, card.stateLabel),
    card.sla && (card.sla.breached
      ? h('span', { class: 'badge breached', title: `Due ${new Date(card.sla.dueAt).toLocaleString()}` }, `SLA breached · ${card.sla.label}`)
      : h('span', { class: 'sla', title: `Due ${new Date(card.sla.dueAt).toLocaleString()}` }, card.sla.label)),
  );
}

function meta(card) {
  const row = (label, value, field) => h('div', {}, h('dt', {}, label), h('dd', { 'data-field': field }, value));
  return h('dl', { class: 'meta' },
    row('Patient', card.patientToken || '—', 'patient'),
    // The age counts from the receive time when the sender's clock ran ahead: the card says so.
    row('Age', card.ageNote ? [card.age, h('span', { class: 'age-note' }, ` (${card.ageNote})`)] : card.age, 'age'),
    row('Status', card.statusLine, 'status'),
    row('Queue', card.queue.name, 'queue'),
    row('Messages', String(card.messageCount), 'messages'),
  );
}

function body(card) {
  return [
    // The reason is staff free text: the server sends it only to whom it is addressed (else null: "reason recorded").
    card.escalationLine && h('p', { class: 'escalation' }, card.escalationLine),
    // "Snoozed until Thu 3 Dec, 09:00 CST (…)": the server's line, in the organisation's zone; the reason under the same rule.
    card.snoozeLine && h('p', { class: 'snooze' }, card.snoozeLine),
    // The team's notes: only on the copy for the physicians an escalation is addressed to (else empty).
    card.notes?.length ? h('section', { class: 'team-notes', 'aria-label': `Team notes on ${card.ref}` },
      h('p', {}, h('strong', {}, 'Team notes')),
      h('ul', {}, card.notes.map((n) => h('li', { class: 'message-text' }, n)))) : null,
    card.text && h('p', { class: 'excerpt' }, card.text),
  ];
}

const ehr = (card) => card.link && h('a', { class: 'ehr', href: card.link, target: '_blank', rel: 'noopener noreferrer' }, 'Open in the EHR');

function actions(card, hooks) {
  if (hooks.readOnly) return h('p', { class: 'actions muted' }, 'Read-only mirror: act on this item in Slack or Teams. ', ehr(card));
  return h('div', { class: 'actions', role: 'group', 'aria-label': `Actions for ${card.ref}` },
    card.actions.map((a) =>
      h('button', {
        type: 'button',
        class: a.style === 'primary' ? 'primary' : a.style === 'danger' ? 'danger' : '',
        'data-command': a.command,
        'aria-describedby': `t-${card.itemId}`,
        // The card as drawn: a click on a card that has since changed carries what it showed (stale-card check).
        onclick: () => hooks.onAction(card, a),
      }, a.label)),
    ehr(card),
  );
}

/** A new card element. The form and thread slots survive updates, so live changes never eat what someone is typing. */
export function cardElement(card, hooks) {
  const thread = h('details', { class: 'thread', ontoggle: (e) => e.currentTarget.open && hooks.onThread(card.itemId) },
    h('summary', {}, 'Thread and audit trail'), h('ol', { 'aria-label': `Audit trail of ${card.ref}` }));
  const el = h('article', { class: 'card', 'data-item-id': card.itemId, 'aria-labelledby': `t-${card.itemId}` },
    h('div', { class: 'card-live' }), h('div', { class: 'form-slot' }), thread);
  patchCard(el, card, hooks);
  return el;
}

/** Replaces what a card shows, keeping focus on the same command's button when it is still offered. */
export function patchCard(el, card, hooks) {
  const live = el.querySelector('.card-live');
  const focused = live.contains(document.activeElement) ? document.activeElement.getAttribute('data-command') : null;
  el.className = `card state-${card.state}${card.redFlag ? ' flagged' : ''}`;
  fill(live, head(card), meta(card), body(card), actions(card, hooks));
  if (focused) (live.querySelector(`button[data-command="${focused}"]`) ?? live.querySelector('h3')).focus();
}
