import { parseEnv, type Env } from '../config/env.ts';
import { EXAMPLE_CONFIG, loadConfig, type BatonConfig } from '../config/load.ts';

/** A CLI failure the user can fix: printed without a stack trace, exit code 1 (or as given). */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const list = (problems: string[]) => problems.map((p) => `  - ${p}`).join('\n');

export function cliEnv(): Env {
  const r = parseEnv(process.env);
  if (!r.ok) throw new UsageError(`Environment problems:\n${list(r.problems)}`);
  return r.env;
}

export function cliConfig(file?: string): BatonConfig {
  const r = loadConfig(file ?? process.env.BATON_CONFIG ?? EXAMPLE_CONFIG);
  if (!r.ok) throw new UsageError(`Config ${r.file} has ${r.problems.length} problem(s):\n${list(r.problems)}`);
  return r.config;
}
