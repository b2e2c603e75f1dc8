import type { AuditRecord } from '../domain/audit.ts';
import { coverOf, type AwayPeriod } from '../domain/availability.ts';
import { localTimeLabel } from '../domain/business-time.ts';
import type { StaffMember } from '../domain/roster.ts';
import { slaPatch } from '../domain/sla.ts';
import { itemRef, type ItemPatch, type WorkItem } from '../domain/work-item.ts';
import { awayPeriodsAt } from './availability.ts';
import type { AppContext } from './context.ts';
import { cardUpdates, directMessages } from './outbox-messages.ts';
import type { OutboxMessage, Transition } from './ports.ts';

/** Who hands the items over: Baton itself, on the away period's behalf. */
export const AWAY_ACTOR = 'baton';

/** Where one item went when its owner's away period started. */
export type HandedTo = 'cover' | 'queue' | 'physician-pool';

export interface AwayStart {
  /** Items handed over, by where they went. */
  handed: Record<HandedTo, number>;
  /** Whether this call recorded the start (false: another sweep or request already had). */
  recorded: boolean;
  /** Who covered (staff key), or null. */
  cover: string | null;
}

/** The items an away person holds: claimed and snoozed work in queues, and escalations addressed to them. */
const HELD = ['CLAIMED', 'SNOOZED', 'ESCALATED'] as const;

/**
 * One item of someone whose away period starts, handed over: to their cover when the cover can
 * take it (works its queue; a physician, for an escalation), else back to the queue (an
 * escalation: to the physician pool). A snoozed item stays asleep — it waits on the patient — and
 * wakes to whoever has it now. Built here, applied with the item's version guard.
 */
function handOver(ctx: AppContext, item: WorkItem, period: AwayPeriod, cover: StaffMember | null, now: Date, platform: string): { transition: Transition; to: HandedTo } {
  const away = ctx.roster.staff.find((s) => s.key === period.staffKey)?.name ?? period.staffKey;
  const coverTakes = cover !== null && (item.state === 'ESCALATED' ? cover.physician : ctx.roster.isMember(cover.key, item.queue) || ctx.roster.isLeadOf(cover.key, item.queue));
  let patch: ItemPatch;
  let to: HandedTo;
  if (coverTakes) {
    patch = { ownerId: cover.key, coveringFor: period.staffKey };
    to = 'cover';
  } else if (item.state === 'ESCALATED') {
    patch = { ownerId: null, coveringFor: null };
    to = 'physician-pool';
  } else if (item.state === 'SNOOZED') {
    patch = { ownerId: null, resumeState: 'OPEN', coveringFor: null };
    to = 'queue';
  } else {
    const base: ItemPatch = { state: 'OPEN', ownerId: null, coveringFor: null };
    patch = { ...base, ...slaPatch({ ...item, ...base }, 'release', ctx.sla, now) };
    to = 'queue';
  }
  const after = { ...item, ...patch, version: item.version + 1 };
  const until = localTimeLabel(period.until, ctx.sla.calendar.timezone);
  const where = to === 'cover' ? `handed to ${cover!.name}, covering` : to === 'queue' ? 'back to the queue' : 'back to the physician pool';
  const audit: AuditRecord = {
    itemId: item.id,
    actor: AWAY_ACTOR,
    platform,
    action: 'item.away_handover',
    fromState: item.state,
    toState: after.state,
    detail: { awayId: period.id, away: period.staffKey, until: period.until.toISOString(), to: to === 'cover' ? cover!.key : to },
    at: now,
  };
  const outbox: OutboxMessage[] = cardUpdates(ctx.platforms, item.id, item.queue, after.version, now, `${away} is away until ${until}: ${where}`);
  // The person (or the pool) who now has it hears so: the card comes with the message.
  if (to === 'cover') outbox.push(...directMessages(ctx.platforms, item.id, after.version, cover!.key, `${itemRef(item)} is yours while ${away} is away (until ${until}): you are covering`, now));
  if (to === 'physician-pool') outbox.push(...directMessages(ctx.platforms, item.id, after.version, null, `${itemRef(item)} is back with the physician pool: ${away} is away until ${until}`, now));
  return { transition: { itemId: item.id, expectedVersion: item.version, patch, audit: [audit], outbox }, to };
}

/**
 * Applies the start of an away period: every item the person holds is handed over (`handOver`),
 * each as its own audited transition that redraws the card through the outbox, guarded by the
 * item's version — so two sweeps, two schedulers, or the request that set the period and a sweep,
 * hand each item over exactly once. Then the period is marked started, so items the person
 * claims while away (they may still work) are not taken from them again by a later sweep.
 * The mark comes last: a crash before it leaves the start to be applied again next time,
 * never items stranded with someone away.
 */
export async function startAway(ctx: AppContext, period: AwayPeriod, now: Date, platform: string): Promise<AwayStart> {
  const handed: Record<HandedTo, number> = { cover: 0, queue: 0, 'physician-pool': 0 };
  const cover = coverOf(ctx.roster, await awayPeriodsAt(ctx, now), period.staffKey, now);
  // An item changed under us (a click) is read again; three rounds settle anything but a storm of clicks.
  for (let round = 0; round < 3; round++) {
    const held = await ctx.store.listItems({ ownerId: period.staffKey, states: [...HELD], limit: 500 });
    if (!held.length) break;
    const planned = held.map((item) => handOver(ctx, item, period, cover, now, platform));
    const applied = await ctx.store.applyTransitions(planned.map((p) => p.transition), now);
    applied.forEach((item, k) => {
      if (item) handed[planned[k]!.to]++;
    });
    if (applied.every((item) => item !== null) && held.length < 500) break;
  }
  const recorded = await ctx.store.markAwayStarted(period.id, now);
  return { handed, recorded, cover: cover?.key ?? null };
}

/**
 * The scheduler's part: away periods whose start has come since the last sweep (set ahead of
 * time, "from Monday") are applied now. Returns how many were.
 */
export async function startDueAwayPeriods(ctx: AppContext, now: Date): Promise<number> {
  let started = 0;
  for (const period of await ctx.store.dueAwayStarts(now)) {
    const r = await startAway(ctx, period, now, 'scheduler');
    if (r.recorded) started++;
  }
  return started;
}
