import { randomUUID } from 'node:crypto';
import type { SandboxServer } from './harness.ts';

/** A synthetic portal message; defaults triage to the nursing queue at routine priority. */
export const portal = (over: Record<string, unknown> = {}) => ({
  source: 'portal',
  externalId: `sbx-${randomUUID()}`,
  sentAt: new Date().toISOString(),
  patient: { id: 'pt-sbx-1', name: 'Vera Testwoman', mrn: '99904321', pcp: 'dr-cho' },
  subject: 'Question about my knee',
  body: 'My right knee has been swollen and sore for a week. Do I need to be seen?',
  ...over,
});

export async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Ingests through the real HTTP API and waits until the outbox has posted the card to the sandbox. */
export async function ingest(s: SandboxServer, over: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(portal(over)) });
  const { status, body } = await json(res);
  if (status !== 202) throw new Error(`ingest answered ${status}: ${JSON.stringify(body)}`);
  await until(async () => (await s.ctx.store.findPlatformPost(body.itemId, 'sandbox', 'card')) !== null);
  return body.itemId as string;
}

export async function act(s: SandboxServer, itemId: string, body: Record<string, unknown>) {
  return json(await fetch(`${s.url}/sandbox/api/items/${itemId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

export async function get(s: SandboxServer, path: string) {
  return json(await fetch(`${s.url}${path}`));
}

export async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Lets the outbox worker deliver everything that is due, so "nothing was sent" is a real observation. */
export async function settle(s: SandboxServer): Promise<void> {
  await until(async () => (await s.ctx.store.outboxStats(new Date())).pending === 0);
  await new Promise((r) => setTimeout(r, 150));
}
