import type { Roster, StaffMember } from './roster.ts';

/** What a signed-in person may see in the console: every queue (managers) or the queues they lead. */
export type ConsoleScope = { all: true } | { all: false; queues: string[] };

/** Who the identity provider says signed in: the address claim, and whether it vouches for it. */
export interface SignInIdentity {
  email: string | undefined;
  /** The provider's `email_verified`, when it sends one (Entra ID does not; Google and Okta do). */
  emailVerified: boolean | undefined;
}

export type AccessRefusal = 'no_email' | 'email_unverified' | 'not_on_roster' | 'not_a_supervisor';

export type AccessDecision =
  | { ok: true; staff: StaffMember; scope: ConsoleScope }
  | { ok: false; reason: AccessRefusal; staff?: StaffMember | undefined; message: string };

/** The queues a lead leads: a queue's `lead`, or a `lead`-flagged member of it (Roster.isLeadOf). */
export function ledQueues(roster: Roster, staffKey: string): string[] {
  return roster.queues.filter((q) => roster.isLeadOf(staffKey, q.key)).map((q) => q.key);
}

const REFUSED: Record<AccessRefusal, (email: string) => string> = {
  no_email: () => 'Your identity provider did not send an email address for your account, so Baton cannot find you on its roster. Ask your IT team to release the email claim to Baton (README, "Console").',
  email_unverified: (e) => `Your identity provider says the address ${e} is not verified, so Baton cannot trust it to identify you. Verify it with your IT team and sign in again.`,
  not_on_roster: (e) => `${e} is not on Baton's roster (or not active). The console is for managers and team leads: ask your practice manager to add your address as your roster entry's email.`,
  not_a_supervisor: (e) => `${e} is on Baton's roster, but the console is for managers and team leads only. Your work is in the queue channels.`,
};

/**
 * Who may use the console, as a decision table: the first row that matches decides.
 *
 * | identity                         | roster entry (active)         | outcome                          |
 * |----------------------------------|-------------------------------|----------------------------------|
 * | no address                       | —                             | refused `no_email`               |
 * | address the provider says is not verified | —                    | refused `email_unverified`       |
 * | address on no active entry       | —                             | refused `not_on_roster`          |
 * | —                                | manager                       | in, every queue                  |
 * | —                                | leads at least one queue      | in, the queues they lead         |
 * | —                                | anyone else                   | refused `not_a_supervisor`       |
 */
export function consoleAccess(roster: Roster, who: SignInIdentity): AccessDecision {
  const email = who.email?.trim();
  const refuse = (reason: AccessRefusal, staff?: StaffMember): AccessDecision => ({ ok: false, reason, staff, message: REFUSED[reason](email ?? '') });
  if (!email) return refuse('no_email');
  if (who.emailVerified === false) return refuse('email_unverified');
  const staff = roster.byEmail(email);
  if (!staff) return refuse('not_on_roster');
  return scopeOf(roster, staff) ?? refuse('not_a_supervisor', staff);
}

/** A roster member's console access now (the roster may have changed since they signed in). */
export function scopeOf(roster: Roster, staff: StaffMember): AccessDecision | undefined {
  if (!roster.member(staff.key)) return undefined;
  if (staff.manager) return { ok: true, staff, scope: { all: true } };
  const queues = ledQueues(roster, staff.key);
  return queues.length ? { ok: true, staff, scope: { all: false, queues } } : undefined;
}

/** Whether a scope covers a queue. */
export const seesQueue = (scope: ConsoleScope, queue: string) => scope.all || scope.queues.includes(queue);

/** The queues a scope may see, in roster order. */
export const visibleQueues = (roster: Roster, scope: ConsoleScope) => roster.queues.filter((q) => seesQueue(scope, q.key));
