import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { benchPostgresUrl, quantile, scratchDatabase, table, tmpDir } from './support.ts';

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
const DIST = path.resolve(import.meta.dirname, '../dist/src/cli/run.js');

/** Resident memory (MB) of `node …args` serving, after `idleMs` of doing nothing. */
async function idleRss(args: string[], env: Record<string, string>, idleMs = 5_000): Promise<number> {
  const childEnv: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'silent', PORT: '0', ...env };
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => SERVING.test((out += String(d))) && resolve());
    void exited.then(() => reject(new Error(`node ${args.join(' ')} exited before it was serving`)));
  });
  await new Promise((r) => setTimeout(r, idleMs));
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  await exited;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Idle memory of a server under tsx (`npm start`) and compiled (`dist/`, production), each database; the floor is the compiled server on PostgreSQL. */
async function benchMemory(runs: number): Promise<void> {
  if (!fs.existsSync(DIST) || !fs.existsSync('/proc/self/status')) {
    console.log('\nIdle memory: skipped (run `npm run build` first, on Linux)');
    return;
  }
  const url = await benchPostgresUrl();
  const scratch = url ? await scratchDatabase(url, 'baton_bench_rss') : null;
  const dir = tmpDir();
  try {
    const median = async (args: string[], env: Record<string, string>) => {
      const v: number[] = [];
      for (let i = 0; i < runs; i++) v.push(await idleRss(args, env));
      return quantile(v.sort((a, b) => a - b), 0.5);
    };
    const embedded = { BATON_DATA_DIR: path.join(dir, 'data') };
    const pg = scratch ? { DATABASE_URL: scratch.url } : null;
    const floor = pg ? await median([DIST, 'serve'], pg) : NaN;
    const rows: Array<Record<string, string | number>> = [];
    if (pg) rows.push({ server: 'npm start (tsx), PostgreSQL', 'idle RSS MB': await median([BIN, 'serve'], pg), 'floor MB': floor, ratio: NaN });
    if (pg) rows.push({ server: 'dist/, PostgreSQL', 'idle RSS MB': floor, 'floor MB': floor, ratio: 1 });
    rows.push({ server: 'npm start (tsx), embedded', 'idle RSS MB': await median([BIN, 'serve'], embedded), 'floor MB': floor, ratio: NaN });
    rows.push({ server: 'dist/, embedded', 'idle RSS MB': await median([DIST, 'serve'], embedded), 'floor MB': floor, ratio: NaN });
    for (const r of rows) r.ratio = (r['idle RSS MB'] as number) / floor;
    table(`Idle memory, 5 s after serving (median of ${runs}); floor: the compiled server on PostgreSQL`, rows);
  } finally {
    await scratch?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
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
    await benchMemory(runs > 3 ? 3 : 1);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
