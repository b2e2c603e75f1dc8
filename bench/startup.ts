import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { quantile, table, tmpDir } from './support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/baton.js');

/** Wall milliseconds from spawning `node …args` to its exit, or to `ready` appearing on its standard output (then it is stopped). */
async function timed(args: string[], env: Record<string, string | undefined> = {}, ready?: RegExp): Promise<number> {
  const childEnv: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'silent', ...env };
  delete childEnv.DATABASE_URL; // the embedded database's start is measured, whatever the shell says
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  if (!ready) {
    child.stdout.resume();
    const [code] = await exited;
    if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`);
    return performance.now() - t0;
  }
  let out = '';
  await Promise.race([
    new Promise<void>((resolve) => child.stdout.on('data', (d) => ready.test((out += String(d))) && resolve())),
    exited.then(([code]) => Promise.reject(new Error(`node ${args.join(' ')} exited with ${code} before it was ready`))),
  ]);
  const ms = performance.now() - t0;
  child.kill('SIGTERM');
  await exited;
  return ms;
}

const SERVING = /Baton is running at/;
const serve = (dataDir: string, env: Record<string, string> = {}) => timed([BIN, 'serve'], { BATON_DATA_DIR: dataDir, PORT: '0', ...env }, SERVING);

/**
 * Runs the command and its floor in turn (A B A B …) and takes the ratio pair by pair, so a
 * machine whose speed drifts during the run moves both alike.
 */
async function paired(what: string, runs: number, a: () => Promise<number>, floorName: string, b: () => Promise<number>) {
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const x = await a();
    const y = await b();
    as.push(x);
    bs.push(y);
    ratios.push(x / y);
  }
  const median = (v: number[]) => quantile([...v].sort((p, q) => p - q), 0.5);
  return { what, runs, 'median s': median(as) / 1000, floor: floorName, 'floor median s': median(bs) / 1000, 'median ratio': median(ratios) };
}

/** Whole-process start-up figures, each beside its floor from the same run. */
export async function benchStartup(runs = 7): Promise<void> {
  const dirs: string[] = [];
  const scratch = () => {
    const d = tmpDir();
    dirs.push(d);
    return d;
  };
  const fresh = () => path.join(scratch(), 'data');
  try {
    const existing = fresh();
    await serve(existing); // makes the template if this machine has none yet, and migrates `existing`
    const rows = [
      await paired('baton --help (tsx)', runs, () => timed([BIN, '--help']), "node -e ''", () => timed(['-e', ''])),
      await paired('first start: serve on a new data dir', runs, () => serve(fresh()), 'serve on an existing data dir', () => serve(existing)),
      // The first data directory on a machine (or after a PGlite upgrade) also makes the template.
      await paired('first start on a new machine (no template yet)', Math.min(runs, 2), () => serve(fresh(), { XDG_CACHE_HOME: scratch() }), 'serve on an existing data dir', () => serve(existing)),
    ];
    table('Start-up, whole process (wall time until the command exits, or until serve says it is running; embedded database)', rows);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
