import { configDiff, triageDiff } from './config-diff.ts';
import { loadConfig, type BatonConfig } from './load.ts';
import type { EnvironmentFingerprints, RestartOnly } from './restart-only.ts';

export type ReloadResult =
  | { ok: true; config: BatonConfig; changes: string[] }
  | { ok: false; file: string; problems: string[] };

/**
 * The config file the server started with (and the triage rules files it names), read and
 * validated again by the start-up loader. Invalid: every problem, and the caller keeps the
 * config it has. Valid: the new config and what changed, as key paths (config-diff.ts).
 */
export function reloadConfig(current: BatonConfig): ReloadResult {
  const r = loadConfig(current.file, { fresh: true });
  if (!r.ok) return { ok: false, file: r.file, problems: r.problems };
  return { ok: true, config: r.config, changes: [...configDiff(current.raw, r.config.raw), ...triageDiff(current.triageRules, r.config.triageRules)] };
}

/** What a config reload did: applied (with what changed), or refused with every problem. */
export type ReloadAnswer =
  | { ok: true; file: string; changes: string[]; needsRestart: RestartOnly[]; restartNote: string }
  | { ok: false; file: string; problems: string[] };

export interface ReloadRequest {
  /** What asked: `SIGHUP`, `baton config reload`. Logged. */
  trigger: string;
  /** The asker's environment, fingerprinted (restart-only.ts): settings that differ need a restart. */
  environment?: EnvironmentFingerprints | undefined;
}

