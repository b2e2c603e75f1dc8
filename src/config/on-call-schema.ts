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

/** Every physician key the rota names, with its path (for the roster cross-check). */
export function rotaPhysicians(rota: OnCallRota): Array<{ path: string; key: string }> {
  return [
    ...Object.entries(rota.weekly).map(([day, s]) => ({ path: `physicianPool.onCall.weekly.${day}`, key: s!.physician })),
    ...rota.overrides.map((o, i) => ({ path: `physicianPool.onCall.overrides[${i}].physician`, key: o.physician })),
  ];
}
