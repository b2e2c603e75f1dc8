import { h } from './dom.js';

let ids = 0;
const field = (label, control) => {
  const id = `f-${++ids}`;
  control.id = id;
  // Label beside (not around) its control, so the control's name is the label alone.
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};
const textarea = (name, required, placeholder) => h('textarea', { name, rows: '2', maxlength: '2000', required, placeholder });
const options = (people, first) => [first && h('option', { value: first.value }, first.label), people.map((p) => h('option', { value: p.key }, p.name))];

const SNOOZE = [[30, '30 minutes'], [60, '1 hour'], [120, '2 hours'], [240, '4 hours'], [1440, '1 day'], [4320, '3 days']];

/** The inputs each card action asks for (`CardAction.input` in the shared card model). */
function inputsFor(action, card, state) {
  const queue = state.queues.find((q) => q.key === card.queue.key);
  switch (action.input) {
    case 'staff':
      return [field('Hand to', h('select', { name: 'to', required: true },
        options((queue?.members ?? []).filter((m) => m.key !== card.owner?.key), { value: '', label: 'Choose a team member…' })))];
    case 'physician':
      return [field('Hand to physician', h('select', { name: 'to', required: true },
        options(state.physicians.filter((p) => p.key !== card.owner?.key), { value: '', label: 'Choose a physician…' })))];
    case 'physician-and-reason':
      return [
        field('Escalate to', h('select', { name: 'to' }, options(state.physicians, { value: '', label: `${state.poolName} (any physician)` }))),
        field('Reason for the physician', textarea('reason', true, 'What you need the physician to decide')),
      ];
    case 'snooze':
      return [
        field('Snooze for', h('select', { name: 'minutes' }, SNOOZE.map(([m, l]) => h('option', { value: String(m), selected: m === 60 }, l)))),
        field('Waiting on', textarea('reason', true, 'e.g. pharmacy callback, patient’s BP log')),
      ];
    case 'instructions':
      return [field('Instructions for the team', textarea('instructions', true, 'What the team should do next'))];
    case 'reason':
      return [field('Reason', textarea('reason', true))];
    default:
      return action.command === 'item.resolve' ? [field('Note (optional)', textarea('note', false, 'e.g. refill sent, patient called back'))] : [];
  }
}

/** The request fields from a submitted form: empty optional fields are left out. */
function fieldsOf(form, command) {
  const out = { command };
  for (const [k, v] of new FormData(form)) {
    const s = String(v).trim();
    if (s) out[k] = k === 'minutes' ? Number(s) : s;
  }
  return out;
}

/**
 * An inline form for an action that needs input or confirmation. Keyboard: Tab through the
 * fields, Enter submits (Ctrl+Enter from a text area), Escape cancels.
 */
export function actionForm(card, action, state, { submit, cancel }) {
  const form = h('form', { class: 'action-form', 'aria-label': `${action.label}: ${card.ref}`, novalidate: false },
    action.confirm && h('p', {}, action.confirm),
    inputsFor(action, card, state),
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: action.style === 'primary' ? 'primary' : '' }, action.label),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(fieldsOf(form, action.command));
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') cancel();
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target.tagName === 'TEXTAREA') form.requestSubmit();
  });
  return form;
}

/** Actions that go straight to the server on click. */
export const needsForm = (action) => Boolean(action.input || action.confirm);
