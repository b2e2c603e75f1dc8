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

/** Local clock time for a timestamp, with the full instant as the machine-readable value. */
export function timeEl(iso) {
  const d = new Date(iso);
  return h('time', { datetime: d.toISOString(), title: d.toLocaleString() }, d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
}
