/** HTML text and attribute escaping: every value a page shows goes through it. */
export const esc = (s: string | number | null | undefined) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON for a `<script type="application/json">` block: `<` escaped so no value can close the element. */
export const jsonBlock = (id: string, value: unknown) => `<script type="application/json" id="${esc(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;

/** Tagged template that joins arrays (lists of rows) and leaves already-built HTML alone. Values must be escaped by the caller. */
export function html(strings: TemplateStringsArray, ...values: Array<string | number | Array<string> | null | undefined | false>): string {
  return strings.reduce((out, s, i) => {
    const v = i === 0 ? '' : values[i - 1];
    return out + (Array.isArray(v) ? v.join('') : v === null || v === undefined || v === false ? '' : String(v)) + s;
  });
}
