import { parseEnv, type Env } from '../config/env.ts';
import { EXAMPLE_CONFIG, loadConfig, type BatonConfig } from '../config/load.ts';
import { list, UsageError } from './usage.ts';

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
