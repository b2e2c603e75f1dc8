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
});

export type Env = z.output<typeof envSchema>;

export const isLoopback = (host: string) => LOOPBACK.test(host);

export function parseEnv(source: Record<string, string | undefined>): { ok: true; env: Env } | { ok: false; problems: string[] } {
  // Empty strings mean "unset", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`) };
  const env = r.data;
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
