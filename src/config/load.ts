import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import type { Routing } from '../app/context.ts';
import type { BusinessCalendar } from '../domain/business-time.ts';
import { Roster } from '../domain/roster.ts';
import type { SlaPolicy } from '../domain/sla.ts';
import type { TriageRules } from '../domain/triage/index.ts';
import { businessCalendarSchema } from './calendar-schema.ts';
import { configParts } from './config-parts.ts';
import { crossReferenceProblems } from './cross-references.ts';
import { configSchema, type ParsedConfig } from './schema.ts';
import { loadDefaultTriageRules, loadTriageRules } from './triage-schema.ts';

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../config/baton.example.yaml', import.meta.url));

/** Everything the app needs from the config file, as plain values (no global lookups). */
export interface BatonConfig {
  file: string;
  raw: ParsedConfig;
  roster: Roster;
  calendar: BusinessCalendar;
  sla: SlaPolicy[];
  routing: Routing;
  triageRules: TriageRules;
}

/**
 * On failure, `problems` lists every problem of every layer (the schema, cross-references,
 * business hours, the triage rules); `triageRules` is there when the rules themselves loaded,
 * so `baton config check` can run their examples too.
 */
export type ConfigResult = { ok: true; config: BatonConfig } | { ok: false; file: string; problems: string[]; triageRules?: TriageRules };

export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(top level)';
}

export const issuesToProblems = (issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []) =>
  issues.map((i) => `${formatPath([...prefix, ...i.path])}: ${i.message}`);

/**
 * Reads, parses and validates a config file, collecting every problem before reporting.
 * `fresh`: read the shipped triage rules from disk again rather than from this process's cache
 * (a reload must see what the files say now).
 */
export function loadConfig(file: string = EXAMPLE_CONFIG, opts: { fresh?: boolean } = {}): ConfigResult {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return { ok: false, file: abs, problems: [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`] };
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return { ok: false, file: abs, problems: doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`) };
  }
  const raw = doc.toJS();
  const parsed = configSchema.safeParse(raw);
  // The later layers run on every part that parsed (config-parts.ts), so one run lists every
  // problem, however many layers they are in.
  const parts = configParts(raw);
  const problems = parsed.success ? [] : issuesToProblems(parsed.error.issues);
  problems.push(...crossReferenceProblems(parts));

  let calendar: BusinessCalendar | undefined;
  if (parts.businessHours) {
    // A bad organization.timezone is the schema's problem, listed already; the weekly hours are
    // checked all the same, against a stand-in zone.
    const cal = businessCalendarSchema.safeParse({ ...parts.businessHours, timezone: parts.organization?.timezone ?? 'UTC' });
    if (!cal.success) problems.push(...issuesToProblems(cal.error.issues, ['businessHours']));
    else if (parts.organization) calendar = cal.data;
  }

  let triageRules: TriageRules | undefined;
  try {
    const sources = parts.triageRules === undefined ? [] : [parts.triageRules].flat();
    triageRules = sources.length
      ? loadTriageRules(sources.map((s) => (s === 'default' ? s : path.resolve(path.dirname(abs), s))))
      : opts.fresh ? loadTriageRules(['default']) : loadDefaultTriageRules();
  } catch (e) {
    problems.push(`triageRules: ${(e as Error).message}`);
  }

  if (!parsed.success || problems.length || !calendar || !triageRules) return { ok: false, file: abs, problems, ...(triageRules ? { triageRules } : {}) };
  const c = parsed.data;
  return {
    ok: true,
    config: {
      file: abs,
      raw: c,
      roster: new Roster(c.staff, c.queues),
      calendar,
      sla: c.sla.map((p) => ({ ...p })),
      routing: c.routing,
      triageRules,
    },
  };
}
