import { actionForm, needsForm } from './action-form.js';
import { api, explain } from './api.js';
import { refreshAway, wireAwayForm } from './away-form.js';
import { loadView, saveView } from './card-filters.js';
import { renderChannel, renderNav } from './channel-view.js';
import { renderDigest } from './digest-view.js';
import { clearPrivate, showAnswer, showMessages } from './private-panel.js';
import { h } from './dom.js';
import { loadThread, refreshOpenThread } from './thread.js';

const $ = (id) => document.getElementById(id);
const picker = $('acting-as');

/**
 * What this page knows. The server's database is the truth: the page re-reads its state when
 * the event stream (re)connects, and one card whenever the stream says that item changed.
 */
const page = { generation: 0, state: null, current: null, shown: null, items: new Map(), elements: new Map(), notices: [], noticesShown: 0, unread: 0, view: loadView(), controls: null };
const hooks = {
  readOnly: document.body.dataset.readOnly === 'true',
  onAction,
  onThread: (id) => loadThread(page.elements.get(id).li.firstChild),
  onViewChange: () => {
    saveView(page.view);
    render();
  },
};
let stream = null;

function live(state, text) {
  $('live').dataset.state = state;
  $('live').textContent = text;
}

/** Open items per person of this person's queues, most loaded first, and whether "Next item" applies. */
function renderTeam() {
  const st = page.state;
  const next = $('next-item');
  if (next) next.hidden = !st?.canTakeNext;
  const rows = st?.workload ?? [];
  $('workload').hidden = rows.length === 0;
  $('workload-list').replaceChildren(...rows.map((w) => h('li', {},
    h('span', {}, w.name),
    h('span', { class: 'num', title: `${w.claimed} claimed, ${w.snoozed} snoozed${w.escalated ? `, ${w.escalated} escalated to them` : ''}` }, `${w.open} open`))));
}

function render() {
  renderTeam();
  if (!page.state) return;
  if (!page.state.channels.some((c) => c.id === page.current)) page.current = page.state.channels[0]?.id ?? null;
  renderNav(page, pick);
  renderChannel(page, hooks);
}

function pick(channelId) {
  page.current = channelId;
  if (channelId.startsWith('dm:')) page.unread = 0;
  render();
}

async function loadState() {
  const gen = page.generation;
  const { status, body } = await api.get('/sandbox/api/state');
  if (gen !== page.generation) return;
  if (status !== 200) {
    page.state = null;
    page.shown = null;
    $('channels').replaceChildren();
    $('channel-title').textContent = 'Not available';
    $('channel-about').textContent = explain(body, status).message;
    $('channel-body').replaceChildren();
    return;
  }
  const fresh = new Map();
  for (const ch of body.channels) {
    for (const card of ch.cards) {
      const it = fresh.get(card.itemId) ?? { card, channels: [] };
      it.channels.push(ch.id);
      fresh.set(card.itemId, it);
    }
  }
  // Items resolved while this page was open stay visible (lists hold only active work) until a reload.
  for (const [id, it] of page.items) if (!fresh.has(id) && it.card.state === 'RESOLVED') fresh.set(id, it);
  page.items = fresh;
  page.state = body;
  render();
}

const pending = new Set();
let flushTimer = null;
/** As many ids as one `GET /sandbox/api/cards` takes (CARDS_PER_REQUEST on the server). */
const CARDS_PER_REQUEST = 100;

/**
 * Coalesces bursts (a post, its update and a thread note) into one read. The stream tells every
 * page of every change, so most ids may not be this person's: the server lists those as `gone`.
 */
function refreshSoon(itemId) {
  pending.add(itemId);
  flushTimer ??= setTimeout(async () => {
    flushTimer = null;
    const gen = page.generation;
    const ids = [...pending];
    pending.clear();
    const chunks = [];
    for (let i = 0; i < ids.length; i += CARDS_PER_REQUEST) chunks.push(ids.slice(i, i + CARDS_PER_REQUEST));
    const answers = await Promise.all(chunks.map((c) => api.get(`/sandbox/api/cards?ids=${c.map(encodeURIComponent).join(',')}`)));
    if (gen !== page.generation) return;
    for (const { status, body } of answers) {
      if (status !== 200) continue; // a later event or the minute's reload catches up
      for (const it of body.items) page.items.set(it.itemId, { card: it.card, channels: it.channels });
      for (const id of body.gone) page.items.delete(id);
    }
    for (const id of ids) {
      const el = page.elements.get(id);
      if (el && page.items.has(id)) refreshOpenThread(el.li.firstChild);
    }
    render();
  }, 50);
}

function connect() {
  stream?.close();
  stream = new EventSource(`/sandbox/api/events?as=${encodeURIComponent(api.as)}`);
  stream.addEventListener('hello', () => {
    live('live', 'Live');
    loadState(); // also catches up on anything missed while disconnected
  });
  stream.addEventListener('item', (e) => refreshSoon(JSON.parse(e.data).itemId));
  stream.addEventListener('note', (e) => {
    const el = page.elements.get(JSON.parse(e.data).itemId);
    if (el) refreshOpenThread(el.li.firstChild);
  });
  const notice = (text) => {
    page.notices.unshift({ text, at: new Date().toISOString() });
    if (!page.current?.startsWith('dm:')) page.unread++;
    render();
  };
  stream.addEventListener('dm', (e) => notice(JSON.parse(e.data).text));
  stream.addEventListener('digest', () => {
    notice('Your daily digest was delivered: see “Daily digest”.');
    if (page.current === 'digest') renderDigest($('channel-body'));
  });
  stream.onerror = () => {
    const closed = stream.readyState === EventSource.CLOSED;
    live('down', closed ? 'Not connected: reload the page' : 'Reconnecting…');
    if (closed) loadState();
  };
}

/** What a card showed when it was clicked: the server refuses the click if the item has moved on since. */
const seenOf = (card) => ({ version: card.version, state: card.state, ownerId: card.owner?.key ?? null });

/** Sends one action from a card as drawn; the answer is shown to this person only. Returns whether it succeeded. */
async function send(card, fields) {
  const gen = page.generation;
  const itemId = card.itemId;
  const { status, body } = await api.act(itemId, { ...fields, seen: seenOf(card) });
  if (gen !== page.generation) return false;
  const it = page.items.get(itemId);
  if (body.ok && body.messages) {
    showMessages(it?.card, body.messages, body.notes ?? []);
    return true;
  }
  if (body.ok) {
    if (it) it.card = body.card;
    const c = body.card;
    showAnswer('done', body.unchanged ? body.message : `Done. ${c.ref}: ${c.statusLine}.`);
    render();
    return true;
  }
  const e = explain(body, status);
  showAnswer('error', `${it?.card.ref ?? 'Item'}: ${e.message}`, e.problems);
  refreshSoon(itemId); // the card may be stale: that is usually why an action fails
  return false;
}

function onAction(card, action) {
  if (!needsForm(action)) return void send(card, { command: action.command });
  const itemId = card.itemId;
  const article = page.elements.get(itemId).li.firstChild;
  const slot = article.querySelector('.form-slot');
  const back = () => (article.querySelector(`button[data-command="${action.command}"]`) ?? article.querySelector('h3')).focus();
  const form = actionForm(card, action, {
    submit: async (fields) => {
      if (!(await send(card, fields))) return;
      slot.replaceChildren();
      article.querySelector('h3').focus();
    },
    cancel: () => {
      slot.replaceChildren();
      back();
    },
  });
  slot.replaceChildren(form);
  form.querySelector('select, textarea, input, button')?.focus();
}

/** Switching person starts a clean page: nothing private from the previous person stays on screen. */
function actAs(key) {
  page.generation++;
  Object.assign(page, { state: null, current: null, shown: null, items: new Map(), elements: new Map(), notices: [], noticesShown: 0, unread: 0 });
  api.as = key;
  clearPrivate();
  history.replaceState(null, '', `?as=${encodeURIComponent(key)}`);
  $('channel-body').replaceChildren();
  live('', 'Connecting…');
  loadState();
  connect();
  refreshAway();
}

/** "Next item": the server picks and claims; the card comes back as this person sees it. */
async function takeNext() {
  const gen = page.generation;
  const { status, body } = await api.next();
  if (gen !== page.generation) return;
  if (body.ok && body.card) {
    refreshSoon(body.card.itemId); // which channels it shows in now
    showAnswer('done', `${body.message} ${body.card.ref}: ${body.card.statusLine}.`);
    loadState(); // the workload changed too
    return;
  }
  if (body.ok) return void showAnswer('done', body.message);
  const e = explain(body, status);
  showAnswer('error', e.message, e.problems);
}

$('next-item')?.addEventListener('click', () => void takeNext());
picker.addEventListener('change', () => actAs(picker.value));
wireAwayForm();
// Ages and SLA countdowns are computed by the server: refresh them every minute.
setInterval(() => document.hidden || loadState(), 60_000);
actAs(picker.value);
