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

let stdoutGone: () => void = () => process.exit(0);

/** What `serve` does instead of exiting at once when its standard output goes away: stop cleanly. */
export function onStdoutGone(fn: () => void): void {
  stdoutGone = fn;
}

/**
 * `baton triage … | head -2`: once the reader has gone, writing to it fails with EPIPE (EIO when
 * the terminal was closed). Like any Unix tool, Baton then stops quietly with code 0 instead of
 * dying on an unhandled 'error' event with a stack trace.
 */
export function quietWhenStdoutCloses(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ERR_STREAM_DESTROYED') return stdoutGone();
    process.stderr.write(`baton: cannot write to standard output (${e.code ?? e.name})\n`);
    process.exit(1);
  });
}
