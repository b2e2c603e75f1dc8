import { z } from 'zod';
import { wholeNumber } from './zod-messages.ts';
import { formatPath } from './load.ts';

const optional = z.string().trim().min(1).optional().catch(undefined);
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/** Environment variables of DESIGN.md §4, parsed once at start. */
export const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
  BATON_DATA_DIR: z.string().min(1).default('./data'),
  BATON_CONFIG: z.string().min(1).optional(),
  PORT: wholeNumber(0, 65535, 'must be a port number 0–65535').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  INGEST_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: optional,
  TEAMS_APP_ID: optional,
  TEAMS_APP_PASSWORD: optional,
  TEAMS_TENANT_ID: optional,
  /** `off`: Teams without authentication, for local testing on loopback only (logged loudly). */
  TEAMS_AUTH: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where browsers reach Baton (the TLS proxy's address): the console's redirect URI and the digests' links. */
  BATON_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL like https://baton.clinic.example' }).optional(),
  /** The console (adapters/console): on by default once an identity provider is configured. */
  BATON_CONSOLE: z.enum(['on', 'off']).optional(),
  BATON_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'expected the identity provider\'s issuer URL, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0' }).optional(),
  BATON_OIDC_CLIENT_ID: optional,
  BATON_OIDC_CLIENT_SECRET: optional,
  /** The ID token (or userinfo) claim holding the address matched against `staff[].email`. */
  BATON_OIDC_EMAIL_CLAIM: z.string().trim().min(1).default('email'),
  /** HIPAA automatic logoff (45 CFR 164.312(a)(2)(iii)): a console session unused this long ends. */
  BATON_CONSOLE_IDLE_MINUTES: wholeNumber(1, 60, 'must be a whole number of minutes, 1–60').default(15),
});

export type Env = z.output<typeof envSchema>;

export const isLoopback = (host: string) => LOOPBACK.test(host);

const OIDC_VARS = ['BATON_OIDC_ISSUER', 'BATON_OIDC_CLIENT_ID', 'BATON_OIDC_CLIENT_SECRET', 'BATON_PUBLIC_URL'] as const;

/** The console's settings, once parsed: `missing` lists what sign-in still needs (empty when it is configured). */
export function consoleSettings(env: Env): { enabled: boolean; missing: string[] } {
  const enabled = env.BATON_CONSOLE === 'on' || (env.BATON_CONSOLE === undefined && Boolean(env.BATON_OIDC_ISSUER || env.BATON_OIDC_CLIENT_ID || env.BATON_OIDC_CLIENT_SECRET));
  return { enabled, missing: enabled ? OIDC_VARS.filter((k) => !env[k]) : [] };
}

/** Every problem of the console's variables (consistency between them, and with HOST). */
function consoleProblems(env: Env): string[] {
  const problems: string[] = [];
  const { enabled, missing } = consoleSettings(env);
  const url = (v: string | undefined) => (v ? new URL(v) : undefined);
  const pub = url(env.BATON_PUBLIC_URL);
  if (pub) {
    if (pub.protocol !== 'https:' && !isLoopback(pub.hostname)) problems.push(`BATON_PUBLIC_URL: must be https:// (is ${pub.protocol}//${pub.hostname}); plain http is accepted only for a loopback address, for trying Baton on this machine`);
    if (pub.pathname !== '/' || pub.search || pub.hash) problems.push('BATON_PUBLIC_URL: give the address without a path, query or fragment (Baton serves the console at /console on its own port)');
  }
  const issuer = url(env.BATON_OIDC_ISSUER);
  if (issuer && issuer.protocol !== 'https:' && !isLoopback(issuer.hostname)) problems.push('BATON_OIDC_ISSUER: must be https:// (plain http is accepted only for an identity provider on this machine, as in tests)');
  const partial = OIDC_VARS.some((k) => k !== 'BATON_PUBLIC_URL' && env[k]);
  if (enabled && missing.length && (partial || !isLoopback(env.HOST))) {
    const why = isLoopback(env.HOST) ? 'the console signs people in with your identity provider' : `HOST is ${env.HOST} (not loopback), and the console signs people in with your identity provider`;
    problems.push(`console: missing ${missing.join(', ')} (${why}; see the README, "Console"), or set BATON_CONSOLE=off`);
  }
  return problems;
}

export function parseEnv(source: Record<string, string | undefined>): { ok: true; env: Env } | { ok: false; problems: string[] } {
  // Empty strings mean "unset", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  const env = r.data;
  const consoleIssues = consoleProblems(env);
  if (consoleIssues.length) return { ok: false, problems: consoleIssues };
  if (!isLoopback(env.HOST) && !env.INGEST_SECRET) {
    return { ok: false, problems: [`INGEST_SECRET: required when HOST is ${env.HOST} (not loopback), so nobody else can post messages into Baton`] };
  }
  if (env.TEAMS_AUTH === 'off' && env.TEAMS_APP_ID) return { ok: false, problems: ['TEAMS_AUTH: "off" cannot be combined with TEAMS_APP_ID; unset one'] };
  // Azure stopped creating multi-tenant bot registrations after 31 July 2025 ("Multi-tenant bot
  // creation will be deprecated after July 31, 2025", learn.microsoft.com/azure/bot-service/
  // abs-quickstart and …/bot-framework/portal-register-bot): a new Azure Bot is single-tenant, and
  // botbuilder then gets its tokens from login.microsoftonline.com/<tenant>, not botframework.com.
  if (env.TEAMS_APP_ID && !env.TEAMS_TENANT_ID) {
    return { ok: false, problems: ['TEAMS_TENANT_ID: required with TEAMS_APP_ID. Azure creates only single-tenant bots since July 2025, and Baton signs in as one: set it to the Directory (tenant) ID shown on the bot\'s app registration'] };
  }
  if (env.TEAMS_AUTH === 'off' && !isLoopback(env.HOST)) return { ok: false, problems: [`TEAMS_AUTH: "off" is for local testing only; HOST must be loopback (is ${env.HOST})`] };
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    return { ok: false, problems: ['SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)'] };
  }
  return { ok: true, env };
}

/** Said at start-up when INGEST_SECRET is unset (loopback only: env.ts refuses it elsewhere). */
export const UNSIGNED_API_WARNING =
  'INGEST_SECRET is not set: the ingestion and item APIs accept unsigned requests. Any program or user on this machine can post messages and read items with their audit trails, including staff free text (escalation and snooze reasons, resolve notes). Set INGEST_SECRET unless this machine is yours alone.';
