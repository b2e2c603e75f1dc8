import type { AppContext } from '../../src/app/context.ts';
import type { CardView } from '../../src/domain/card.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { audienceFor, byUrgency, cardOf } from './cards.ts';
import { channelsOf, type ChannelDef } from './visibility.ts';

/** Resolved items leave the lists (a page keeps the ones it saw resolve until it reloads). */
const ACTIVE: ItemState[] = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED'];
/** Per channel; a queue this deep is a staffing problem, and the page says the list is cut. */
export const CHANNEL_LIMIT = 500;

export interface ViewOptions {
  poolName: string;
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
 * Everything one person's page shows, read from the database: their channels with cards, and
 * the pickers' choices (queue members for Reassign, physicians for Escalate).
 */
export async function stateFor(ctx: AppContext, viewer: StaffMember, o: ViewOptions) {
  const channels = [];
  for (const ch of channelsOf(ctx.roster, viewer, o)) {
    const items = await itemsOf(ctx, viewer, ch);
    const cards: CardView[] = [];
    for (const item of [...items].sort(byUrgency)) cards.push(await cardOf(ctx, item, audienceFor(viewer, item, [ch.id])));
    channels.push({ ...ch, cards, truncated: items.length >= CHANNEL_LIMIT });
  }
  return {
    viewer: { ...person(viewer), physician: viewer.physician, manager: viewer.manager },
    readOnly: o.readOnly,
    readOnlyReason: o.readOnlyReason,
    channels,
    physicians: ctx.roster.physicians().map(person),
    poolName: o.poolName,
    queues: ctx.roster.queues.map((q) => ({
      key: q.key,
      name: q.name,
      members: [...new Set([...q.members, ...(q.lead ? [q.lead] : [])])].flatMap((k) => {
        const m = ctx.roster.member(k);
        return m ? [person(m)] : [];
      }),
    })),
  };
}
