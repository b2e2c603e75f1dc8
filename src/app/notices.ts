import type { Mention, NoticeOptions } from './chat-adapter.ts';
import type { AppContext } from './context.ts';
import type { StaffMember } from '../domain/roster.ts';

/**
 * Who a notice pages, as stored in an outbox row: staff keys and a queue key, never names or
 * patient data. Resolved against the roster when the row is delivered, so a roster change
 * (a new lead, a group set up later) reaches the next delivery.
 */
export interface MentionSpec {
  /** The queue whose paging group (Slack user group, Teams tag) is mentioned, else its lead. */
  queue: string | null;
  /** Staff mentioned by name in any case (e.g. the owner of overdue work). */
  people: string[];
  /** Staff never paged by this notice, even as the lead fallback: those away when it was planned. */
  except?: string[];
}

export interface NoticeSpec {
  broadcast?: boolean;
  mention?: MentionSpec;
}

const isMentionSpec = (v: unknown): v is MentionSpec =>
  typeof v === 'object' && v !== null && 'people' in v && Array.isArray((v as MentionSpec).people);

/** The mention for a delivery: the queue's group (the adapter picks its own platform's), its lead as the fallback, and the named people who are still on the roster. */
export function resolveMention(ctx: Pick<AppContext, 'roster'>, spec: unknown): Mention | undefined {
  if (!isMentionSpec(spec)) return undefined;
  const except = new Set(Array.isArray(spec.except) ? spec.except : []);
  const member = (k: string) => (except.has(k) ? undefined : ctx.roster.member(k));
  const lead = spec.queue ? ctx.roster.queue(spec.queue)?.lead : undefined;
  const fallback = [lead].filter((k): k is string => typeof k === 'string').map(member).filter((s): s is StaffMember => s !== undefined);
  const people = spec.people.filter((k) => typeof k === 'string').map(member).filter((s): s is StaffMember => s !== undefined);
  return { queue: spec.queue, fallback, people };
}

/**
 * The staff a mention names on a platform, each once: the fallback (the lead) only when the
 * platform has no paging group for the queue, and the named people in any case.
 */
export function mentionedStaff(m: Mention, groupPaged: boolean): StaffMember[] {
  const seen = new Set<string>();
  return [...(groupPaged ? [] : m.fallback), ...m.people].filter((s) => !seen.has(s.key) && (seen.add(s.key), true));
}

/** The delivery options an outbox row's payload asks for. */
export function noticeOptions(ctx: Pick<AppContext, 'roster'>, payload: Record<string, unknown>): NoticeOptions {
  const mention = resolveMention(ctx, payload.mention);
  return { ...(payload.broadcast === true ? { broadcast: true } : {}), ...(mention ? { mention } : {}) };
}
