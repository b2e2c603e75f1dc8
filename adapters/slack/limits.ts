/**
 * Block Kit limits (../shared/PLATFORMS.md §2, from @slack/types and Slack's reference) and the
 * text helpers that keep every rendered surface inside them. Slack rejects a whole message
 * (`invalid_blocks`) when one field is too long, so every string that reaches Slack goes
 * through `plain()` or `mrkdwn()` with its limit.
 */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  value: 2000,
  url: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  textInput: 3000,
} as const;

const ELLIPSIS = '…';

/** Plain text cut to `max` characters (code points, so an emoji is never split). */
export function plain(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text for a mrkdwn field: `&`, `<` and `>` escaped (so typed text can never become a
 * `<!channel>` ping or a link), then cut to `max` characters without splitting an escape.
 */
export function mrkdwn(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const piece = ESC[ch] ?? ch;
    if (out.length + piece.length > max - 1 && out.length + piece.length > max) return out + ELLIPSIS;
    out += piece;
  }
  return out.length > max ? [...out].slice(0, max - 1).join('') + ELLIPSIS : out;
}

/** Splits already-escaped mrkdwn into chunks of at most `max` characters, at line breaks when possible, never inside an escape. */
export function chunks(escaped: string, max: number): string[] {
  const out: string[] = [];
  let rest = escaped;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 5 && amp >= 0 && rest.indexOf(';', amp) >= cut) cut = amp;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length) out.push(rest);
  return out;
}

/** An http(s) URL made safe inside `<url|label>`, or null when it is not one. */
export function safeUrl(url: string | null): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const s = u.toString().replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
  return s.length <= LIMITS.url ? s : null;
}
