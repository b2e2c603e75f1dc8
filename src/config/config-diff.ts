/**
 * What a config reload changed, as key paths only: `staff.added: [dr-x]`,
 * `queues.front-desk.members changed`, `sla[2].claimWithin changed`. Never a value: a config
 * holds staff names and free text (rule examples, a queue's name), and the list goes to the log.
 * Paths name list entries by their identity field (a staff or queue `key`, a rule's `name`, a
 * category rule's `category`), which are identifiers; an object key that is not identifier-like
 * (a misspelling in the triage spelling table) is not printed either: its parent is "changed".
 */
import type { TriageRules } from '../domain/triage/index.ts';
import type { ParsedConfig } from './schema.ts';

/** A diff longer than this is cut, with the count of what was left out. */
const MAX_LINES = 100;
const IDENTITY = ['key', 'name', 'category'] as const;
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The field that names every entry of both lists, uniquely and as an identifier; null when there is none. */
function identity(a: unknown[], b: unknown[]): string | null {
  const all = [...a, ...b];
  if (!all.length) return null;
  for (const f of IDENTITY) {
    const named = (list: unknown[]) => list.every((e) => isObj(e) && typeof e[f] === 'string' && SAFE_KEY.test(e[f]));
    const unique = (list: unknown[]) => new Set(list.map((e) => (e as Obj)[f])).size === list.length;
    if (named(all) && unique(a) && unique(b)) return f;
  }
  return null;
}

function diffList(a: unknown[], b: unknown[], path: string, out: string[]) {
  const id = identity(a, b);
  if (id) {
    const byId = (list: unknown[]) => new Map(list.map((e) => [(e as Obj)[id] as string, e]));
    const before = byId(a);
    const after = byId(b);
    const added = [...after.keys()].filter((k) => !before.has(k));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    if (added.length) out.push(`${path}.added: [${added.join(', ')}]`);
    if (removed.length) out.push(`${path}.removed: [${removed.join(', ')}]`);
    for (const [k, e] of after) if (before.has(k)) diffValue(before.get(k), e, at(path, k), out);
    const kept = (list: string[], other: Map<string, unknown>) => list.filter((k) => other.has(k));
    // Order can matter (a triage tie goes to the category listed first): said once, without the entries.
    if (!same(kept([...before.keys()], after), kept([...after.keys()], before))) out.push(`${path} order changed`);
    return;
  }
  if ([...a, ...b].every((e) => !isObj(e) && !Array.isArray(e))) {
    out.push(`${path} changed`);
    return;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) out.push(`${path}[${i}] added`);
    else if (i >= b.length) out.push(`${path}[${i}] removed`);
    else diffValue(a[i], b[i], `${path}[${i}]`, out);
  }
}

function diffValue(a: unknown, b: unknown, path: string, out: string[]) {
  if (same(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) return diffList(a, b, path, out);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    if (path && !keys.every((k) => SAFE_KEY.test(k))) {
      out.push(`${path} changed`);
      return;
    }
    for (const k of keys) {
      if (a[k] === undefined) out.push(`${at(path, k)} added`);
      else if (b[k] === undefined) out.push(`${at(path, k)} removed`);
      else diffValue(a[k], b[k], at(path, k), out);
    }
    return;
  }
  out.push(`${path || '(top level)'} changed`);
}

function capped(lines: string[]): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more change(s)`];
}

/** The changes from one parsed config to the next, key paths only. */
export function configDiff(before: ParsedConfig, after: ParsedConfig): string[] {
  const out: string[] = [];
  diffValue(before, after, '', out);
  return capped(out);
}

/**
 * The changes of the triage rules' content (after merging every rules file), under `triage.`:
 * `triage.redFlags.added: [fever-infant]`, `triage.categories.rx-refill.strong changed`. The
 * loader's own derived list (`spanishOnly`) is left out; it follows the patterns.
 */
export function triageDiff(before: TriageRules, after: TriageRules): string[] {
  const { spanishOnly: _a, ...a } = before;
  const { spanishOnly: _b, ...b } = after;
  const out: string[] = [];
  diffValue(a, b, 'triage', out);
  if (!out.length && !same(before, after)) out.push('triage changed');
  return capped(out);
}
