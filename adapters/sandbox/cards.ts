import type { AppContext } from '../../src/app/context.ts';
import { cardForItem } from '../../src/app/item-card.ts';
import type { CardView } from '../../src/domain/card.ts';
import { PRIORITIES } from '../../src/domain/types.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';

/**
 * The shared card view-model for an item, rendered as of now. Message text is fetched only
 * when the clinic's config puts it on cards (DESIGN.md §6 minimum necessary by default).
 */
export const cardOf: (ctx: AppContext, item: WorkItem) => Promise<CardView> = cardForItem;

/** Most urgent first, then oldest first: the order a triage nurse works a queue in. */
export function byUrgency(a: WorkItem, b: WorkItem): number {
  const flag = Number(b.redFlags.length > 0) - Number(a.redFlags.length > 0);
  return flag || PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || a.seq - b.seq;
}
