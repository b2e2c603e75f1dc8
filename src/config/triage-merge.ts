import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

/**
 * A rules set is one or more YAML documents merged in order, so the shipped rules can be split by
 * concern and language (config/triage/*.yaml) and a clinic can add to them without copying them:
 * `triageRules: [default, ./our-phrases.yaml]`.
 *
 * How two documents merge:
 * - objects merge key by key; a scalar in the later document replaces the earlier one;
 * - lists of records with an identity key (`name`, `category`) merge record by record: the same
 *   name extends the earlier record (its lists grow, its scalars are replaced), a new name is
 *   appended;
 * - any other list grows: the later items are appended (duplicates dropped).
 */

const IDENTITY = ['name', 'category'] as const;

type Json = unknown;
const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const identity = (v: Json): string | undefined => {
  if (!isRecord(v)) return undefined;
  for (const k of IDENTITY) if (typeof v[k] === 'string') return `${k}:${v[k] as string}`;
  return undefined;
};

function mergeLists(a: Json[], b: Json[]): Json[] {
  const out = [...a];
  for (const item of b) {
    const id = identity(item);
    const at = id === undefined ? -1 : out.findIndex((x) => identity(x) === id);
    if (at >= 0) out[at] = mergeValues(out[at], item);
    else if (id !== undefined || !out.some((x) => JSON.stringify(x) === JSON.stringify(item))) out.push(item);
  }
  return out;
}

export function mergeValues(a: Json, b: Json): Json {
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) return mergeLists(a, b);
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, Json> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? mergeValues(a[k], v) : v;
    return out;
  }
  return b;
}

/** The shipped rules: every YAML file of config/triage, merged in name order. */
export const DEFAULT_TRIAGE_RULES_DIR = fileURLToPath(new URL('../../config/triage/', import.meta.url));

/** The YAML files a rules source names: a file, or every *.yaml / *.yml of a folder in name order. */
export function rulesFiles(source: string): string[] {
  const stat = fs.statSync(source);
  if (!stat.isDirectory()) return [source];
  return fs
    .readdirSync(source)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(source, f));
}

export interface RulesDocument {
  file: string;
  data: Json;
  /** `lang: es` at the top of a file: its patterns are Spanish-only (tried when a message has Spanish words). */
  lang?: 'es';
}

/** Reads each file of each source; a YAML syntax error is reported with its file, line and column. */
export function readRulesDocuments(sources: readonly string[]): RulesDocument[] {
  const docs: RulesDocument[] = [];
  for (const source of sources) {
    for (const file of rulesFiles(source)) {
      const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { prettyErrors: true });
      if (doc.errors.length) {
        // The first problem is the one to fix (later ones follow from it); YAML's own lines can be long.
        const first = doc.errors[0]!.message.split('\n')[0]!.slice(0, 200);
        const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more after it)` : '';
        throw new Error(`${file}: ${first}${more}. A pattern that starts with { [ * ? ' " ! & | needs '…' quotes.`);
      }
      const data = (doc.toJS() ?? {}) as Json;
      if (isRecord(data) && data.lang !== undefined) {
        if (data.lang !== 'es') throw new Error(`${file}: lang: only "es" is known (a file of Spanish-only patterns)`);
        const { lang: _lang, ...rest } = data;
        docs.push({ file, data: rest, lang: 'es' });
      } else docs.push({ file, data });
    }
  }
  return docs;
}

export function mergeRulesDocuments(docs: readonly RulesDocument[]): Json {
  return docs.reduce<Json>((acc, d) => mergeValues(acc, d.data), {});
}
