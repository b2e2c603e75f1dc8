import type { AuditRecord } from '../domain/audit.ts';
import { awayAt, currentAndUpcoming, inEffect, isOnShift, zoneOf, type AwayPeriod } from '../domain/availability.ts';
import { awayPermission, findStaff, parseAwayCommand, resolveAway, type AwayRequest } from '../domain/away-command.ts';
import { localTimeLabel } from '../domain/business-time.ts';
import type { StaffMember } from '../domain/roster.ts';
import { awayPeriodsAt } from './availability.ts';
import { startAway, type AwayStart } from './away-start.ts';
import type { AppContext } from './context.ts';

/**
 * "/baton away …" on every platform: set, end or show an away period. The words are parsed by
 * src/domain/away-command.ts; here: who may, the store write with its audit event, and the start
 * (the person's items handed over) when the period begins now.
 */

export type AwayCode = 'away.invalid' | 'away.not_authorized' | 'staff.unknown';

/** The answer for the person who asked: plain sentences with staff names and times, never patient data. */
export type AwayAnswer =
  | { ok: true; text: string; period?: AwayPeriod | undefined; started?: AwayStart | undefined }
  | { ok: false; code: AwayCode; problems: string[] };

export interface AwayCall {
  /** Staff key, mapped from the platform's user by the adapter. */
  actorKey: string;
  platform: string;
}

const invalid = (problems: string[]): AwayAnswer => ({ ok: false, code: 'away.invalid', problems });

/** `text`: what follows "away" in the command. */
export async function awayCommand(ctx: AppContext, call: AwayCall & { text: string }): Promise<AwayAnswer> {
  if (!ctx.roster.member(call.actorKey)) return unknownActor();
  const parsed = parseAwayCommand(call.text);
  return parsed.ok ? awayRequest(ctx, call, parsed.value) : invalid(parsed.problems);
}

const unknownActor = (): AwayAnswer => ({ ok: false, code: 'staff.unknown', problems: ['You are not on the Baton roster; ask your practice manager to add you.'] });

/** A request already in parts (the sandbox's form): checked and carried out like the command. */
export async function awayRequest(ctx: AppContext, call: AwayCall, request: AwayRequest): Promise<AwayAnswer> {
  const actor = ctx.roster.member(call.actorKey);
  if (!actor) return unknownActor();
  const now = ctx.clock.now();
  // Who it is for, first: someone not allowed is told so, not how to fix dates they may not set.
  const person = request.for === undefined ? { ok: true as const, value: actor } : findStaff(ctx.roster, request.for);
  if (person.ok) {
    const refusal = awayPermission(ctx.roster, actor, person.value);
    if (refusal) {
      await ctx.store.appendAudit([{ itemId: null, actor: actor.key, platform: call.platform, action: 'staff.away_denied', detail: { staff: person.value.key, command: request.kind }, at: now }]);
      return { ok: false, code: 'away.not_authorized', problems: [refusal] };
    }
  }
  const r = resolveAway(request, { roster: ctx.roster, actor, now, zoneOf: (s) => zoneOf(s, ctx.sla.calendar) });
  if (!r.ok) return invalid(r.problems);
  const target = r.value;
  const periods = await awayPeriodsAt(ctx, now);
  switch (target.kind) {
    case 'status':
      return { ok: true, text: statusText(ctx, actor, target.person, periods, now) };
    case 'end':
      return endAway(ctx, call, actor, target.person, periods, now);
    case 'set': {
      if (target.cover && awayAt(periods, target.cover.key, target.from)) return invalid([`cover: ${target.cover.name} is away then too`]);
      return setAway(ctx, call, actor, { ...target, periods }, now);
    }
  }
}

const when = (ctx: AppContext, person: StaffMember, d: Date) => localTimeLabel(d, zoneOf(person, ctx.sla.calendar));
const nameOf = (ctx: AppContext, key: string | null) => (key ? (ctx.roster.member(key)?.name ?? key) : null);
const you = (actor: StaffMember, person: StaffMember) => (actor.key === person.key ? 'You' : person.name);

function describe(ctx: AppContext, person: StaffMember, p: AwayPeriod, now: Date): string {
  const cover = nameOf(ctx, p.coverKey ?? person.coveredBy ?? null);
  const span = inEffect(p, now) ? `until ${when(ctx, person, p.until)}` : `from ${when(ctx, person, p.from)} until ${when(ctx, person, p.until)}`;
  return `${span}${cover ? `, ${cover} covering` : ', no cover (their work goes to the queue)'}`;
}

function statusText(ctx: AppContext, actor: StaffMember, person: StaffMember, periods: AwayPeriod[], now: Date): string {
  const list = currentAndUpcoming(periods, person.key, now);
  const current = list.find((p) => inEffect(p, now));
  const planned = list.filter((p) => p !== current);
  const who = you(actor, person);
  const lines = [current ? `${who} ${who === 'You' ? 'are' : 'is'} away ${describe(ctx, person, current, now)}.` : `${who} ${who === 'You' ? 'are' : 'is'} not away.`];
  for (const p of planned) lines.push(`Planned: away ${describe(ctx, person, p, now)}.`);
  const hours = person.hours ? 'own hours' : 'business hours';
  lines.push(`On shift now (${hours}): ${isOnShift(person, now, ctx.sla.calendar) ? 'yes' : 'no'}.`);
  if (!current && !planned.length) lines.push('Set one with “away until <date> [cover <name>]”.');
  return lines.join('\n');
}

async function endAway(ctx: AppContext, call: AwayCall, actor: StaffMember, person: StaffMember, periods: AwayPeriod[], now: Date): Promise<AwayAnswer> {
  const list = currentAndUpcoming(periods, person.key, now);
  // What is under way ends; with nothing under way, what is planned is called off.
  const current = list.filter((p) => inEffect(p, now));
  const ending = current.length ? current : list;
  if (!ending.length) return { ok: true, text: `${you(actor, person)} ${actor.key === person.key ? 'are' : 'is'} not away, and no away period is planned.` };
  const ended: AwayPeriod[] = [];
  for (const p of ending) {
    const audit: AuditRecord = { itemId: null, actor: actor.key, platform: call.platform, action: 'staff.away_ended', detail: { awayId: p.id, staff: person.key, ...(inEffect(p, now) ? {} : { before: 'start' }) }, at: now };
    const done = await ctx.store.endAway(p.id, now, actor.key, [audit]);
    if (done) ended.push(done);
  }
  const what = ended.map((p) => `away ${p.from <= now ? `until ${when(ctx, person, p.until)}` : `from ${when(ctx, person, p.from)}`}`).join('; ');
  const text = current.length
    ? `${you(actor, person)} ${actor.key === person.key ? 'are' : 'is'} back: ${what} has ended. Items handed over while away stay where they went.`
    : `Called off: ${what}.`;
  return { ok: true, text };
}

async function setAway(
  ctx: AppContext,
  call: AwayCall,
  actor: StaffMember,
  s: { person: StaffMember; from: Date; until: Date; cover: StaffMember | null; periods: AwayPeriod[] },
  now: Date,
): Promise<AwayAnswer> {
  const period: AwayPeriod = {
    id: ctx.newId(), staffKey: s.person.key, from: s.from, until: s.until, coverKey: s.cover?.key ?? null,
    setBy: actor.key, setAt: now, endedAt: null, endedBy: null, startedAt: null,
  };
  // A new period replaces any it overlaps ("away until Monday" while away until Friday): one answer to "is she away".
  const replaced = currentAndUpcoming(s.periods, s.person.key, now).filter((p) => p.from < s.until && s.from < p.until);
  for (const p of replaced) {
    await ctx.store.endAway(p.id, now, actor.key, [{ itemId: null, actor: actor.key, platform: call.platform, action: 'staff.away_ended', detail: { awayId: p.id, staff: s.person.key, replacedBy: period.id }, at: now }]);
  }
  await ctx.store.saveAway(period, [{
    itemId: null, actor: actor.key, platform: call.platform, action: 'staff.away',
    detail: { awayId: period.id, staff: s.person.key, from: s.from.toISOString(), until: s.until.toISOString(), cover: period.coverKey },
    at: now,
  }]);
  const started = s.from <= now ? await startAway(ctx, period, now, call.platform) : undefined;
  const who = you(actor, s.person);
  const lines = [`${who} ${who === 'You' ? 'are' : 'is'} ${started ? 'now' : 'set to be'} away ${describe(ctx, s.person, period, now)}.`];
  if (replaced.length) lines.push(`This replaces ${replaced.map((p) => `away until ${when(ctx, s.person, p.until)}`).join(', ')}.`);
  if (started) {
    const { cover, queue, 'physician-pool': pool } = started.handed;
    const parts = [cover ? `${cover} to ${nameOf(ctx, started.cover) ?? 'the cover'}` : '', queue ? `${queue} back to the queue` : '', pool ? `${pool} back to the physician pool` : ''].filter(Boolean);
    lines.push(parts.length ? `Open items handed over: ${parts.join(', ')}.` : 'No open items to hand over.');
  } else lines.push('Open items are handed over when it starts.');
  lines.push(`Meanwhile no reminders or new work go to ${who === 'You' ? 'you' : s.person.name}. End it early with “away off${who === 'You' ? '' : ` for ${s.person.key}`}”.`);
  return { ok: true, text: lines.join('\n'), period, started };
}
