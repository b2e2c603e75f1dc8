import { h } from './dom.js';

/**
 * Which cards of a channel the page lists. "Unclaimed" is work nobody holds and somebody can
 * take now: new items and escalations waiting in the physician pool (not snoozed, not resolved).
 */
export const FILTERS = [
  { key: 'all', label: 'All', test: () => true },
  { key: 'mine', label: 'Mine', test: (card, me) => card.owner?.key === me },
  { key: 'unclaimed', label: 'Unclaimed', test: (card) => card.owner === null && (card.state === 'OPEN' || card.state === 'ESCALATED') },
  { key: 'overdue', label: 'Overdue', test: (card) => Boolean(card.sla?.breached) },
];

/**
 * Remembered in this browser across reloads and people (a choice of layout, not of data). Never
 * in the URL: addresses end up in history and logs, and the page keeps even filters out of them.
 */
const KEY = 'baton.sandbox.view';

export function loadView() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return { filter: FILTERS.some((f) => f.key === v.filter) ? v.filter : 'all', compact: v.compact === true };
  } catch {
    return { filter: 'all', compact: false };
  }
}

export function saveView(view) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ filter: view.filter, compact: view.compact }));
  } catch {
    // Storage refused (private window, quota): the choice lasts until the page reloads.
  }
}

/**
 * The filter bar: a radio group (arrow keys move between filters, screen readers say "Mine, 2 of
 * 4") with each filter's count; under it the list's summary ("Showing 2 of 11 cards", a status
 * region) and the compact-view toggle button (aria-pressed). `update(counts, summary)` refreshes
 * them as cards change; `change()` is called after the filter or the view changes.
 */
export function viewControls(view, change) {
  const counts = new Map();
  const radios = FILTERS.map((f) => {
    const count = h('span', { class: 'count' }, '0');
    counts.set(f.key, count);
    const input = h('input', { type: 'radio', name: 'card-filter', value: f.key, checked: view.filter === f.key, onchange: () => {
      view.filter = f.key;
      change();
    } });
    return h('label', { class: 'filter' }, input, h('span', {}, f.label), count, h('span', { class: 'sr-only' }, ' cards'));
  });
  const compact = h('button', { type: 'button', class: 'compact-toggle', 'aria-pressed': String(view.compact), onclick: () => {
    view.compact = !view.compact;
    compact.setAttribute('aria-pressed', String(view.compact));
    change();
  } }, 'Compact view');
  const filters = h('fieldset', { class: 'filters' }, h('legend', { class: 'sr-only' }, 'Show cards'), radios);
  const summary = h('p', { class: 'summary muted', role: 'status' });
  const el = h('div', { class: 'view-controls' }, filters, h('div', { class: 'view-line' }, summary, compact));
  const update = (byFilter, text) => {
    for (const [key, n] of byFilter) counts.get(key).textContent = String(n);
    const any = byFilter.some(([key, n]) => key === 'all' && n > 0);
    filters.hidden = !any;
    compact.hidden = !any;
    if (summary.textContent !== text) summary.textContent = text; // a status region: speak only what changed
  };
  return { el, update };
}
