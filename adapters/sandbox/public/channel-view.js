import { FILTERS, viewControls } from './card-filters.js';
import { byUrgency, cardElement, patchCard } from './card-view.js';
import { renderDigest } from './digest-view.js';
import { fill, h, timeEl } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Cards of one channel, most urgent first. */
export function cardsIn(page, channelId) {
  return [...page.items.values()].filter((it) => it.channels.includes(channelId)).map((it) => it.card).sort(byUrgency);
}

/** The channel list; keeps keyboard focus on the channel that had it. */
export function renderNav(page, pick) {
  const focused = $('channels').contains(document.activeElement) ? document.activeElement.dataset.channel : null;
  $('channels').replaceChildren(...page.state.channels.map((ch) => {
    const n = ch.kind === 'dm' ? page.unread : ch.kind === 'digest' ? null : cardsIn(page, ch.id).filter((c) => c.state !== 'RESOLVED').length;
    return h('li', {}, h('button', { type: 'button', 'data-channel': ch.id, 'aria-current': ch.id === page.current ? 'page' : null, onclick: () => pick(ch.id) },
      h('span', {}, ch.name),
      n ? h('span', { class: `count${ch.kind === 'dm' ? ' unread' : ''}` }, String(n), h('span', { class: 'sr-only' }, ch.kind === 'dm' ? ' new' : ' open')) : null));
  }));
  if (focused) $('channels').querySelector(`[data-channel="${CSS.escape(focused)}"]`)?.focus();
}

function noticesOf(page) {
  return h('section', { 'aria-labelledby': 'dm-title' },
    h('h3', { id: 'dm-title' }, 'Notifications'),
    page.notices.length
      ? h('ul', { class: 'notices' }, page.notices.map((n) => h('li', {}, timeEl(n.at), n.text)))
      : h('p', { class: 'muted' }, 'None since you opened this page.'));
}

/** "Showing 3 of 11 cards (Overdue)", or why the list is empty. */
function summaryOf(page, ch, shown, total, filter) {
  if (!total) return page.state.viewer.physician && ch.kind === 'dm' ? 'Nothing is escalated to you right now.' : 'Nothing waiting here.';
  if (filter.key === 'all') return `${total} card${total === 1 ? '' : 's'}.`;
  return shown ? `Showing ${shown} of ${total} cards (${filter.label}).` : `No ${filter.label.toLowerCase()} cards here; ${total} in All.`;
}

/** After a card left the list (claimed under "Unclaimed"…), focus goes to the card now in its place, else to the filters. */
function refocus(body, list, at) {
  const next = list.children[Math.min(at, list.children.length - 1)];
  (next?.querySelector('h3') ?? body.querySelector('.filters input:checked') ?? document.getElementById('main'))?.focus();
}

/** Builds the channel's frame when it changes; afterwards only cards that changed are re-rendered. */
export function renderChannel(page, hooks) {
  const ch = page.state.channels.find((c) => c.id === page.current);
  if (!ch) return;
  const body = $('channel-body');
  if (page.shown !== ch.id || (ch.kind === 'dm' && page.noticesShown !== page.notices.length)) {
    $('channel-title').textContent = ch.name;
    $('channel-about').textContent = ch.about;
    page.shown = ch.id;
    page.noticesShown = page.notices.length;
    if (ch.kind === 'digest') return void renderDigest(body);
    page.controls = viewControls(page.view, hooks.onViewChange);
    fill(body,
      ch.kind === 'dm' && noticesOf(page),
      ch.truncated && h('p', { class: 'muted' }, 'Only the oldest 500 items are listed here.'),
      page.controls.el,
      h('ul', { class: 'cards', 'aria-label': `Cards in ${ch.name}` }),
    );
  }
  if (ch.kind === 'digest') return;
  const list = body.querySelector('ul.cards');
  const all = cardsIn(page, ch.id);
  const filter = FILTERS.find((f) => f.key === page.view.filter) ?? FILTERS[0];
  const me = page.state.viewer.key;
  list.classList.toggle('compact', page.view.compact);
  const wanted = all.filter((c) => filter.test(c, me)).map((card) => {
    let el = page.elements.get(card.itemId);
    if (!el) {
      el = { li: h('li', {}, cardElement(card, hooks)), json: JSON.stringify(card) };
      page.elements.set(card.itemId, el);
    } else if (el.json !== JSON.stringify(card)) {
      patchCard(el.li.firstChild, card, hooks);
      el.json = JSON.stringify(card);
    }
    return el.li;
  });
  page.controls.update(FILTERS.map((f) => [f.key, all.filter((c) => f.test(c, me)).length]), summaryOf(page, ch, wanted.length, all.length, filter));
  const same = list.children.length === wanted.length && wanted.every((li, i) => list.children[i] === li);
  if (!same) {
    const active = document.activeElement;
    const from = active && list.contains(active) ? [...list.children].findIndex((li) => li.contains(active)) : -1;
    list.replaceChildren(...wanted);
    if (active && active.isConnected && document.activeElement !== active) active.focus();
    else if (from >= 0 && !active.isConnected) refocus(body, list, from);
  }
}
