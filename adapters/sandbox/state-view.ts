import type { AppContext } from '../../src/app/context.ts';
import { nextItemQueues } from '../../src/app/next-item.ts';
import { queueWorkload } from '../../src/app/workload.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { byUrgency, pageCard, type PageCard } from './cards.ts';
import { channelsOf, type ChannelDef } from './visibility.ts';

/** Resolved items leave the lists (a page keeps the ones it saw resolve until it reloads). */
const ACTIVE: ItemState[] = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED'];
/** Per channel; a queue this deep is a staffing problem, and the page says the list is cut. */
export const CHANNEL_LIMIT = 500;

export interface ViewOptions {
  digest: boolean;
  readOnly: boolean;
  readOnlyReason: string | null;
}

const person = (s: StaffMember) => ({ key: s.key, name: s.name });

async function itemsOf(ctx: AppContext, viewer: StaffMember, ch: ChannelDef): Promise<WorkItem[]> {
  switch (ch.kind) {
    case 'queue':
      return ctx.store.listItems({ states: ACTIVE, queue: ch.id.slice('queue:'.length), limit: CHANNEL_LIMIT });
    case 'pool':
      return (await ctx.store.listItems({ states: ['ESCALATED'], limit: CHANNEL_LIMIT })).filter((i) => i.ownerId === null);
    case 'dm':
      return viewer.physician ? ctx.store.listItems({ states: ['ESCALATED'], ownerId: viewer.key, limit: CHANNEL_LIMIT }) : [];
    case 'digest':
      return [];
  }
}

/**
 * Everything one person's page shows, read from the database: their channels with cards. Each
 * card carries its pickers' choices (`actions[].choices`), the same as Slack and Teams offer.
 */
export async function stateFor(ctx: AppContext, viewer: StaffMember, o: ViewOptions) {
  const channels = [];
  for (const ch of channelsOf(ctx.roster, viewer, { poolName: ctx.pool.name, digest: o.digest })) {
    const items = await itemsOf(ctx, viewer, ch);
    const cards: PageCard[] = [];
    for (const item of [...items].sort(byUrgency)) cards.push(await pageCard(ctx, viewer, item, [ch.id]));
    channels.push({ ...ch, cards, truncated: items.length >= CHANNEL_LIMIT });
  }
  return {
    viewer: { ...person(viewer), physician: viewer.physician, manager: viewer.manager },
    readOnly: o.readOnly,
    readOnlyReason: o.readOnlyReason,
    channels,
    /** Whether "Next item" has queues to take from for this person. */
    canTakeNext: !o.readOnly && nextItemQueues(ctx, viewer.key).length > 0,
    /** Open items per person of the queues this person sees (managers: all), most loaded first. */
    workload: await queueWorkload(ctx, ctx.roster.queuesOf(viewer.key).map((q) => q.key)),
  };
}
