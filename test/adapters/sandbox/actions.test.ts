import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTimeLabel } from '../../../src/domain/business-time.ts';
import { itemRef } from '../../../src/domain/work-item.ts';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { act, get, ingest, settle } from './helpers.ts';
import { openEvents, type SseStream } from './sse-client.ts';

describe('sandbox actions', () => {
  let s: SandboxServer;
  const streams: SseStream[] = [];
  const watch = async (as: string) => {
    const st = await openEvents(`${s.url}/sandbox/api/events?as=${as}`);
    streams.push(st);
    await st.next((e) => e.event === 'hello');
    return st;
  };
  beforeAll(async () => {
    s = await startSandboxServer();
  });
  afterAll(async () => {
    for (const st of streams) st.close();
    await s?.stop();
  });

  it('claims through the API: the answer carries the new card and every open page hears that the item changed', async () => {
    const itemId = await ingest(s);
    const [jordan, doc] = [await watch('jordan-kim'), await watch('dr-alvarez')];
    const r = await act(s, itemId, { as: 'dana-reyes', command: 'item.claim' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, card: { itemId, state: 'CLAIMED', owner: { key: 'dana-reyes', name: 'Dana Reyes, RN' } } });
    await jordan.next((e) => e.event === 'item' && e.data.itemId === itemId);
    expect((await get(s, `/sandbox/api/items/${itemId}?as=jordan-kim`)).body.card.owner.name).toBe('Dana Reyes, RN');
    // The thread line comes through the outbox, to people who can see the item only.
    expect((await jordan.next((e) => e.event === 'note' && e.data.itemId === itemId)).data.text).toBe('Claimed by Dana Reyes, RN');
    await settle(s);
    expect(doc.events.some((e) => e.event === 'note')).toBe(false);
  });

  it('answers a second claim 409 naming the owner, to the loser only: nothing about it is broadcast', async () => {
    const itemId = await ingest(s);
    const dana = await watch('dana-reyes');
    expect((await act(s, itemId, { as: 'dana-reyes', command: 'item.claim' })).status).toBe(200);
    await settle(s);
    const before = dana.events.length;
    const lost = await act(s, itemId, { as: 'jordan-kim', command: 'item.claim' });
    expect(lost.status).toBe(409);
    expect(lost.body).toEqual({ ok: false, code: 'item.already_claimed', message: 'Already claimed by Dana Reyes, RN.', ownerId: 'dana-reyes' });
    await settle(s);
    expect(dana.events.slice(before).filter((e) => e.event)).toEqual([]);
    const audit = await get(s, `/sandbox/api/items/${itemId}/audit?as=dana-reyes`);
    expect(audit.body.lines.at(-1)).toMatchObject({ action: 'item.denied', actor: 'Jordan Kim, RN' });
  });

  const seenOf = (card: any) => ({ version: card.version, state: card.state, ownerId: card.owner?.key ?? null });
  const cardFor = async (itemId: string, as: string) => (await get(s, `/sandbox/api/items/${itemId}?as=${as}`)).body.card;

  it('answers the owner’s double Claim "already yours", as Slack does: no second transition, no denial audited, nothing broadcast', async () => {
    const itemId = await ingest(s);
    const shown = seenOf(await cardFor(itemId, 'dana-reyes'));
    expect((await act(s, itemId, { as: 'dana-reyes', command: 'item.claim', seen: shown })).status).toBe(200);
    await settle(s);
    const jordan = await watch('jordan-kim');
    const trail = (await s.ctx.store.auditOf(itemId)).length;
    const again = await act(s, itemId, { as: 'dana-reyes', command: 'item.claim', seen: shown });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ok: true, unchanged: true, message: expect.stringMatching(/^B-\d+ is already yours\.$/), card: { state: 'CLAIMED', owner: { key: 'dana-reyes' } } });
    await settle(s);
    expect((await s.ctx.store.auditOf(itemId)).length).toBe(trail);
    expect(jordan.events.filter((e) => e.event && e.event !== 'hello')).toEqual([]);
  });

  it('refuses a click from a card that is out of date, naming the state now, and audits it; a card only a follow-up moved on still acts', async () => {
    const threadId = `th-${Date.now()}`;
    const itemId = await ingest(s, { threadId });
    const open = seenOf(await cardFor(itemId, 'dana-reyes'));
    expect((await act(s, itemId, { as: 'jordan-kim', command: 'item.snooze', minutes: 60, reason: 'Waiting on the pharmacy', seen: open })).status).toBe(200);
    const stale = await act(s, itemId, { as: 'dana-reyes', command: 'item.escalate', to: 'pool', reason: 'Needs a physician', seen: open });
    // The server runs on the real clock: the wake time (and its date, near midnight in Chicago) is the item's own.
    const snoozed = (await s.ctx.store.findItem(itemId))!;
    const until = localTimeLabel(snoozed.snoozedUntil!, 'America/Chicago');
    expect(until).toMatch(/^\w{3} \d{1,2} \w{3}, \d\d:\d\d CST$/);
    expect(stale).toMatchObject({ status: 409, body: { ok: false, code: 'item.stale', message: `Nothing was changed: this card was out of date. ${itemRef(snoozed)} is now snoozed until ${until}.` } });
    expect((await s.ctx.store.auditOf(itemId)).at(-1)).toMatchObject({ action: 'item.denied', actor: 'dana-reyes', platform: 'sandbox', detail: { command: 'escalate', code: 'item.stale' } });

    const other = await ingest(s, { threadId: `${threadId}-2` });
    const before = seenOf(await cardFor(other, 'dana-reyes'));
    await ingest(s, { threadId: `${threadId}-2`, body: 'Also: the swelling is a little better today.' });
    expect((await cardFor(other, 'dana-reyes')).version).toBeGreaterThan(before.version);
    const r = await act(s, other, { as: 'dana-reyes', command: 'item.escalate', to: 'pool', reason: 'Needs a physician', seen: before });
    expect(r.body.card).toMatchObject({ state: 'ESCALATED', owner: null, statusLine: 'With a physician (physician pool)' });
  });

  it('shows the team’s notes on an escalated card to the physicians it is addressed to, and not on the queue’s card', async () => {
    const itemId = await ingest(s);
    expect((await act(s, itemId, { as: 'dana-reyes', command: 'item.escalate', to: 'dr-alvarez', reason: 'Knee gave way twice: imaging?' })).status).toBe(200);
    const mine = (await get(s, '/sandbox/api/state?as=dr-alvarez')).body.channels.find((c: any) => c.id === 'dm:dr-alvarez').cards.find((c: any) => c.itemId === itemId);
    expect(mine.notes).toEqual(['Dana Reyes, RN (escalated): Knee gave way twice: imaging?']);
    expect(mine.escalationLine).toBe('Escalated by Dana Reyes, RN to Dr. Elena Alvarez: Knee gave way twice: imaging?');
    const team = await cardFor(itemId, 'jordan-kim');
    expect(team).toMatchObject({ notes: [], escalationLine: 'Escalated by Dana Reyes, RN to Dr. Elena Alvarez — reason recorded' });
    expect(JSON.stringify((await get(s, '/sandbox/api/state?as=jordan-kim')).body)).not.toContain('Knee gave way');
  });

  it('names the states in the thread as the cards do', async () => {
    const itemId = await ingest(s);
    await act(s, itemId, { as: 'dana-reyes', command: 'item.escalate', reason: 'Needs a physician' });
    const line = (await get(s, `/sandbox/api/items/${itemId}/audit?as=dana-reyes`)).body.lines.at(-1);
    expect(line).toMatchObject({ fromState: 'OPEN', toState: 'ESCALATED', fromLabel: 'Unclaimed', toLabel: 'With a physician' });
  });

  it('lets exactly one of two simultaneous claims win', async () => {
    const itemId = await ingest(s);
    const answers = await Promise.all(['dana-reyes', 'jordan-kim'].map((as) => act(s, itemId, { as, command: 'item.claim' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.card.owner.name;
    expect(answers.find((a) => a.status === 409)!.body.message).toBe(`Already claimed by ${winner}.`);
  });

  it('shows message text only in the viewer’s answer, and records the view in the audit trail', async () => {
    const itemId = await ingest(s, { body: 'Private words: my knee gave way on the stairs twice this week.' });
    const jordan = await watch('jordan-kim');
    const r = await act(s, itemId, { as: 'dana-reyes', command: 'item.view' });
    expect(r.status).toBe(200);
    expect(r.body.messages).toEqual([expect.objectContaining({ body: 'Private words: my knee gave way on the stairs twice this week.' })]);
    await settle(s);
    expect(JSON.stringify(jordan.events)).not.toContain('Private words');
    const audit = await get(s, `/sandbox/api/items/${itemId}/audit?as=jordan-kim`);
    expect(audit.body.lines.map((l: any) => l.text)).toContain('Dana Reyes, RN viewed the message text');
    expect(JSON.stringify(audit.body)).not.toContain('Private words');
    const denied = await act(s, itemId, { as: 'jo-adams', command: 'item.view' });
    expect(denied).toMatchObject({ status: 403, body: { ok: false, code: 'item.not_authorized' } });
  });

  it('walks claim → escalate to the pool → a physician takes it → resolves, telling only physicians of the pool DM', async () => {
    const itemId = await ingest(s);
    const [nurse, doc] = [await watch('jordan-kim'), await watch('dr-cho')];
    expect((await act(s, itemId, { as: 'jordan-kim', command: 'item.claim' })).status).toBe(200);
    const esc = await act(s, itemId, { as: 'jordan-kim', command: 'item.escalate', to: '', reason: 'Possible ligament tear' });
    // Jordan's queue channel (he no longer owns it) shows only that a reason was recorded; the pool it is addressed to shows it.
    expect(esc.body.card).toMatchObject({ state: 'ESCALATED', owner: null, escalation: { reason: null, by: 'Jordan Kim, RN', to: 'the physician pool' } });
    expect((await get(s, `/sandbox/api/items/${itemId}?as=dr-cho`)).body.card.escalation).toMatchObject({ reason: 'Possible ligament tear' });
    const poolCard = (await get(s, '/sandbox/api/state?as=dr-cho')).body.channels.find((c: any) => c.kind === 'pool').cards.find((c: any) => c.itemId === itemId);
    expect(poolCard.escalation.reason).toBe('Possible ligament tear');
    const queueState = (await get(s, '/sandbox/api/state?as=dana-reyes')).body;
    expect(JSON.stringify(queueState)).not.toContain('ligament');
    expect((await doc.next((e) => e.event === 'dm' && e.data.itemId === itemId)).data).toMatchObject({ pool: true, text: 'Escalated to you: Possible ligament tear' });
    expect((await act(s, itemId, { as: 'dr-cho', command: 'item.claim' })).body.card.owner.key).toBe('dr-cho');
    const done = await act(s, itemId, { as: 'dr-cho', command: 'item.resolve', note: 'Ordered an MRI' });
    expect(done.body.card).toMatchObject({ state: 'RESOLVED', owner: { key: 'dr-cho' } });
    await settle(s);
    expect(nurse.events.some((e) => e.event === 'dm')).toBe(false);
    const lines = (await get(s, `/sandbox/api/items/${itemId}/audit?as=dr-cho`)).body.lines.map((l: any) => l.text);
    expect(lines).toEqual(expect.arrayContaining(['Jordan Kim, RN escalated it to the physician pool: Possible ligament tear', 'Dr. Grace Cho resolved it: Ordered an MRI']));
    // The queue's team reads the thread without the free text; View message shows it to them privately.
    const teamLines = (await get(s, `/sandbox/api/items/${itemId}/audit?as=jordan-kim`)).body.lines.map((l: any) => l.text);
    expect(teamLines).toEqual(expect.arrayContaining(['Jordan Kim, RN escalated it to the physician pool — reason recorded', 'Dr. Grace Cho resolved it — note recorded']));
    expect(JSON.stringify(teamLines)).not.toMatch(/ligament|MRI/);
    const view = await act(s, itemId, { as: 'jordan-kim', command: 'item.view' });
    expect(view.body.notes.map((n: any) => [n.what, n.text])).toEqual([['escalated', 'Possible ligament tear'], ['resolved', 'Ordered an MRI']]);
  });

  it('snoozes for a number of minutes with a reason', async () => {
    const itemId = await ingest(s);
    const r = await act(s, itemId, { as: 'dana-reyes', command: 'item.snooze', minutes: 60, reason: 'Waiting on the pharmacy' });
    expect(r.body.card.state).toBe('SNOOZED');
  });

  it('caps a snooze at 30 days whether it is given as minutes or as an end time', async () => {
    const itemId = await ingest(s);
    const far = await act(s, itemId, { as: 'dana-reyes', command: 'item.snooze', until: '9999-12-31T00:00:00Z', reason: 'Waiting on the pharmacy' });
    expect(far.status).toBe(400);
    expect(far.body.error.problems).toEqual([{ path: 'until', message: 'must be at most 30 days ahead' }]);
    const long = await act(s, itemId, { as: 'dana-reyes', command: 'item.snooze', minutes: 30 * 24 * 60 + 1, reason: 'Waiting on the pharmacy' });
    expect(long.status).toBe(400);
    expect(long.body.error.problems.map((p: any) => p.path)).toEqual(['minutes']);
    const until = new Date(Date.now() + 29 * 86_400_000).toISOString();
    const ok = await act(s, itemId, { as: 'dana-reyes', command: 'item.snooze', until, reason: 'Waiting on the pharmacy' });
    expect(ok.body.card.state).toBe('SNOOZED');
  });

  it('answers a bad body with 400 listing every problem, and non-JSON with 415', async () => {
    const itemId = await ingest(s);
    const r = await act(s, itemId, { command: 'item.snooze', minutes: 'soon', until: '2026-12-01T10:00:00Z', extra: 1, note: 'x' });
    expect(r.status).toBe(400);
    const problems = r.body.error.problems.map((p: any) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['as', 'minutes', 'reason', 'note', '(body)']));
    expect(JSON.stringify(r.body)).toContain('extra');
    const unknown = await act(s, itemId, { as: 'dana-reyes', command: 'item.delete' });
    expect(unknown.body.error.problems.map((p: any) => p.path)).toEqual(['command']);
    const text = await fetch(`${s.url}/sandbox/api/items/${itemId}/actions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    const seen = await act(s, itemId, { as: 'dana-reyes', command: 'item.claim', seen: { version: 0, state: 'LOST', ownerId: 7, extra: true } });
    expect(seen.body.error.problems.map((p: any) => p.path).sort()).toEqual(['seen', 'seen.ownerId', 'seen.state', 'seen.version']);
    const broken = await fetch(`${s.url}/sandbox/api/items/${itemId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"as":' });
    expect(broken.status).toBe(400);
  });

  it('maps domain refusals to 4xx: not in the queue 403, wrong state 409, unknown item 404', async () => {
    const itemId = await ingest(s);
    expect((await act(s, itemId, { as: 'jo-adams', command: 'item.claim' })).status).toBe(403);
    expect((await act(s, itemId, { as: 'dana-reyes', command: 'item.release' })).body).toMatchObject({ code: 'item.invalid_transition' });
    expect((await act(s, 'no-such-item', { as: 'dana-reyes', command: 'item.claim' })).status).toBe(404);
  });

  it('Wake now: the snoozed card says until when and offers Wake now; the owner wakes it, still theirs, audited, and open pages hear it', async () => {
    const itemId = await ingest(s);
    expect((await act(s, itemId, { as: 'jordan-kim', command: 'item.claim' })).status).toBe(200);
    const snoozed = await act(s, itemId, { as: 'jordan-kim', command: 'item.snooze', minutes: 60, reason: 'Waiting on the patient' });
    // The owner's card shows what it waits on (staff free text, theirs); a teammate's says it was recorded.
    expect(snoozed.body.card.snoozeLine).toMatch(/^Snoozed until \w{3} \d+ \w{3}, \d\d:\d\d CST \(Waiting on the patient\)$/);
    expect(snoozed.body.card.actions.map((a: any) => a.command)).toEqual(['item.wake', 'item.view']);
    const lead = await cardFor(itemId, 'dana-reyes');
    expect(lead.snoozeLine).toMatch(/— reason recorded$/);
    expect(lead.actions.map((a: any) => a.command)).toEqual(['item.wake', 'item.view']);

    const jordan = await watch('jordan-kim');
    const woken = await act(s, itemId, { as: 'jordan-kim', command: 'item.wake', seen: seenOf(snoozed.body.card) });
    expect(woken.status).toBe(200);
    expect(woken.body.card).toMatchObject({ state: 'CLAIMED', owner: { key: 'jordan-kim' }, snooze: null, snoozeLine: null });
    await jordan.next((e) => e.event === 'item' && e.data.itemId === itemId);
    const lines = (await get(s, `/sandbox/api/items/${itemId}/audit?as=jordan-kim`)).body.lines;
    expect(lines.at(-1)).toMatchObject({ action: 'item.wake', actor: 'Jordan Kim, RN', text: 'Jordan Kim, RN woke it: back to work' });
  });

  it('refuses a Claim on a snoozed item with when it wakes and what to press', async () => {
    const itemId = await ingest(s);
    await act(s, itemId, { as: 'jordan-kim', command: 'item.snooze', minutes: 60, reason: 'Waiting on the patient' });
    const r = await act(s, itemId, { as: 'dana-reyes', command: 'item.claim' });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/^This item is snoozed until \w{3} \d+ \w{3}, \d\d:\d\d CST, so it cannot be claimed\. Press Wake now first\.$/);
    expect(JSON.stringify(r.body)).not.toContain('Waiting on the patient');
  });

  it('after escalating, the nurse’s card shows no physician buttons; the physicians’ and the lead’s show theirs', async () => {
    const itemId = await ingest(s);
    const esc = await act(s, itemId, { as: 'jordan-kim', command: 'item.escalate', to: 'pool', reason: 'Needs a physician today' });
    expect(esc.status).toBe(200);
    const commands = (card: any) => card.actions.map((a: any) => a.command);
    expect(commands(esc.body.card)).toEqual(['item.view']);
    expect(commands(await cardFor(itemId, 'jordan-kim'))).toEqual(['item.view']);
    expect(commands(await cardFor(itemId, 'dr-alvarez'))).toEqual(['item.claim', 'item.resolve', 'item.return', 'item.reassign', 'item.view']);
    expect(commands(await cardFor(itemId, 'dana-reyes'))).toEqual(['item.resolve', 'item.return', 'item.reassign', 'item.view']); // the lead: no Claim
  });

  it('a follow-up that raises a red flag retitles the card with the current category (stored in the database)', async () => {
    const threadId = `t-${Date.now()}`;
    const itemId = await ingest(s, { threadId, subject: 'Appointment', body: 'Can I move my appointment to next Tuesday afternoon?' });
    // Morgan Lee manages every queue: the card is theirs to see before and after it moves to Nursing.
    expect((await cardFor(itemId, 'morgan-lee')).title).toBe('Scheduling');
    expect(await ingest(s, { threadId, subject: 'Appointment', body: 'Now I have crushing chest pain and I am sweating.' })).toBe(itemId);
    expect(await cardFor(itemId, 'morgan-lee')).toMatchObject({ title: 'Urgent clinical (red flag)', category: 'red-flag', redFlag: true, priority: 'stat', queue: { key: 'nursing' } });
  });

  it('an unclaimed card fills only Claim; its escalate picker defaults to the patient’s PCP', async () => {
    const itemId = await ingest(s);
    const card = await cardFor(itemId, 'jordan-kim');
    expect(card.actions.filter((a: any) => a.style === 'primary').map((a: any) => a.label)).toEqual(['Claim']);
    expect(card.actions.find((a: any) => a.command === 'item.escalate').defaultChoice).toBe('dr-cho');
  });
});
