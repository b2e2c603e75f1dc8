import type { AppContext } from '../../src/app/context.ts';
import type { DashboardSettings } from '../../src/app/dashboard.ts';
import type { ConsoleScope } from '../../src/domain/console-access.ts';
import type { StaffMember } from '../../src/domain/roster.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { CookieFlags } from './cookies.ts';
import type { Oidc } from './oidc.ts';

/** What every part of the console reads, built once by `createConsole`. */
export interface ConsoleDeps {
  ctx: AppContext;
  logger: Logger;
  /** Null when sign-in is not configured (loopback only; `missing` says what to set). */
  oidc: Oidc | null;
  missing: string[];
  /** The public origin (`BATON_PUBLIC_URL`), without a trailing slash. */
  publicUrl: string;
  idleMs: number;
  cookies: CookieFlags;
  organization: string;
  dashboard: DashboardSettings;
}

/** The signed-in person a console request acts for. */
export interface Viewer {
  staff: StaffMember;
  scope: ConsoleScope;
  sessionId: string;
  /** The token every form of this session carries (session.ts). */
  csrf: string;
}
