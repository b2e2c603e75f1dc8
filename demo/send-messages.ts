import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { signRequest } from '../src/http/signature.ts';

export interface FeedOptions {
  url: string;
  everyMs: number;
  /** INGEST_SECRET of the server, when it requires signed requests. */
  secret?: string | undefined;
  file: string;
  limit?: number | undefined;
  /** Prefix that makes this run's ids new, so a second run is not taken as duplicates. */
  runId?: string | undefined;
  log?: (line: string) => void;
}

export interface FeedResult {
  sent: number;
  results: Array<{ externalId: string; itemId: string; queue: string; priority: string; duplicate: boolean }>;
}

type DemoMessage = Record<string, unknown> & { externalId: string; threadId?: string };

/** Reads the NDJSON file of generic portal messages (one per line; blank lines skipped). */
export function readDemoMessages(file: string): DemoMessage[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as DemoMessage;
    } catch (e) {
      throw new Error(`${file} line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
  });
}

/** This run's copy of a message: fresh external and thread ids (follow-ups still share theirs), sent now. */
export function forRun(m: DemoMessage, runId: string, now: Date): DemoMessage {
  return { ...m, externalId: `${runId}-${m.externalId}`, ...(m.threadId ? { threadId: `${runId}-${m.threadId}` } : {}), sentAt: now.toISOString() };
}

async function post(url: string, body: string, secret: string | undefined) {
  const endpoint = `${url.replace(/\/$/, '')}/v1/messages`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret) {
    // v2 signs the method and the path as sent, with a fresh timestamp for every request.
    const ts = String(Math.floor(Date.now() / 1000));
    const { pathname, search } = new URL(endpoint);
    Object.assign(headers, { 'x-baton-timestamp': ts, 'x-baton-signature': signRequest(secret, { timestamp: ts, method: 'POST', target: pathname + search, body }) });
  }
  try {
    return await fetch(endpoint, { method: 'POST', headers, body });
  } catch (e) {
    throw new Error(`Could not reach Baton at ${url} (${(e as Error).message}). Is it running? Start it with: npm start`);
  }
}

/**
 * Sends the demo messages through the real ingestion API, one every `everyMs`. Prints item
 * ids, queues and priorities only: the messages are synthetic, but the habit is no PHI in output.
 */
export async function runFeed(o: FeedOptions): Promise<FeedResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const runId = o.runId ?? `demo-${randomBytes(3).toString('hex')}`;
  const all = readDemoMessages(o.file);
  const messages = o.limit === undefined ? all : all.slice(0, o.limit);
  const results: FeedResult['results'] = [];
  log(`Sending ${messages.length} demo messages to ${o.url} (run ${runId}, one every ${o.everyMs / 1000}s)`);
  for (const [i, m] of messages.entries()) {
    if (i > 0 && o.everyMs > 0) await sleep(o.everyMs);
    const msg = forRun(m, runId, new Date());
    const res = await post(o.url, JSON.stringify(msg), o.secret);
    const answer = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) {
      const why = answer.error ? `${answer.error.code}: ${answer.error.message}` : `HTTP ${res.status}`;
      const hint = res.status === 401 ? ' Set INGEST_SECRET to the value the server uses.' : '';
      throw new Error(`Baton refused ${m.externalId} (${why}).${hint}`);
    }
    results.push({ externalId: msg.externalId, itemId: answer.itemId, queue: answer.queue, priority: answer.priority, duplicate: answer.duplicate });
    const n = String(i + 1).padStart(String(messages.length).length);
    log(`[${n}/${messages.length}] ${m.externalId} → item ${answer.itemId} in ${answer.queue} (${answer.priority})${answer.duplicate ? ' duplicate' : ''}`);
  }
  return { sent: results.length, results };
}

/** "5s", "500ms", "2m" or a plain number of seconds; null when unreadable. */
export function parseInterval(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}
