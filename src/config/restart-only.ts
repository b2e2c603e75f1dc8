import { createHmac } from 'node:crypto';
import path from 'node:path';
import type { Env } from './env.ts';

/**
 * The settings a running Baton cannot change: its environment, read once at start (the port it
 * listens on, its database, the platform credentials its adapters signed in with). A reload
 * re-reads the config files only, and says so rather than leaving a changed variable unnoticed.
 */
export const RESTART_ONLY = [
  'PORT', 'HOST', 'DATABASE_URL', 'BATON_DATA_DIR', 'BATON_CONFIG', 'INGEST_SECRET', 'LOG_LEVEL',
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL',
  'TEAMS_APP_ID', 'TEAMS_APP_PASSWORD', 'TEAMS_TENANT_ID', 'TEAMS_AUTH',
] as const;
export type RestartOnly = (typeof RESTART_ONLY)[number];

export const RESTART_NOTE =
  'The environment (PORT, HOST, DATABASE_URL, BATON_DATA_DIR, BATON_CONFIG, INGEST_SECRET, LOG_LEVEL and the Slack and Teams settings) is read at start only: restart Baton to change it.';

/**
 * Each restart-only setting as the process uses it: the parsed environment, with the two paths
 * made absolute (the config file is the one actually read) so two processes in different
 * folders compare what they mean, not what they wrote.
 */
export function effectiveSettings(env: Env, configFile: string): Record<RestartOnly, string | undefined> {
  const out = {} as Record<RestartOnly, string | undefined>;
  for (const name of RESTART_ONLY) {
    const v = (env as Record<string, unknown>)[name];
    out[name] = v === undefined ? undefined : String(v);
  }
  out.BATON_DATA_DIR = path.resolve(env.BATON_DATA_DIR);
  out.BATON_CONFIG = configFile;
  return out;
}

/** What `baton config reload` sends about its own environment: keyed hashes, never a value (secrets among them). */
export interface EnvironmentFingerprints {
  salt: string;
  fingerprints: Partial<Record<RestartOnly, string>>;
}

const fingerprint = (salt: string, name: string, value: string | undefined) =>
  createHmac('sha256', salt).update(`${name}\0${value ?? '\0unset'}`).digest('hex');

/** Fingerprints of the restart-only settings that `set` names (those the caller's environment sets). */
export function fingerprintsOf(settings: Record<RestartOnly, string | undefined>, set: readonly RestartOnly[], salt: string): EnvironmentFingerprints {
  return { salt, fingerprints: Object.fromEntries(set.map((n) => [n, fingerprint(salt, n, settings[n])])) };
}

/** The settings whose value differs between the running process and the caller: each needs a restart to take effect. */
export function needsRestart(mine: Record<RestartOnly, string | undefined>, theirs: EnvironmentFingerprints | undefined): RestartOnly[] {
  if (!theirs) return [];
  return RESTART_ONLY.filter((n) => {
    const f = theirs.fingerprints[n];
    return f !== undefined && f !== fingerprint(theirs.salt, n, mine[n]);
  });
}
