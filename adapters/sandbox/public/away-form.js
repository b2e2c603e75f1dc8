import { api, explain } from './api.js';
import { fill } from './dom.js';
import { showAnswer } from './private-panel.js';

const $ = (id) => document.getElementById(id);

/** How it stands for the person acting ("You are away until …"), under the form. Absent in the read-only mirror. */
export async function refreshAway() {
  const status = $('away-status');
  if (!status) return;
  const { status: code, body } = await api.get('/sandbox/api/away');
  fill(status, code === 200 && body.ok ? body.text : explain(body, code).message);
}

/** Sends the form's fields; the answer (or every problem, field by field) goes to the private panel. */
async function send(fields) {
  const { status, body } = await api.away(fields);
  if (status === 200 && body.ok) showAnswer('done', body.text);
  else {
    const e = explain(body, status);
    showAnswer('error', e.message, e.problems);
  }
  await refreshAway();
  return status === 200;
}

export function wireAwayForm() {
  const form = $('away-form');
  if (!form) return;
  const value = (id) => $(id).value.trim() || undefined;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ok = await send({ action: 'set', until: value('away-until') ?? '', through: $('away-through').checked, cover: value('away-cover'), for: value('away-for') });
    if (ok) form.reset();
  });
  $('away-off').addEventListener('click', () => send({ action: 'end', for: value('away-for') }));
}
