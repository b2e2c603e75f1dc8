import { h } from './dom.js';

let ids = 0;
const field = (label, control) => {
  const id = `f-${++ids}`;
  control.id = id;
  // Label beside (not around) its control, so the control's name is the label alone.
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
};
const textarea = (name, required, placeholder) => h('textarea', { name, rows: '2', maxlength: '2000', required, placeholder });

/**
 * A picker with exactly the card's choices (`CardAction.choices`, the same Slack and Teams
 * offer) and its `defaultChoice` preselected; without a default, a prompt that must be changed.
 */
function picker(name, action, prompt) {
  const choices = action.choices ?? [];
  const pick = action.defaultChoice;
  return h('select', { name, required: true },
    pick === undefined && h('option', { value: '' }, prompt),
    choices.map((c) => h('option', { value: c.value, selected: c.value === pick }, c.label)));
}

/** The inputs each card action asks for (`CardAction.input` in the shared card model). */
function inputsFor(action) {
  switch (action.input) {
    case 'staff':
      return [field('Hand to', picker('to', action, 'Choose a team member…'))];
    case 'physician':
      return [field('Hand to physician', picker('to', action, 'Choose a physician…'))];
    case 'physician-and-reason':
      return [
        field('Escalate to', picker('to', action, 'Choose a physician…')),
        field('Reason for the physician', textarea('reason', true, 'What you need the physician to decide')),
      ];
    case 'snooze':
      return [
        field('Snooze for', picker('minutes', action, 'Choose how long…')),
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
export function actionForm(card, action, { submit, cancel }) {
  const form = h('form', { class: 'action-form', 'aria-label': `${action.label}: ${card.ref}`, novalidate: false },
    action.confirm && h('p', {}, action.confirm),
    inputsFor(action),
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
