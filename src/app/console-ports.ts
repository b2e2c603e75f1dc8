import type { AuditHit, AuditQuery } from '../domain/audit-search.ts';
import type { DashboardAggregates, DashboardQuery } from '../domain/dashboard-aggregates.ts';
import type { WorkItem } from '../domain/work-item.ts';

/** An OpenID Connect sign-in under way (PKCE verifier, state, nonce), bound to one browser by a cookie. */
export interface ConsoleLogin {
  /** Hash of the browser's login cookie. */
  id: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A console path (never an absolute URL) to go back to. */
  returnTo: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface ConsoleSession {
  /** Hash of the session cookie's token: the table never holds a usable cookie. */
  id: string;
  staffKey: string;
  email: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

/**
 * What a request finds of its session. `active`: in use, its last-seen time moved to now.
 * `ended` with `justNow`: it had gone idle or past its absolute end and this request ended it
 * (exactly one request, on any instance, gets `justNow`, so the sign-out is audited once).
 */
export type SessionLookup =
  | { status: 'active'; session: ConsoleSession }
  | { status: 'ended'; session: ConsoleSession; justNow: boolean }
  | { status: 'unknown' };

/** The console's reads and its sessions: part of the `Store` port. */
export interface ConsoleStore {
  /** The dashboard's numbers, as `aggregateDashboard(every item, q)` computes them (the SQL store in the database). */
  dashboardAggregates(q: DashboardQuery): Promise<DashboardAggregates>;
  /** Audit events matching `q`, newest first, at most `q.limit`; as `searchAuditRecords` selects them. */
  searchAudit(q: AuditQuery): Promise<AuditHit[]>;
  /** The item whose reference is B-<seq>. */
  findItemBySeq(seq: number): Promise<WorkItem | null>;
  /** Stores a sign-in under way (and forgets those past their time). */
  saveConsoleLogin(login: ConsoleLogin): Promise<void>;
  /** Takes a sign-in under way: it can be used once; null when unknown or past `expiresAt`. */
  takeConsoleLogin(id: string, now: Date): Promise<ConsoleLogin | null>;
  createConsoleSession(s: ConsoleSession): Promise<void>;
  /**
   * The session `id` at `now`: active when not ended, used within `idleMs` and before its
   * `expiresAt` (and then marked seen now); otherwise ended, with reason `idle` or `expired`
   * if this call ended it.
   */
  touchConsoleSession(id: string, now: Date, idleMs: number): Promise<SessionLookup>;
  /** Ends a session (sign-out); the session when this call ended it, null when it was already ended or unknown. */
  endConsoleSession(id: string, now: Date, reason: string): Promise<ConsoleSession | null>;
}
