// What every command and `baton --help` need, with no import beyond Node: main.ts loads it on
// every start, and a command's own modules (express, pg, Prisma, zod) only when it runs.

/** A CLI failure the user can fix: printed without a stack trace, exit code 1 (or as given). */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const list = (problems: string[]) => problems.map((p) => `  - ${p}`).join('\n');

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
