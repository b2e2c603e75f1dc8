import type { AuditRecord } from '../domain/audit.ts';
import { consoleAccess, scopeOf, type AccessDecision, type ConsoleScope, type SignInIdentity } from '../domain/console-access.ts';
import type { StaffMember } from '../domain/roster.ts';
import type { AppContext } from './context.ts';

/** A console session lasts at most this long, however active (a working day and a half). */
export const SESSION_MAX_MS = 12 * 3_600_000;
const PLATFORM = 'console';

const event = (ctx: AppContext, actor: string, action: string, detail: Record<string, unknown>): AuditRecord => ({ itemId: null, actor, platform: PLATFORM, action, detail, at: ctx.clock.now() });

/**
 * Completes a sign-in the identity provider vouched for: the roster decides (console-access.ts),
 * the outcome is audited either way, and a session `sessionId` is stored when it lets them in.
 * Refusals are audited with the address the provider sent (staff identity, not patient data).
 */
export async function signIn(ctx: AppContext, who: SignInIdentity & { subject: string }, sessionId: string): Promise<AccessDecision> {
  const decision = consoleAccess(ctx.roster, who);
  const now = ctx.clock.now();
  if (!decision.ok) {
    const actor = decision.staff?.key ?? `unknown:${who.email?.trim() || who.subject}`;
    await ctx.store.appendAudit([event(ctx, actor, 'console.sign_in_refused', { reason: decision.reason, ...(who.email ? { email: who.email.trim() } : {}) })]);
    return decision;
  }
  await ctx.store.createConsoleSession({ id: sessionId, staffKey: decision.staff.key, email: who.email!.trim(), createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_MS), endedAt: null, endReason: null });
  await ctx.store.appendAudit([event(ctx, decision.staff.key, 'console.sign_in', { scope: decision.scope.all ? 'all' : decision.scope.queues })]);
  return decision;
}

/** An identity provider's refusal or failure at sign-in (an error answer, a bad state, a token that did not verify): audited, without the provider's wording. */
export async function signInFailed(ctx: AppContext, code: string): Promise<void> {
  await ctx.store.appendAudit([event(ctx, 'unknown:console', 'console.sign_in_refused', { reason: 'provider_error', code: code.slice(0, 64) })]);
}

export type SessionCheck =
  | { ok: true; staff: StaffMember; scope: ConsoleScope; sessionId: string }
  /** `none`: no such session; `idle`, `expired`, `logout`: it ended; `roster`: the roster no longer lets them in. */
  | { ok: false; reason: 'none' | 'idle' | 'expired' | 'logout' | 'roster' };

/**
 * The session a request carries, at the context's clock: in use (and seen now), or why not. A
 * session that went idle is ended and its sign-out audited by the one request that finds it so.
 */
export async function checkSession(ctx: AppContext, sessionId: string | undefined, idleMs: number): Promise<SessionCheck> {
  if (!sessionId) return { ok: false, reason: 'none' };
  const found = await ctx.store.touchConsoleSession(sessionId, ctx.clock.now(), idleMs);
  if (found.status === 'unknown') return { ok: false, reason: 'none' };
  if (found.status === 'ended') {
    const reason = found.session.endReason === 'idle' || found.session.endReason === 'expired' || found.session.endReason === 'logout' ? found.session.endReason : 'logout';
    if (found.justNow) await ctx.store.appendAudit([event(ctx, found.session.staffKey, 'console.sign_out', { reason, lastSeenAt: found.session.lastSeenAt.toISOString() })]);
    return { ok: false, reason };
  }
  const staff = ctx.roster.member(found.session.staffKey);
  const access = staff ? scopeOf(ctx.roster, staff) : undefined;
  if (!staff || !access?.ok) {
    await signOut(ctx, sessionId, 'roster');
    return { ok: false, reason: 'roster' };
  }
  return { ok: true, staff, scope: access.scope, sessionId };
}

/** Ends a session (sign-out, idle timer, roster change) and audits it, once. */
export async function signOut(ctx: AppContext, sessionId: string, reason: 'logout' | 'idle' | 'roster'): Promise<void> {
  const ended = await ctx.store.endConsoleSession(sessionId, ctx.clock.now(), reason);
  if (ended) await ctx.store.appendAudit([event(ctx, ended.staffKey, 'console.sign_out', { reason })]);
}

/** A form that did not carry the page's token (CSRF): refused and audited. */
export async function csrfRefused(ctx: AppContext, staffKey: string, path: string): Promise<void> {
  await ctx.store.appendAudit([event(ctx, staffKey, 'console.csrf_refused', { path: path.slice(0, 200) })]);
}
