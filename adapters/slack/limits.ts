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
  accessibilityLabel: 75,
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

/**
 * Keeps whole pieces (code points, or escapes) while they fit in `max` UTF-16 units, ending
 * with an ellipsis when something was cut. UTF-16 length is never below Slack's character
 * count, so this errs on the safe side, and never splits an emoji or an escape.
 */
function fit(pieces: string[], max: number): string {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  if (total <= max) return pieces.join('');
  let out = '';
  for (const p of pieces) {
    if (out.length + p.length > max - ELLIPSIS.length) break;
    out += p;
  }
  return out + ELLIPSIS;
}

/** Plain text cut to at most `max` characters. */
export function plain(text: string, max: number): string {
  return fit([...text], max);
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text for a mrkdwn field: `&`, `<` and `>` escaped (so typed text can never become a
 * `<!channel>` ping or a link), then cut to at most `max` characters.
 */
export function mrkdwn(text: string, max: number): string {
  return fit([...text].map((ch) => ESC[ch] ?? ch), max);
}

/**
 * Raw text as escaped mrkdwn chunks of at most `max` characters each, broken after a newline
 * when one is in the second half of the chunk, never inside an escape or an emoji.
 */
export function mrkdwnChunks(text: string, max: number, marks: readonly { start: number; end: number }[] = []): string[] {
  const pieces: string[] = [];
  // A marked run (a finding triage read, for "View message") is one bold piece, never split.
  for (let i = 0; i < text.length; ) {
    const mark = marks.find((m) => m.start === i && m.end > i);
    if (mark) {
      const run = [...text.slice(i, mark.end)].map((ch) => ESC[ch] ?? ch).join('').replace(/\n/g, ' ');
      pieces.push(`*${run}*`);
      i = mark.end;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    pieces.push(ESC[ch] ?? ch);
    i += ch.length;
  }
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  let lastBreak = -1;
  for (const p of pieces) {
    if (len + p.length > max) {
      const cut = lastBreak >= cur.length / 2 ? lastBreak + 1 : cur.length;
      out.push(cur.slice(0, cut).join(''));
      cur = cur.slice(cut);
      len = cur.reduce((n, x) => n + x.length, 0);
      lastBreak = cur.lastIndexOf('\n');
    }
    cur.push(p);
    len += p.length;
    if (p === '\n') lastBreak = cur.length - 1;
  }
  if (cur.length) out.push(cur.join(''));
  return out.filter((c) => c.trim().length > 0);
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
