import { describe, expect, it } from 'vitest';
import { actOnItem } from '../../src/app/act-on-item.ts';
import { availableStaff } from '../../src/app/availability.ts';
import { awayCommand, type AwayAnswer } from '../../src/app/away.ts';
import { startDueAwayPeriods } from '../../src/app/away-start.ts';
import type { AppContext } from '../../src/app/context.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import { Roster } from '../../src/domain/roster.ts';
import { memoryContext, portalMessage } from '../support/context.ts';

/** Away periods from the use case's side, on the memory store and the fixed clock (Tue 1 Dec 2026, 09:00 Chicago). */

const MIN = 60_000;
const HOUR = 60 * MIN;
let n = 0;

async function refill(ctx: AppContext, claimer?: string) {
  const r = await ingestMessage(ctx, portalMessage({ externalId: `aw-${++n}` }));
  if (claimer) await actOnItem(ctx, { itemId: r.itemId, actorKey: claimer, platform: 'test', command: { type: 'claim' } });
  return r.itemId;
}

const away = (ctx: AppContext, actorKey: string, text: string) => awayCommand(ctx, { actorKey, platform: 'test', text });
const ok = (a: AwayAnswer) => {
  if (!a.ok) throw new Error(`refused: ${a.problems.join('; ')}`);
  return a;
};

describe('setting someone away', () => {
  it('hands their claimed and snoozed items to a cover who works the queue, each once, audited as Baton, cards redrawn', async () => {
    const { ctx, store, clock } = memoryContext(['slack']);
    const claimed = await refill(ctx, 'taylor-brooks');
    const snoozed = await refill(ctx, 'taylor-brooks');
    await actOnItem(ctx, { itemId: snoozed, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'snooze', until: new Date(clock.now().getTime() + 2 * HOUR), reason: 'waiting on pharmacy' } });
    const someoneElse = await refill(ctx, 'jordan-kim');

    const answer = ok(await away(ctx, 'taylor-brooks', 'until fri cover chris park'));
    expect(answer.text).toBe([
      'You are now away until Fri 4 Dec, 00:00 CST, Chris Park, MA covering.',
      'Open items handed over: 2 to Chris Park, MA.',
      'Meanwhile no reminders or new work go to you. End it early with “away off”.',
    ].join('\n'));
    expect(await store.findItem(claimed)).toMatchObject({ state: 'CLAIMED', ownerId: 'chris-park', coveringFor: 'taylor-brooks' });
    expect(await store.findItem(snoozed)).toMatchObject({ state: 'SNOOZED', ownerId: 'chris-park', coveringFor: 'taylor-brooks', resumeState: 'CLAIMED' });
    expect(await store.findItem(someoneElse)).toMatchObject({ ownerId: 'jordan-kim' });
    const handover = store.audit.filter((a) => a.action === 'item.away_handover');
    expect(handover.map((a) => [a.itemId, a.actor, a.detail])).toEqual([claimed, snoozed].map((id) => [id, 'baton', { awayId: answer.period!.id, away: 'taylor-brooks', until: '2026-12-04T06:00:00.000Z', to: 'chris-park' }]));
    expect(store.audit.find((a) => a.action === 'staff.away')).toMatchObject({ itemId: null, actor: 'taylor-brooks', detail: { staff: 'taylor-brooks', cover: 'chris-park' } });
    const notes = store.outbox.filter((o) => o.kind === 'thread.note' && o.itemId === claimed).map((o) => o.payload.text);
    expect(notes).toContain('Taylor Brooks, MA is away until Fri 4 Dec, 00:00 CST: handed to Chris Park, MA, covering');
    const version = (await store.findItem(claimed))!.version;
    expect(store.outbox.some((o) => o.kind === 'card.update' && o.itemId === claimed && o.dedupeKey.endsWith(`v${version}`))).toBe(true);
    expect(store.outbox.filter((o) => o.kind === 'dm' && o.payload.to === 'chris-park')).toHaveLength(2);
    expect((await cardForItem(ctx, (await store.findItem(claimed))!)).statusLine).toBe('Claimed: Chris Park, MA (covering for Taylor Brooks, MA)');

    // The scheduler finds the start already applied: nothing is handed over twice.
    clock.advance(MIN);
    expect(await startDueAwayPeriods(ctx, clock.now())).toBe(0);
    expect(store.audit.filter((a) => a.action === 'item.away_handover')).toHaveLength(2);
  });

  it('without a cover, offers claimed work back to the queue (a fresh claim target) and snoozed work wakes to the queue', async () => {
    const { ctx, store, clock } = memoryContext();
    const claimed = await refill(ctx, 'taylor-brooks');
    const snoozed = await refill(ctx, 'taylor-brooks');
    const until = new Date(clock.now().getTime() + 2 * HOUR);
    await actOnItem(ctx, { itemId: snoozed, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'snooze', until, reason: 'waiting on pharmacy' } });
    clock.advance(HOUR);
    const a = ok(await away(ctx, 'taylor-brooks', 'through tomorrow'));
    expect(a.text).toContain('away until Thu 3 Dec, 00:00 CST, no cover (their work goes to the queue).');
    expect(a.text).toContain('Open items handed over: 2 back to the queue.');
    const item = (await store.findItem(claimed))!;
    expect(item).toMatchObject({ state: 'OPEN', ownerId: null, coveringFor: null });
    expect(item.claimDueAt!.getTime()).toBeGreaterThan(clock.now().getTime()); // the claim clock starts again, from now
    expect(await store.findItem(snoozed)).toMatchObject({ state: 'SNOOZED', ownerId: null, resumeState: 'OPEN', snoozedUntil: until });
    expect(store.audit.filter((x) => x.action === 'item.away_handover').map((x) => x.detail!.to)).toEqual(['queue', 'queue']);
  });

  it('a period set ahead starts when the sweep first runs after its start, exactly once even with two schedulers at once', async () => {
    const { ctx, store, clock } = memoryContext();
    const a = ok(await away(ctx, 'chris-park', 'from mon until wed for taylor')); // Chris leads Refills
    expect(a.text).toContain('Taylor Brooks, MA is set to be away from Mon 7 Dec, 00:00 CST until Wed 9 Dec, 00:00 CST');
    expect(a.text).toContain('Open items are handed over when it starts.');
    const itemId = await refill(ctx, 'taylor-brooks');
    expect(await startDueAwayPeriods(ctx, clock.now())).toBe(0); // not yet
    expect((await store.findItem(itemId))!.ownerId).toBe('taylor-brooks');

    clock.t = new Date('2026-12-07T14:00:00Z'); // Mon 08:00 Chicago
    const [x, y] = await Promise.all([startDueAwayPeriods(ctx, clock.now()), startDueAwayPeriods(ctx, clock.now())]);
    expect(x + y).toBe(1);
    expect(store.audit.filter((e) => e.action === 'item.away_handover' && e.itemId === itemId)).toHaveLength(1);
    expect(await store.findItem(itemId)).toMatchObject({ state: 'OPEN', ownerId: null });

    // Taylor works a little anyway: what she claims now stays hers; a later sweep does not take it back.
    await actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'claim' } });
    clock.advance(HOUR);
    expect(await startDueAwayPeriods(ctx, clock.now())).toBe(0);
    expect((await store.findItem(itemId))!.ownerId).toBe('taylor-brooks');
  });

  it('lists every problem with the words, and refuses setting it for someone who is not yours, audited', async () => {
    const { ctx, store } = memoryContext();
    expect(await away(ctx, 'taylor-brooks', 'until 2026-11-30 cover dr bakr')).toEqual({
      ok: false, code: 'away.invalid', problems: ['until: Mon 30 Nov, 00:00 CST is in the past', 'cover: nobody called “dr bakr” is on the Baton roster'],
    });
    expect(await away(ctx, 'taylor-brooks', 'soon')).toMatchObject({ ok: false, code: 'away.invalid', problems: [expect.stringMatching(/^“soon” is not understood/)] });
    const refused = await away(ctx, 'sam-ortiz', 'until fri for priya');
    expect(refused).toMatchObject({ ok: false, code: 'away.not_authorized', problems: [expect.stringMatching(/^You may set away only for yourself/)] });
    expect(store.audit.at(-1)).toMatchObject({ action: 'staff.away_denied', actor: 'sam-ortiz', detail: { staff: 'priya-shah', command: 'set' } });
    expect(store.aways).toEqual([]);
    expect(await awayCommand(ctx, { actorKey: 'nobody', platform: 'test', text: 'until fri' })).toMatchObject({ ok: false, code: 'staff.unknown' });
  });

  it('shows how it stands, replaces an overlapping period, and ends it early', async () => {
    const { ctx, store, clock } = memoryContext();
    expect(ok(await away(ctx, 'sam-ortiz', '')).text).toBe('You are not away.\nOn shift now (business hours): yes.\nSet one with “away until <date> [cover <name>]”.');
    ok(await away(ctx, 'sam-ortiz', 'until fri cover priya'));
    const longer = ok(await away(ctx, 'sam-ortiz', 'until 2026-12-08'));
    expect(longer.text).toContain('This replaces away until Fri 4 Dec, 00:00 CST.');
    ok(await away(ctx, 'priya-shah', 'from 2026-12-21 until 2026-12-28 for sam'));
    expect(ok(await away(ctx, 'morgan-lee', 'for sam')).text).toBe([
      'Sam Ortiz is away until Tue 8 Dec, 00:00 CST, no cover (their work goes to the queue).',
      'Planned: away from Mon 21 Dec, 00:00 CST until Mon 28 Dec, 00:00 CST, no cover (their work goes to the queue).',
      'On shift now (business hours): yes.',
    ].join('\n'));
    clock.advance(HOUR);
    expect(ok(await away(ctx, 'sam-ortiz', 'back')).text).toBe('You are back: away until Tue 8 Dec, 00:00 CST has ended. Items handed over while away stay where they went.');
    expect(await availableStaff(ctx, clock.now())).toContain('sam-ortiz');
    expect(ok(await away(ctx, 'sam-ortiz', 'off')).text).toBe('Called off: away from Mon 21 Dec, 00:00 CST.');
    expect(ok(await away(ctx, 'sam-ortiz', 'off')).text).toBe('You are not away, and no away period is planned.');
    expect(store.audit.filter((a) => a.itemId === null).map((a) => a.action)).toEqual(['staff.away', 'staff.away_ended', 'staff.away', 'staff.away', 'staff.away_ended', 'staff.away_ended']);
  });
});

describe('who may be given work', () => {
  it('is everyone active and on shift who is not away', async () => {
    const { ctx, clock } = memoryContext();
    const everyone = ctx.roster.staff.filter((s) => s.active).map((s) => s.key);
    expect([...(await availableStaff(ctx, clock.now()))].sort()).toEqual([...everyone].sort());
    ok(await away(ctx, 'jordan-kim', 'until tomorrow'));
    const now = await availableStaff(ctx, clock.now());
    expect(now.has('jordan-kim')).toBe(false);
    expect(now.size).toBe(everyone.length - 1);
    expect(await availableStaff(ctx, new Date('2026-12-01T23:30:00Z'))).toEqual(new Set()); // 17:30: the clinic is closed
    expect(await availableStaff(ctx, new Date('2026-12-24T16:00:00Z'))).toEqual(new Set()); // Christmas Eve, a holiday in the example config
  });
});

describe('no reminders to away staff', () => {
  it('an away owner’s reminder goes to the queue’s lead; an away manager gets none; the channel reminder names neither', async () => {
    const { ctx, store, clock } = memoryContext(['slack']);
    ok(await away(ctx, 'jordan-kim', 'until 2026-12-10'));
    ok(await away(ctx, 'morgan-lee', 'until 2026-12-10'));
    // A nursing item Jordan claims while away (people may still work): it stays hers.
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'aw-rem', subject: 'question', body: 'I have had a mild rash on my arm for a week, is this normal?' }));
    await actOnItem(ctx, { itemId: r.itemId, actorKey: 'jordan-kim', platform: 'test', command: { type: 'claim' } });
    clock.advance(3 * 24 * HOUR);
    const { sweep } = await import('../../src/app/sweep.ts');
    await sweep(ctx, clock.now());
    const dms = store.outbox.filter((o) => o.kind === 'dm' && o.itemId === r.itemId && /^Reminder/.test(String(o.payload.text)));
    expect(dms.map((o) => o.payload.to)).toEqual(['dana-reyes']); // not Jordan (owner, away), not Morgan (manager, away)
    const channel = store.outbox.find((o) => o.kind === 'thread.note' && o.itemId === r.itemId && o.payload.broadcast);
    expect(channel!.payload.mention).toEqual({ queue: 'nursing', people: [] });
  });

  it('an away lead is never paged, not even as the fallback of a queue without a paging group', async () => {
    const { ctx, store, clock } = memoryContext(['slack']);
    ok(await away(ctx, 'dana-reyes', 'until fri'));
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'aw-lead', subject: 'question', body: 'I have had a mild rash on my arm for a week, is this normal?' }));
    clock.advance(4 * HOUR);
    const { sweep } = await import('../../src/app/sweep.ts');
    const { resolveMention } = await import('../../src/app/notices.ts');
    await sweep(ctx, clock.now());
    expect(store.outbox.filter((o) => o.kind === 'dm' && o.itemId === r.itemId)).toEqual([]); // unclaimed: the lead would get it, but she is away
    const channel = store.outbox.find((o) => o.kind === 'thread.note' && o.itemId === r.itemId && o.payload.broadcast)!;
    expect(resolveMention(ctx, channel.payload.mention)).toEqual({ queue: 'nursing', fallback: [], people: [] });
  });
});

describe('covering physicians', () => {
  /** Dr. Alvarez has Dr. Baker as her covering physician in config. */
  function withCoveredBy() {
    const m = memoryContext(['slack']);
    const roster = new Roster(m.ctx.roster.staff.map((s) => (s.key === 'dr-alvarez' ? { ...s, coveredBy: 'dr-baker' } : s)), m.ctx.roster.queues);
    return { ...m, ctx: { ...m.ctx, roster } };
  }
  const escalate = (ctx: AppContext, itemId: string, to: string) =>
    actOnItem(ctx, { itemId, actorKey: 'taylor-brooks', platform: 'test', command: { type: 'escalate', reason: 'Dose question', to } });

  it('an escalation addressed to an away physician goes to her cover, recorded on the item and in the audit, and the card says so', async () => {
    const { ctx, store } = withCoveredBy();
    ok(await away(ctx, 'morgan-lee', 'until fri for dr alvarez')); // config coveredBy applies
    const itemId = await refill(ctx);
    const r = await escalate(ctx, itemId, 'dr-alvarez');
    expect(r.ok && r.item).toMatchObject({ state: 'ESCALATED', ownerId: 'dr-baker', coveringFor: 'dr-alvarez' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.escalate', detail: { to: 'dr-baker', addressedTo: 'dr-alvarez', coveringFor: 'dr-alvarez' } });
    const dm = store.outbox.find((o) => o.kind === 'dm' && o.itemId === itemId)!;
    expect(dm.payload).toMatchObject({ to: 'dr-baker', text: 'Escalated to you, covering for Dr. Elena Alvarez: Dose question' });
    const note = store.outbox.find((o) => o.kind === 'thread.note' && o.itemId === itemId && !o.payload.broadcast && String(o.payload.text).startsWith('Escalated'))!;
    expect(note.payload.text).toBe('Escalated by Taylor Brooks, MA to Dr. Marcus Baker (covering for Dr. Elena Alvarez) — reason recorded');
    const card = await cardForItem(ctx, (await store.findItem(itemId))!, 'direct');
    expect(card.statusLine).toBe('With a physician: Dr. Marcus Baker (covering for Dr. Elena Alvarez)');
    expect(card.ownerLabel).toBe('Dr. Marcus Baker (covering for Dr. Elena Alvarez)');
    expect(card.escalation?.to).toBe('Dr. Marcus Baker (covering for Dr. Elena Alvarez)');

    // Dr. Baker hands it on: the relation was his, so it goes.
    const handed = await actOnItem(ctx, { itemId, actorKey: 'dr-baker', platform: 'test', command: { type: 'reassign', to: 'dr-cho' } });
    expect(handed.ok && handed.item).toMatchObject({ ownerId: 'dr-cho', coveringFor: null });
  });

  it('the away period’s own cover wins over config; with no cover at all the escalation goes to the pool, and the audit says why', async () => {
    const { ctx, store } = withCoveredBy();
    ok(await away(ctx, 'dr-alvarez', 'until fri cover dr cho'));
    ok(await away(ctx, 'dr-baker', 'until fri'));
    const a = await refill(ctx);
    const toAlvarez = await escalate(ctx, a, 'dr-alvarez');
    expect(toAlvarez.ok && toAlvarez.item).toMatchObject({ ownerId: 'dr-cho', coveringFor: 'dr-alvarez' });
    const b = await refill(ctx);
    const toBaker = await escalate(ctx, b, 'dr-baker');
    expect(toBaker.ok && toBaker.item).toMatchObject({ state: 'ESCALATED', ownerId: null, coveringFor: null });
    expect(store.audit.at(-1)).toMatchObject({ action: 'item.escalate', detail: { to: 'physician-pool', addressedTo: 'dr-baker', away: true } });
    expect(store.outbox.find((o) => o.kind === 'thread.note' && o.itemId === b && String(o.payload.text).startsWith('Escalated'))!.payload.text)
      .toBe('Escalated by Taylor Brooks, MA to the physician pool (Dr. Marcus Baker is away) — reason recorded');
    // Handing an escalation to an away physician nobody covers for is refused plainly.
    const refused = await actOnItem(ctx, { itemId: a, actorKey: 'dr-cho', platform: 'test', command: { type: 'reassign', to: 'dr-baker' } });
    expect(refused).toMatchObject({ ok: false, code: 'item.invalid_target', message: 'Dr. Marcus Baker is away and nobody covers for them; hand this to another physician.' });
  });

  it('the cover becomes the default escalation target for her PCP patients, and the pool when nobody covers', async () => {
    const { ctx, store } = withCoveredBy();
    const r = await ingestMessage(ctx, portalMessage({ externalId: 'aw-pcp', patient: { id: 'pt-9', name: 'Testa Patientson', mrn: '55501234', pcp: 'dr-alvarez' } }));
    const defaultOf = async () => (await cardForItem(ctx, (await store.findItem(r.itemId))!)).actions.find((x) => x.command === 'item.escalate')!.defaultChoice;
    expect(await defaultOf()).toBe('dr-alvarez');
    ok(await away(ctx, 'dr-alvarez', 'until fri'));
    expect(await defaultOf()).toBe('dr-baker');
    ok(await away(ctx, 'dr-baker', 'until fri'));
    expect(await defaultOf()).toBe('pool');
  });

  it('escalations she holds when her away period starts go to her covering physician, else back to the pool', async () => {
    const { ctx, store } = withCoveredBy();
    const mine = await refill(ctx);
    await escalate(ctx, mine, 'dr-alvarez');
    const chos = await refill(ctx);
    await escalate(ctx, chos, 'dr-cho');
    ok(await away(ctx, 'dr-alvarez', 'until fri'));
    ok(await away(ctx, 'dr-cho', 'until fri'));
    expect(await store.findItem(mine)).toMatchObject({ state: 'ESCALATED', ownerId: 'dr-baker', coveringFor: 'dr-alvarez' });
    expect(await store.findItem(chos)).toMatchObject({ state: 'ESCALATED', ownerId: null });
    expect(store.outbox.filter((o) => o.kind === 'dm' && o.itemId === chos).map((o) => [o.payload.to, o.payload.text]).at(-1))
      .toEqual([null, expect.stringMatching(/^B-\d+ is back with the physician pool: Dr. Grace Cho is away until Fri 4 Dec, 00:00 CST$/)]);
  });
});
