import { api } from './api.js';
import { h, timeEl } from './dom.js';

/** Fills a card's thread from the item's audit trail (the database's record, so it is the same after a restart). */
export async function loadThread(article) {
  const list = article.querySelector('.thread ol');
  const { status, body } = await api.get(`/sandbox/api/items/${encodeURIComponent(article.dataset.itemId)}/audit`);
  if (status !== 200) {
    list.replaceChildren(h('li', {}, 'The audit trail is not available to you.'));
    return;
  }
  list.replaceChildren(...body.lines.map((l) => {
    const moved = l.fromState && l.toState && l.fromState !== l.toState ? ` (${l.fromLabel} → ${l.toLabel})` : '';
    return h('li', {}, timeEl({ at: l.at, label: l.atLabel, title: l.atTitle }), h('span', {}, l.text), h('span', { class: 'muted' }, moved));
  }));
}

/** Reloads the threads that are open, e.g. after a thread note arrived. */
export function refreshOpenThread(article) {
  if (article && article.querySelector('.thread').open) return loadThread(article);
}
