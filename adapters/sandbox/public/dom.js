/**
 * Builds elements with text nodes only: item data never goes through innerHTML, so nothing in
 * a card, a note or a message can inject markup.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...nodes(children));
  return el;
}

/** Children as DOM nodes: arrays flattened, null/false left out (the DOM would print them as text). */
export function nodes(children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c)));
}

/** Replaces an element's content with the given children. */
export function fill(el, ...children) {
  el.replaceChildren(...nodes(children));
}

/**
 * A time: the server's label (`{at, label, title}`: "14:05" today, with the date on other days,
 * in the organisation's zone), or for an ISO string the clock time in that zone.
 */
export function timeEl(t) {
  if (typeof t === 'object' && t !== null) return h('time', { datetime: t.at, title: t.title }, t.label);
  const d = new Date(t);
  const timeZone = document.documentElement.dataset.timeZone || undefined;
  return h('time', { datetime: d.toISOString(), title: d.toLocaleString([], { timeZone, timeZoneName: 'short' }) },
    d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }));
}
