import { z } from 'zod';
import { patternProblem, type TriageRules } from '../domain/triage/index.ts';
import { CATEGORIES, PRIORITIES } from '../domain/types.ts';
import { DEFAULT_TRIAGE_RULES_DIR, mergeRulesDocuments, readRulesDocuments } from './triage-merge.ts';

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

const redFlagRule = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "chest-pain"'),
  ref: z.string().optional(),
  priority,
  patterns: patterns.min(1, 'a red-flag rule needs at least one pattern'),
  with: patterns.min(1).optional(),
});

export const triageRulesSchema: z.ZodType<TriageRules, unknown> = z.strictObject({
  version: z.literal(1),
  scoring: z.strictObject({
    weights: z.strictObject({ strong: weight, normal: weight, weak: weight }),
    subjectWeight: weight,
    replySubjectWeight: weight,
    minScore: weight,
    redFlagEvidence: z.strictObject({ category: keywordCategory, weight }),
  }),
  categories: z.array(categoryRule).min(1).superRefine(...unique('category', 'category')),
  unclassified: z.strictObject({ priority: priority.default('routine') }),
  redFlags: z.array(redFlagRule).superRefine(...unique('name', 'red-flag name')),
  urgency: z.strictObject({ priority, patterns }),
  idioms: patterns,
  clauseBreaks: patterns,
  negation: z.strictObject({
    cues: patterns,
    pseudoCues: patterns,
    windowWords: z.number().int().nonnegative(),
    listItemMaxWords: z.number().int().nonnegative(),
    listItemStoppers: patterns,
  }),
  resolution: z.strictObject({ cues: patterns, anaphora: patterns }),
});

const formatPath = (path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') ||
  '(top level)';

/** Validates already-parsed YAML/JSON data; throws one Error listing every problem with its path. */
export function parseTriageRules(data: unknown, source = 'triage rules'): TriageRules {
  const parsed = triageRulesSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`);
  throw new Error(`${source} is invalid (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
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
  const docs = readRulesDocuments(resolved);
  const label = sources.map((s) => (s === 'default' ? 'the shipped rules (config/triage)' : s)).join(' + ');
  return parseTriageRules(mergeRulesDocuments(docs), label);
}
