import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type BatonConfig } from '../src/config/load.ts';

/** PostgreSQL for benchmarks: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default if reachable. */
export async function benchPostgresUrl(): Promise<string | null> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    return null;
  }
}

/** The shipped config, loaded as Baton loads it; a benchmark cannot run on a broken one. */
export function benchConfig(): BatonConfig {
  const c = loadConfig();
  if (!c.ok) throw new Error(c.problems.join('\n'));
  return c.config;
}

/**
 * What a PostgreSQL-only benchmark starts from: the server and the shipped config, or null after
 * saying that `what` was skipped.
 */
export async function postgresBench(what: string): Promise<{ url: string; config: BatonConfig } | null> {
  const url = await benchPostgresUrl();
  if (!url) {
    console.log(`\n${what}: skipped (no PostgreSQL reachable; set BENCH_DATABASE_URL)`);
    return null;
  }
  return { url, config: benchConfig() };
}

/** A fresh database on the server at `url`, dropped by the returned function. */
export async function scratchDatabase(url: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Runs `total` tasks with `concurrency` workers; returns wall time and per-task latencies (ms, sorted). */
export async function load(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const s = performance.now();
        await task(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, perSecond: total / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

export function table(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(v < 10 ? 2 : 1)) : v]))));
}
