import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { FixedClock } from '../../support/context.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { CLIENT, startTestIdp, type TestIdp } from './test-idp.ts';

export interface ConsoleRig {
  baton: TestServer;
  idp: TestIdp;
  /** Baton's public URL (its own loopback address here). */
  url: string;
  clock: FixedClock;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

/**
 * Baton (the real server, PGlite, a fixed clock) with its console signed in through a real
 * OpenID Provider on another loopback port. Baton's port is chosen first, so the provider can
 * register its redirect URI before either starts.
 */
export async function startConsoleRig(opts: { env?: Record<string, string>; clock?: FixedClock } = {}): Promise<ConsoleRig> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const idp = await startTestIdp([`${url}/console/auth/callback`]);
  const clock = opts.clock ?? new FixedClock();
  const baton = await startTestServer({
    clock,
    env: {
      PORT: String(port),
      BATON_PUBLIC_URL: url,
      BATON_OIDC_ISSUER: idp.issuer,
      BATON_OIDC_CLIENT_ID: CLIENT.id,
      BATON_OIDC_CLIENT_SECRET: CLIENT.secret,
      ...opts.env,
    },
  });
  return {
    baton,
    idp,
    url,
    clock,
    stop: async () => {
      await baton.stop();
      await idp.stop();
    },
  };
}
