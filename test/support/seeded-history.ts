import type { Store } from '../../src/app/ports.ts';
import type { AuditRecord } from '../../src/domain/audit.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
export function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A varied history ending at `now`, spread over 40 days: every state, queues in and out of the
 * roster, owners (and an empty one), escalations, deadlines met and missed (and none), items
 * resolved inside and outside a period, reopened items that keep an old resolvedAt, an item
 * created after `now`, time stamps on local midnights (the organisation's zone is Chicago: 06:00
 * UTC in winter) and on band boundaries. Whole minutes, so ties occur.
 */
export function seededHistory(now: Date, count = 300, seed = 16): Array<{ item: WorkItem; patch: Partial<WorkItem> }> {
  const r = random(seed);
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const queues = ['front-desk', 'nursing', 'refills', 'billing', 'retired-queue'] as const;
  const owners = ['jordan-kim', 'dana-reyes', 'chris-park', 'dr-cho', 'sam-ortiz', '', null] as const;
  const states: ItemState[] = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED', 'RESOLVED', 'RESOLVED', 'RESOLVED'];
  // Midnights in Chicago (06:00 UTC) a few days back, and the age bands' edges.
  const midnight = now.getTime() - ((now.getTime() - 6 * H) % DAY);
  const edges = [0, 4 * H, 24 * H, 72 * H, now.getTime() - midnight, now.getTime() - midnight + DAY, now.getTime() - midnight + 30 * DAY, 1];
  const out: Array<{ item: WorkItem; patch: Partial<WorkItem> }> = [];
  for (let n = 0; n < count; n++) {
    const state = pick(states);
    const createdAgo = n % 9 === 0 ? pick(edges) : n === 5 ? -H : Math.floor((r() * 40 * DAY) / MIN) * MIN;
    const created = at(createdAgo);
    const first = n % 11 === 0 ? at(pick(edges)) : new Date(created.getTime() - Math.floor(r() * 90) * MIN);
    const claimed = state === 'OPEN' && n % 4 ? null : n % 13 === 0 ? at(pick(edges)) : new Date(created.getTime() + Math.floor(r() * 8) * 15 * MIN);
    const resolved = state === 'RESOLVED' || n % 10 === 0 ? (n % 7 === 0 ? at(pick(edges)) : new Date((claimed ?? created).getTime() + Math.floor(r() * 12) * 30 * MIN)) : null;
    const due = (base: Date) => (r() < 0.2 ? null : new Date(base.getTime() + Math.floor((r() - 0.3) * 8) * 30 * MIN));
    // UUIDs, as real item ids are (the console's item page accepts nothing else).
    const id = `${seed.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const item: WorkItem = {
      id, seq: 0, threadKey: `hist-thread-${seed}-${n}`, queue: pick(queues), category: 'admin', priority: 'routine', redFlags: [], clinicalContent: false, state: 'OPEN',
      resumeState: null, ownerId: null, escalatedBy: null, escalationReason: null, onCallId: null, poolFallbackAt: null, snoozedUntil: null, patientId: `p${n}`, patientToken: `T.${n}. …0000`,
      patientPcp: null, link: null, version: 1, messageCount: 1, everEscalated: false, firstMessageAt: first, lastMessageAt: first, createdAt: created,
      updatedAt: created, claimedAt: null, resolvedAt: null, claimDueAt: null, resolveDueAt: null, nextReminderAt: null, reminderLevel: 0,
    };
    const patch = {
      state, ownerId: claimed || state !== 'OPEN' ? pick(owners) : null, claimedAt: claimed, resolvedAt: resolved, everEscalated: r() < 0.3,
      claimDueAt: due(new Date(created.getTime() + 60 * MIN)), resolveDueAt: due(new Date(created.getTime() + 4 * H)),
    };
    out.push({ item, patch });
  }
  return out;
}

/** Stores the history through the Store port (an ingest, then one transition to its final shape). */
export async function seedHistory(store: Store, history: ReturnType<typeof seededHistory>): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  for (const [n, { item, patch }] of history.entries()) {
    const message = {
      id: `${item.id}-msg`, source: 'history', externalId: `${item.id}-${n}`, resourceId: null, threadKey: item.threadKey, itemId: item.id, patientId: item.patientId,
      patientName: null, patientMrn: null, subject: null, body: 'x', categoryHint: null, link: null, sentAt: item.firstMessageAt, receivedAt: item.createdAt,
    };
    const stored = await store.saveIngest({ kind: 'new', message, item, audit: [], outbox: [] });
    if (stored.status !== 'stored') throw new Error(`seeding ${item.id}: ${stored.status}`);
    const done = await store.applyTransition(item.id, stored.item.version, patch, [], []);
    if (!done) throw new Error(`seeding ${item.id}: version moved`);
    items.push(done);
  }
  return items;
}

/** Audit events over those items and none: several actors and actions, sign-ins with no item, in time order. */
export function seededAudit(now: Date, items: WorkItem[], count = 400, seed = 3): AuditRecord[] {
  const r = random(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const actors = ['jordan-kim', 'dana-reyes', 'morgan-lee', 'system', 'ingest:portal', 'unknown:U999'];
  const actions = ['item.claim', 'item.resolve', 'item.view', 'reminder.sent', 'item.escalate', 'console.sign_in'];
  const times = Array.from({ length: count }, () => now.getTime() - Math.floor(r() * 40 * 24 * 60) * MIN).sort((a, b) => a - b);
  return times.map((t, n) => {
    const action = pick(actions);
    const item = action.startsWith('console.') || n % 17 === 0 ? null : pick(items);
    return { itemId: item?.id ?? null, actor: pick(actors), platform: pick(['slack', 'teams', 'console']), action, fromState: 'OPEN', toState: 'CLAIMED', reason: n % 5 === 0 ? 'free text' : null, at: new Date(t) };
  });
}
