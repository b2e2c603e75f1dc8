import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';

export type ChannelKind = 'queue' | 'pool' | 'dm' | 'digest';

export interface ChannelDef {
  /** Opaque to the page; never carries patient data (DESIGN.md §6: none in URLs or channel names). */
  id: string;
  name: string;
  kind: ChannelKind;
  about: string;
}

export const POOL_CHANNEL = 'pool';
export const DIGEST_CHANNEL = 'digest';
export const queueChannel = (queueKey: string) => `queue:${queueKey}`;
export const dmChannel = (staffKey: string) => `dm:${staffKey}`;

/** Leads and managers: the audience of the read-only mirror when Slack or Teams carries the work. */
export function isSupervisor(roster: Roster, s: StaffMember): boolean {
  return s.manager || roster.queues.some((q) => roster.isLeadOf(s.key, q.key));
}

/**
 * The channels one person sees, as in Slack or Teams: their queues (managers: all), the
 * physician pool for physicians and managers, their DMs, and the digest for managers.
 * Physicians never get routine queue channels: they see only what is escalated (DESIGN.md §1).
 */
export function channelsOf(roster: Roster, viewer: StaffMember, opts: { poolName: string; digest: boolean }): ChannelDef[] {
  const out: ChannelDef[] = [];
  if (!viewer.physician) {
    for (const q of roster.queuesOf(viewer.key)) {
      out.push({ id: queueChannel(q.key), name: q.name, kind: 'queue', about: `Open work in the ${q.name} queue. Members claim here; the lead and managers supervise.` });
    }
  }
  const pool: ChannelDef = { id: POOL_CHANNEL, name: opts.poolName, kind: 'pool', about: 'Escalations not addressed to one physician: any physician may take one.' };
  // A physician's own escalations come first: that is where their work is.
  if (viewer.physician) {
    out.push({ id: dmChannel(viewer.key), name: 'My DMs', kind: 'dm', about: 'Items escalated to you, and direct messages received while this page is open.' }, pool);
  } else {
    if (viewer.manager) out.push(pool);
    out.push({ id: dmChannel(viewer.key), name: 'Direct messages', kind: 'dm', about: 'Reminders and hand-overs sent to you while this page is open (each is also in the item’s audit trail).' });
  }
  if (viewer.manager && opts.digest) {
    out.push({ id: DIGEST_CHANNEL, name: 'Daily digest', kind: 'digest', about: 'Backlog, response times and physician time saved, computed now. No message text.' });
  }
  return out;
}

/** Which of the viewer's channels show this item's card; empty when the viewer may not see it. */
export function channelsForItem(roster: Roster, viewer: StaffMember, item: WorkItem): string[] {
  if (viewer.physician) {
    if (!item.everEscalated) return [];
    if (item.state === 'ESCALATED' && item.ownerId === null) return [POOL_CHANNEL];
    // Still theirs, or finished by them (resolved): it stays in their DMs until the page reloads.
    return item.ownerId === viewer.key ? [dmChannel(viewer.key)] : [];
  }
  const out: string[] = [];
  if (roster.queuesOf(viewer.key).some((q) => q.key === item.queue)) out.push(queueChannel(item.queue));
  if (viewer.manager && item.state === 'ESCALATED' && item.ownerId === null) out.push(POOL_CHANNEL);
  return out;
}
