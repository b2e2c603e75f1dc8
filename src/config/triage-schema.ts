import { z } from 'zod';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import wordListPath from 'word-list';
import { buildRulesSpelling, patternProblem, protectedWords, VALUE_NAMES, type TriageRules } from '../domain/triage/index.ts';
import { CATEGORIES, PRIORITIES } from '../domain/types.ts';
import { cachedProtectedWords } from './spelling-cache.ts';
import { expandLexicon } from './triage-lexicon.ts';
import { DEFAULT_TRIAGE_RULES_DIR, mergeRulesDocuments, readRulesDocuments, rulesFiles, type RulesDocument } from './triage-merge.ts';

/**
 * Schema of a triage rules file (config/triage.default.yaml). Validation collects every problem
 * with its path (STYLE.md: config errors are reported together), including each pattern that is
 * not a usable regular expression.
 */

const pattern = z.string().superRefine((src, ctx) => {
  const problem = patternProblem(src);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (pattern: ${JSON.stringify(src)})` });
});
const patterns = z.array(pattern);
const priority = z.enum(PRIORITIES);
const keywordCategory = z.enum(CATEGORIES).exclude(['red-flag', 'unclassified']);
const weight = z.number().nonnegative();

/**
 * Reports a second use of the same key (category, red-flag name) at the duplicate's path. Runs even
 * when items have other errors (`when`), so that every problem is reported in one go; items are
 * therefore read defensively.
 */
const unique = (field: string, what: string) =>
  [
    (items: unknown[], ctx: z.RefinementCtx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const k = (item as Record<string, unknown> | null)?.[field];
        if (typeof k !== 'string') return;
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i, field], message: `duplicate ${what} "${k}"` });
        seen.add(k);
      });
    },
    { when: () => true },
  ] as const;

const categoryRule = z.strictObject({
  category: keywordCategory,
  priority: priority.default('routine'),
  strong: patterns.default([]),
  normal: patterns.default([]),
  weak: patterns.default([]),
});

const examples = z.strictObject({ flag: z.array(z.string().min(1)).optional(), ignore: z.array(z.string().min(1)).optional() });
const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "chest-pain"');
const valueCondition = z
  .strictObject({ value: z.enum(VALUE_NAMES), below: z.number().optional(), atLeast: z.number().optional() })
  .refine((v) => v.below !== undefined || v.atLeast !== undefined, 'give "below", "atLeast" or both');

const redFlagRule = z
  .strictObject({
    name,
    label: z.string().min(1).max(60).optional(),
    ref: z.string().optional(),
    priority,
    patterns: patterns.optional(),
    concepts: z.array(name).optional(),
    with: patterns.min(1).optional(),
    values: z.array(valueCondition).optional(),
    valuesAny: z.array(valueCondition).optional(),
    transient: z.boolean().optional(),
    examples: examples.optional(),
  })
  .refine((r) => (r.patterns?.length ?? 0) + (r.concepts?.length ?? 0) + (r.values?.length ?? 0) + (r.valuesAny?.length ?? 0) > 0, 'a red-flag rule needs patterns, concepts or value conditions');

const modifierRule = z.strictObject({
  name,
  category: z.enum(['negated', 'resolved', 'historical', 'hypothetical', 'explained', 'current', 'pseudo']),
  direction: z.enum(['forward', 'backward', 'both']).default('forward'),
  scope: z.enum(['clause', 'sentence', 'message']).default('clause'),
  window: z.number().int().nonnegative().default(6),
  patterns: patterns.min(1, 'a modifier needs at least one pattern'),
  lang: z.enum(['en', 'es']).optional(),
  appliesTo: z.array(name).min(1).optional(),
  examples: examples.optional(),
});

const words = z.array(z.string().regex(/^[a-z]+$/, 'one lower-case word without accents'));

export const triageRulesSchema: z.ZodType<TriageRules, unknown> = z
  .strictObject({
    version: z.literal(2),
    scoring: z.strictObject({
      weights: z.strictObject({ strong: weight, normal: weight, weak: weight }),
      subjectWeight: weight,
      replySubjectWeight: weight,
      minScore: weight,
      redFlagEvidence: z.strictObject({ category: keywordCategory, weight }),
    }),
    categories: z.array(categoryRule).min(1).superRefine(...unique('category', 'category')),
    unclassified: z.strictObject({ priority: priority.default('routine') }),
    lexicon: z.record(name, z.array(pattern).min(1)).default({}),
    concepts: z.array(z.strictObject({ name, patterns: patterns.min(1) })).default([]).superRefine(...unique('name', 'concept name')),
    redFlags: z.array(redFlagRule).superRefine(...unique('name', 'red-flag name')),
    clinicalContent: z.strictObject({
      concepts: z.array(name),
      clericalCategories: z.array(z.enum(CATEGORIES).exclude(['red-flag'])),
      priority,
    }),
    urgency: z.strictObject({ priority, patterns }),
    idioms: patterns,
    clauseBreaks: patterns,
    modifiers: z.array(modifierRule).superRefine(...unique('name', 'modifier name')),
    modifierSettings: z.strictObject({
      listItemMaxWords: z.number().int().nonnegative(),
      listItemStoppers: patterns,
      anaphora: patterns,
    }),
    spelling: z.strictObject({
      minLength: z.number().int().min(3),
      words: words.default([]),
      misspellings: z.record(z.string().regex(/^[a-z]+$/, 'one lower-case word without accents'), z.string().min(1)).default({}),
      keep: words.default([]),
    }),
    language: z.strictObject({
      es: z.strictObject({ markers: words.min(1), minShare: z.number().min(0).max(1), minCount: z.number().int().min(1), hints: words.default([]) }),
      en: z.strictObject({ markers: words.min(1) }),
    }),
  })
  .superRefine((r, ctx) => {
    // Every concept a rule names must exist.
    const known = new Set(r.concepts.map((c) => c.name));
    r.redFlags.forEach((f, i) =>
      f.concepts?.forEach((n, k) => !known.has(n) && ctx.addIssue({ code: 'custom', path: ['redFlags', i, 'concepts', k], message: `no concept named "${n}"` })),
    );
    const rules = new Set(r.redFlags.map((f) => f.name));
    r.modifiers.forEach((m, i) =>
      m.appliesTo?.forEach((n, k) => !rules.has(n) && ctx.addIssue({ code: 'custom', path: ['modifiers', i, 'appliesTo', k], message: `no red-flag rule named "${n}"` })),
    );
    r.clinicalContent.concepts.forEach((n, k) => !known.has(n) && ctx.addIssue({ code: 'custom', path: ['clinicalContent', 'concepts', k], message: `no concept named "${n}"` }));
  }) as unknown as z.ZodType<TriageRules, unknown>;

/**
 * Version-1 files (one `negation` and one `resolution` section) are read as their version-2
 * modifiers, so a clinic's copy of the old rules keeps working.
 */
export function upgradeRules(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const d = { ...(data as Record<string, any>) };
  if (!('negation' in d) && !('resolution' in d)) return d;
  const neg = d.negation ?? {};
  const res = d.resolution ?? {};
  const legacy = [
    neg.cues && { name: 'negation-v1', category: 'negated', direction: 'forward', scope: 'clause', window: neg.windowWords ?? 6, patterns: neg.cues },
    neg.pseudoCues && { name: 'pseudo-negation-v1', category: 'pseudo', patterns: neg.pseudoCues },
    res.cues && { name: 'resolution-v1', category: 'resolved', direction: 'backward', scope: 'clause', window: 1000, patterns: res.cues },
  ].filter(Boolean);
  d.modifiers = [...(d.modifiers ?? []), ...legacy];
  d.modifierSettings = {
    ...(d.modifierSettings ?? {}),
    listItemMaxWords: d.modifierSettings?.listItemMaxWords ?? neg.listItemMaxWords,
    listItemStoppers: [...(d.modifierSettings?.listItemStoppers ?? []), ...(neg.listItemStoppers ?? [])],
    anaphora: [...(d.modifierSettings?.anaphora ?? []), ...(res.anaphora ?? [])],
  };
  delete d.negation;
  delete d.resolution;
  if (d.version === 1) d.version = 2;
  return d;
}

const formatPath = (path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') ||
  '(top level)';

/** Validates already-parsed YAML/JSON data; throws one Error listing every problem with its path. */
export function parseTriageRules(data: unknown, source = 'triage rules'): TriageRules {
  const lex = expandLexicon(upgradeRules(data));
  const parsed = triageRulesSchema.safeParse(lex.data);
  if (parsed.success && lex.problems.length === 0) return parsed.data;
  const issues = [...lex.problems, ...(parsed.success ? [] : parsed.error.issues)];
  const lines = issues.map((i) => `  ${formatPath(i.path as PropertyKey[])}: ${i.message}${recordName(lex.data, i.path as PropertyKey[])}`);
  throw new Error(`${source} is invalid (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
}

/**
 * The files are merged, so `redFlags[54]` is an index into the merged list, not into the clinic's
 * file: name the record too (" — in red-flag rule "post-op-bleeding"").
 */
function recordName(data: unknown, path: readonly PropertyKey[]): string {
  const [list, index] = path;
  const what: Record<string, string> = { redFlags: 'red-flag rule', modifiers: 'modifier', concepts: 'concept', categories: 'category' };
  if (typeof list !== 'string' || typeof index !== 'number' || !what[list]) return '';
  const record = (data as Record<string, unknown[] | undefined>)?.[list]?.[index] as { name?: unknown; category?: unknown } | undefined;
  const key = record?.name ?? record?.category;
  return typeof key === 'string' ? ` — in ${what[list]} "${key}"` : '';
}

let defaults: TriageRules | undefined;

/** The shipped rules, read and validated once per process (the engine caches its compiled form per object). */
export function loadDefaultTriageRules(): TriageRules {
  defaults ??= loadTriageRules(['default']);
  return defaults;
}

/**
 * Reads, merges (triage-merge.ts) and validates a rules set. `sources` are files or folders;
 * `default` stands for the shipped rules (config/triage/).
 */
export function loadTriageRules(sources: readonly string[]): TriageRules {
  const resolved = sources.map((s) => (s === 'default' ? DEFAULT_TRIAGE_RULES_DIR : s));
  const key = contentKey(resolved);
  const known = key === undefined ? undefined : loaded.get(key);
  if (known) return known;
  const docs = readRulesDocuments(resolved);
  const label = sources.map((s) => (s === 'default' ? 'the shipped rules (config/triage)' : s)).join(' + ');
  const merged = mergeRulesDocuments(docs);
  const rules = withDictionary(parseTriageRules(merged, label));
  const out = { ...rules, spanishOnly: spanishOnlyPatterns(docs, merged) };
  if (key !== undefined) {
    if (loaded.size >= 4) loaded.delete(loaded.keys().next().value!);
    loaded.set(key, out);
  }
  return out;
}

/**
 * Rules already read, by what their files hold (names and bytes, in order): reading the same
 * files again — a config reload that left the rules alone, another config naming the same rules —
 * gives back the same object, which the engine has compiled already, instead of checking 300 KB
 * of patterns and the dictionary again (a second or more of blocked event loop). Any change to
 * any file, or to which files there are, is a new key.
 */
const loaded = new Map<string, TriageRules>();

function contentKey(resolved: readonly string[]): string | undefined {
  try {
    const h = createHash('sha256');
    for (const source of resolved) for (const file of rulesFiles(source)) h.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
    return h.digest('hex');
  } catch {
    return undefined; // a missing file or folder: the load itself says so
  }
}

/** Every pattern string of a document (after lexicon expansion with the merged lexicon). */
function patternsOf(data: unknown, lexicon: unknown): Set<string> {
  const out = new Set<string>();
  const { data: expanded } = expandLexicon({ ...(data as object), lexicon });
  const walk = (v: unknown, key = '') => {
    if (Array.isArray(v)) v.forEach((x) => (typeof x === 'string' ? PATTERN_KEYS.has(key) && out.add(x) : walk(x, key)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'examples' && k !== 'lexicon') walk(x, k);
  };
  walk(expanded);
  return out;
}
const PATTERN_KEYS = new Set(['patterns', 'with', 'strong', 'normal', 'weak', 'idioms', 'clauseBreaks']);

/** Patterns written only in `lang: es` files: the engine tries them only in messages with Spanish words. */
function spanishOnlyPatterns(docs: readonly RulesDocument[], merged: unknown): string[] {
  const lexicon = (merged as { lexicon?: unknown }).lexicon ?? {};
  const es = new Set<string>();
  const other = new Set<string>();
  for (const d of docs) for (const p of patternsOf(d.data, lexicon)) (d.lang === 'es' ? es : other).add(p);
  return [...es].filter((p) => !other.has(p));
}

/**
 * Adds to `spelling.keep` the real English words (the `word-list` package, 274k words) that sit
 * one typo away from a rule word, so spelling tolerance never rewrites a correctly spelt word:
 * "night" stays "night" though "tight" is a rule word.
 */
let dictionary: string | undefined;

export function withDictionary(rules: TriageRules): TriageRules {
  dictionary ??= fs.readFileSync(wordListPath, 'utf8');
  const table = buildRulesSpelling(rules);
  const keep = cachedProtectedWords(dictionary, table, () => protectedWords(dictionary!.split('\n'), table));
  return { ...rules, spelling: { ...rules.spelling, keep: [...new Set([...rules.spelling.keep, ...keep])] } };
}
