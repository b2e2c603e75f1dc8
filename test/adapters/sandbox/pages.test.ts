import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardForItem } from '../../../src/app/item-card.ts';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { ingest } from './helpers.ts';
import { openEvents } from './sse-client.ts';

/** A mention on Slack or Teams is a notice in the sandbox: to the queue's people (its "group"), its lead and anyone named. */
describe('sandbox pages', () => {
  let s: SandboxServer;
  beforeAll(async () => {
    s = await startSandboxServer({ heartbeatMs: 1_000 });
  });
  afterAll(async () => s?.stop());

  it('a paging notice reaches the queue members and the named people, nobody else; a plain thread line pages nobody', async () => {
    const itemId = await ingest(s);
    const item = (await s.ctx.store.findItem(itemId))!;
    const pages = Object.fromEntries(await Promise.all(['dana-reyes', 'jordan-kim', 'taylor-brooks', 'dr-baker'].map(async (as) => {
      const st = await openEvents(`${s.url}/sandbox/api/events?as=${as}`);
      await st.next((e) => e.event === 'hello');
      return [as, st] as const;
    })));
    const ref = { channel: `queue:${item.queue}`, messageId: itemId };
    await s.adapter.postThreadNote(ref, 'Claimed by nobody yet');
    const mention = { queue: item.queue, fallback: [], people: [s.ctx.roster.member('dr-baker')!] };
    await s.adapter.postThreadNote(ref, 'Reminder for Nursing: B-1 (routine): unclaimed, 0m past target', { broadcast: true, mention });
    await s.adapter.postCard(await cardForItem(s.ctx, item), { mention: { queue: null, fallback: [s.ctx.roster.member('taylor-brooks')!], people: [] } });
    await pages['dr-baker']!.next((e) => e.event === 'dm');
    await pages['taylor-brooks']!.next((e) => e.event === 'dm');
    await new Promise((r) => setTimeout(r, 200)); // time for anything misaddressed to arrive too
    const got = (as: string) => pages[as]!.events.filter((e) => e.event === 'dm').map((e) => e.data.text);
    expect(item.queue).toBe('nursing');
    expect(got('dana-reyes')).toEqual(['Reminder for Nursing: B-1 (routine): unclaimed, 0m past target']);
    expect(got('jordan-kim')).toEqual(['Reminder for Nursing: B-1 (routine): unclaimed, 0m past target']);
    expect(got('dr-baker')).toEqual(['Reminder for Nursing: B-1 (routine): unclaimed, 0m past target']);
    expect(got('taylor-brooks')).toEqual([expect.stringMatching(/^[^:]+ in Nursing, B-\d+: unclaimed$/)]);
    for (const st of Object.values(pages)) st.close();
  });
});
