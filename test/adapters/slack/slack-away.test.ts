import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnItem } from '../../../src/app/act-on-item.ts';
import { startHarness, waitFor, type Harness } from './harness.ts';

/** `/baton away …` through the real Bolt app against the fake Slack, on the harness's fixed clock (Tue 1 Dec 2026, 09:00 Chicago). */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Runs the slash command and returns the private answer as Slack got it. */
async function ask(user: string, words: string) {
  const r = await h.slash(user, words);
  expect(r.status).toBe(200);
  const [resp] = await waitFor(() => (h.fake.responsesFor(r.tag).length ? h.fake.responsesFor(r.tag) : null), 5_000, 'slash answer');
  expect(resp!.body.response_type).toBe('ephemeral');
  return { text: resp!.body.text as string, blocks: JSON.stringify(resp!.body.blocks) };
}

describe('/baton away', () => {
  it('sets you away with a cover: your claimed item is handed over and its card in Slack says who covers', async () => {
    const { itemId, card } = await h.newItem();
    await actOnItem(h.ctx, { itemId, actorKey: 'taylor-brooks', platform: 'slack', command: { type: 'claim' } });
    await h.deliver();
    const a = await ask('U0TAYLOR', 'away until fri cover Chris Park');
    expect(a.blocks).toContain('You are now away until Fri 4 Dec, 00:00 CST, Chris Park, MA covering.');
    expect(a.blocks).toContain('Open items handed over: 1 to Chris Park, MA.');
    expect(await h.ctx.store.findItem(itemId)).toMatchObject({ ownerId: 'chris-park', coveringFor: 'taylor-brooks' });
    await h.deliver();
    const now = await h.card(itemId);
    expect(JSON.stringify(now.blocks)).toContain('Claimed: Chris Park, MA (covering for Taylor Brooks, MA)');
    const thread = JSON.stringify(h.fake.replies(card.channel, card.ts).map((m) => m.blocks));
    expect(thread).toContain('Taylor Brooks, MA is away until Fri 4 Dec, 00:00 CST: handed to Chris Park, MA, covering');
    expect(h.fake.messages.some((m) => m.channel === 'D0CHRIS')).toBe(true); // the cover hears of it
    expect(h.fake.refused).toEqual([]);

    const status = await ask('U0TAYLOR', 'away');
    expect(status.blocks).toContain('You are away until Fri 4 Dec, 00:00 CST, Chris Park, MA covering.');
    const back = await ask('U0TAYLOR', 'away back');
    expect(back.blocks).toContain('You are back: away until Fri 4 Dec, 00:00 CST has ended.');
  });

  it('lists each problem of the command and changes nothing', async () => {
    const a = await ask('U0JORDAN', 'away until 2026-11-30 cover Dr. Bakr');
    expect(a.blocks).toContain('Nothing was changed:');
    expect(a.blocks).toContain('• until: Mon 30 Nov, 00:00 CST is in the past');
    expect(a.blocks).toContain('• cover: nobody called “Dr. Bakr” is on the Baton roster');
    expect(a.blocks).toContain('For example: `/baton away until fri cover Dr. Baker`');
    expect(await h.ctx.store.awayPeriods({ after: h.clock.now(), staffKey: 'jordan-kim' })).toEqual([]);
  });

  it('lets a lead set it for someone in their queue, a manager for anyone, and refuses anyone else plainly', async () => {
    const lead = await ask('U0PRIYA', 'away through tomorrow for sam');
    expect(lead.blocks).toContain('Sam Ortiz is now away until Thu 3 Dec, 00:00 CST');
    const refused = await ask('U0SAM', 'away until fri for priya');
    expect(refused.blocks).toContain('Nothing was changed.');
    expect(refused.blocks).toContain('You may set away only for yourself: leads set it for the people in the queues they lead, managers for anyone, and Priya Shah is not in a queue you lead.');
    const manager = await ask('U0MORGAN', 'away from mon until wed for dr alvarez');
    expect(manager.blocks).toContain('Dr. Elena Alvarez is set to be away from Mon 7 Dec, 00:00 CST until Wed 9 Dec, 00:00 CST, Dr. Marcus Baker covering.');
  });

  it('escapes what people type and is listed in help; strangers are told how to get on the roster', async () => {
    const a = await ask('U0JORDAN', 'away until fri cover <!channel> & co');
    expect(a.blocks).toContain('nobody called “&lt;!channel&gt; &amp; co” is on the Baton roster');
    expect(a.blocks).not.toContain('<!channel>');
    expect((await ask('U0JORDAN', 'help')).blocks).toContain('/baton away until &lt;date&gt; [cover &lt;name&gt;]');
    expect((await ask('U0NOBODY', 'away until fri')).blocks).toContain('Baton does not know your Slack account (U0NOBODY)');
  });
});
