import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, TEST_DATABASE_URL } from '../support/databases.ts';
import { postJson, startTestServer, type TestServer } from '../support/server.ts';

/**
 * A TCP proxy in front of PostgreSQL that can be cut and restored: to Baton it looks exactly
 * like the database restarting (connections reset, new ones refused, then accepted again).
 */
class CuttableProxy {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async up(port = 0) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async cut() {
    const closed = new Promise<void>((r) => this.server!.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe.runIf(TEST_DATABASE_URL)('PostgreSQL outage drill', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgres>>;
  let proxy: CuttableProxy;
  let s: TestServer;
  beforeAll(async () => {
    fresh = await freshPostgres();
    const u = new URL(fresh.url);
    proxy = new CuttableProxy({ host: u.hostname, port: Number(u.port || 5432) });
    await proxy.up();
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    s = await startTestServer({ env: { DATABASE_URL: u.toString() } });
  });
  afterAll(async () => {
    await s?.stop();
    await fresh?.drop();
  });

  const msg = (id: string) => ({ source: 'portal', externalId: id, sentAt: '2026-12-01T14:55:00Z', patient: { id: 'p' }, body: 'Please refill my inhaler' });

  it('reports not-ready while the database is gone, answers 503 to senders, and recovers without a restart', async () => {
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    expect((await postJson(`${s.url}/v1/messages`, msg('o-1'))).status).toBe(202);

    await proxy.cut();
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    const during = await postJson(`${s.url}/v1/messages`, msg('o-2'));
    expect(during.status).toBe(503);
    expect(during.json.error.code).toBe('database.unavailable');
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200); // the process itself is fine

    await proxy.up(proxy.port);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${s.url}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await postJson(`${s.url}/v1/messages`, msg('o-2'))).status).toBe(202); // the sender's retry lands
  }, 60_000);
});
