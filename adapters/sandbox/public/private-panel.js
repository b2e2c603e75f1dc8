import { fill, h, timeEl } from './dom.js';

/** Absent in the read-only mirror, which takes no actions and shows no message text. */
const panel = () => document.getElementById('private') ?? document.createElement('div');

/** Answers for the acting person only (conflicts, denials, message text): never broadcast to other pages. */
export function showAnswer(kind, text, details = []) {
  fill(panel(),
    h('p', { class: kind === 'error' ? 'error' : 'done' }, text),
    details.length ? h('ul', {}, details.map((d) => h('li', {}, d))) : null,
  );
}

/** The body with the words triage read as findings in <mark>, each titled with its rule's plain name. */
function marked(text, highlights) {
  const parts = [];
  let at = 0;
  for (const x of highlights.filter((x) => x.field === 'body')) {
    if (x.start > at) parts.push(text.slice(at, x.start));
    parts.push(h('mark', { class: 'finding', title: x.label }, text.slice(x.start, x.end)));
    at = x.end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** "View message": the patient's words and the team's notes, shown here only; the server has recorded the view in the audit trail. */
export function showMessages(card, messages, notes = []) {
  fill(panel(),
    h('p', {}, h('strong', {}, `Message text · ${card ? card.ref : 'item'}`)),
    h('p', { class: 'muted' }, 'This view is recorded in the item’s audit trail. Reply to the patient in the EHR.'),
    messages.map((m) => h('section', { class: 'message' },
      // Time and subject as two parts of one heading line, never run together ("14:05Refill").
      h('p', { class: 'message-head' },
        timeEl(m.time ?? m.sentAt),
        h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
        m.subject ? h('strong', {}, m.subject) : h('span', { class: 'muted' }, '(no subject)')),
      m.timeNote && h('p', { class: 'time-note' }, m.timeNote),
      h('p', { class: 'message-text' }, m.body == null ? '(text purged by the retention policy)' : marked(m.body, m.highlights ?? [])))),
    notes.length ? h('section', { class: 'team-notes' },
      h('p', {}, h('strong', {}, 'Team notes')),
      h('ul', {}, notes.map((n) => h('li', {}, timeEl(n.time ?? n.at), ` ${n.by} (${n.what}): `, h('span', { class: 'message-text' }, n.text))))) : null,
    h('button', { type: 'button', onclick: () => clearPrivate() }, 'Hide message text'),
  );
}

/** Cleared whenever the acting person changes, so one person's private answers never show to the next. */
export function clearPrivate() {
  fill(panel(), h('p', { class: 'muted' }, 'Answers to your actions and message text you open appear here, for you alone.'));
}
