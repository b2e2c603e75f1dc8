import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { cardForItem } from '../../../src/app/item-card.ts';
import { digestModel } from '../../../src/app/digest.ts';
import { get, ingest, until } from './helpers.ts';
import { openEvents } from './sse-client.ts';

describe('sandbox adapter and event streams', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer({ heartbeatMs: 100 });
  });
  afterAll(async () => s?.stop());

  it('posts a card as queue:<key> / <item id>, and open pages hear about it without any patient data', async () => {
    const nurse = await openEvents(`${s.url}/sandbox/api/events?as=jordan-kim`);
    await nurse.next((e) => e.event === 'hello');
    const itemId = await ingest(s);
    expect(await s.ctx.store.findPlatformPost(itemId, 'sandbox', 'card')).toMatchObject({ channel: 'queue:nursing', messageId: itemId });
    expect((await nurse.next((e) => e.event === 'item')).data).toEqual({ itemId });
    expect(JSON.stringify(nurse.events)).not.toContain('Testwoman');
    nurse.close();
  });

  it('sends a DM only to its addressee, a pool DM to physicians, and a digest notice to its manager', async () => {
    const itemId = await ingest(s);
    const card = await cardForItem(s.ctx, (await s.ctx.store.findItem(itemId))!);
    const pages = Object.fromEntries(await Promise.all(['dana-reyes', 'jordan-kim', 'dr-baker', 'morgan-lee'].map(async (as) => {
      const st = await openEvents(`${s.url}/sandbox/api/events?as=${as}`);
      await st.next((e) => e.event === 'hello');
      return [as, st] as const;
    })));
    await s.adapter.sendDirect(s.ctx.roster.member('dana-reyes')!, card, 'Reminder (level 2): B-1 unclaimed');
    await s.adapter.sendDirect(null, card, 'Escalated to you: pool');
    const digest = await digestModel(s.ctx, { organization: 'Clinic', timezone: 'America/Chicago', physicianMinutesPerMessage: 2 }, new Date());
    await s.adapter.sendDigest(s.ctx.roster.member('morgan-lee')!, digest, 'text');
    await pages['dana-reyes']!.next((e) => e.event === 'dm');
    await pages['dr-baker']!.next((e) => e.event === 'dm');
    await pages['morgan-lee']!.next((e) => e.event === 'digest');
    await new Promise((r) => setTimeout(r, 200)); // time for anything misaddressed to arrive too
    const got = (as: string) => pages[as]!.events.filter((e) => e.event === 'dm' || e.event === 'digest').map((e) => e.data.text ?? e.event);
    expect(got('dana-reyes')).toEqual(['Reminder (level 2): B-1 unclaimed']);
    expect(got('dr-baker')).toEqual(['Escalated to you: pool']);
    expect(got('jordan-kim')).toEqual([]);
    expect(got('morgan-lee')).toEqual(['digest']);
    for (const st of Object.values(pages)) st.close();
  });

  it('keeps idle streams alive with heartbeat comments and forgets a page once it closes', async () => {
    await until(async () => s.openStreams() === 0); // the previous test's page has gone
    const st = await openEvents(`${s.url}/sandbox/api/events?as=dana-reyes`);
    expect(st.status).toBe(200);
    await st.next((e) => e.comment === 'heartbeat', 2_000);
    expect(s.openStreams()).toBe(1);
    st.close();
    await until(async () => s.openStreams() === 0);
  });

  it('refuses a stream for someone not on the roster', async () => {
    const st = await openEvents(`${s.url}/sandbox/api/events?as=nobody`);
    expect(st.status).toBe(400);
    st.close();
  });

  it('ends every stream when stopped (so shutdown is not held up) and reports itself disconnected', async () => {
    const st = await openEvents(`${s.url}/sandbox/api/events?as=dana-reyes`);
    await st.next((e) => e.event === 'hello');
    await s.adapter.stop();
    await st.ended;
    expect(s.openStreams()).toBe(0);
    expect(s.adapter.connected()).toBe(false);
    expect((await get(s, '/readyz')).body.adapters).toEqual({ sandbox: false });
    await s.adapter.start();
    expect(s.adapter.connected()).toBe(true);
  });
});
