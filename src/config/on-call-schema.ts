/**
 * `physicianPool.onCall`: the on-call rota (src/domain/on-call.ts), as written in the config.
 * Shorthands are normalised here: a weekday may name just the physician (`mon: dr-alvarez`), and
 * an override one `date` instead of `from`/`until`. Which keys are physicians on the roster is
 * checked with the other cross-references (cross-references.ts).
 */
import { z } from 'zod';
import { WEEKDAYS } from '../domain/business-time.ts';
import type { OnCallOverride, OnCallRota } from '../domain/on-call.ts';

const staffKey = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a staff key, e.g. "dr-alvarez"');
const handover = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time like "08:00" (00:00–23:59)');
const date = z.iso.date('expected a real date like "2026-12-24"');

const shift = z.union([
  staffKey.transform((physician) => ({ physician })),
  z.strictObject({ physician: staffKey, handover: handover.optional() }),
]);

const override = z
  .union([
    z.strictObject({ date, physician: staffKey }).transform(({ date: d, physician }) => ({ from: d, until: d, physician })),
    z.strictObject({ from: date, until: date, physician: staffKey }),
  ], { error: 'an override is { date, physician } or { from, until, physician }' })
  .superRefine((o, ctx) => {
    if (o.until < o.from) ctx.addIssue({ code: 'custom', path: ['until'], message: `"${o.until}" is before "from" ("${o.from}")` });
  });

/** Two overrides on one day would leave it to their order who is on call: say so instead. */
function overlaps(list: OnCallOverride[], ctx: z.RefinementCtx) {
  list.forEach((o, i) => {
    const j = list.findIndex((p, k) => k < i && p.from <= o.until && o.from <= p.until);
    if (j >= 0) ctx.addIssue({ code: 'custom', path: ['overrides', i], message: `overlaps overrides[${j}] (${list[j]!.from}–${list[j]!.until}): one physician per day` });
  });
}

export const onCallSchema = z
  .strictObject({
    /** When one on-call day hands over to the next, in the organisation's zone. */
    handover: handover.default('00:00'),
    weekly: z.partialRecord(z.enum(WEEKDAYS), shift).default({}),
    overrides: z.array(override).default([]),
  })
  .superRefine((r, ctx) => overlaps(r.overrides, ctx))
  .refine((r) => Object.keys(r.weekly).length > 0 || r.overrides.length > 0, {
    message: 'the rota names nobody: give a weekly entry or an override (or leave onCall out)',
  });

// Compile-time guard: a parsed rota is what the domain resolves.
const _parsedIsRota: z.output<typeof onCallSchema> extends OnCallRota ? true : never = true;
void _parsedIsRota;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every physician key a rota names, with its path, for the roster cross-check: read from the rota
 * as written, so a rota with other problems (a bad date, an overlap) still has its unknown or
 * non-physician keys listed in the same run. Entries too malformed to name anyone are skipped:
 * the schema lists those.
 */
export function rotaPhysicians(written: unknown): Array<{ path: string; key: string }> {
  if (!isRecord(written)) return [];
  const out: Array<{ path: string; key: string }> = [];
  const keyOf = (v: unknown) => (typeof v === 'string' ? v : isRecord(v) && typeof v.physician === 'string' ? v.physician : undefined);
  if (isRecord(written.weekly)) {
    for (const [day, entry] of Object.entries(written.weekly)) {
      const key = keyOf(entry);
      if (key !== undefined && staffKey.safeParse(key).success) out.push({ path: `physicianPool.onCall.weekly.${day}`, key });
    }
  }
  if (Array.isArray(written.overrides)) {
    written.overrides.forEach((o, i) => {
      const key = isRecord(o) ? keyOf(o.physician) : undefined;
      if (key !== undefined && staffKey.safeParse(key).success) out.push({ path: `physicianPool.onCall.overrides[${i}].physician`, key });
    });
  }
  return out;
}
