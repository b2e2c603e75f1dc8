import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { reserve, type ReservedServer } from '../../src/http/server.ts';

let server: ReservedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the port is bound before Baton has started', () => {
  it('answers /healthz as starting and everything else 503 with Retry-After, then hands over to the app', async () => {
    server = await reserve('127.0.0.1', 0);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'starting' });
    const early = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('2');
    expect(await early.json()).toEqual({ error: { code: 'starting', message: 'Baton is starting; try again in a moment.' } });

    const app = express();
    app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
    server.attach(app);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('refuses a port in use at once', async () => {
    server = await reserve('127.0.0.1', 0);
    await expect(reserve('127.0.0.1', server.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
