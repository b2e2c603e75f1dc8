import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test identity provider knows. `email` may be missing or unverified, as real providers allow. */
export interface IdpUser {
  id: string;
  email?: string;
  emailVerified?: boolean;
  name: string;
}

export const USERS: IdpUser[] = [
  { id: 'u-morgan', email: 'Morgan.Lee@riverside.example', emailVerified: true, name: 'Morgan Lee' }, // manager (case differs from the roster)
  { id: 'u-dana', email: 'dana.reyes@riverside.example', emailVerified: true, name: 'Dana Reyes' }, // nursing lead
  { id: 'u-sam', email: 'sam.ortiz@riverside.example', emailVerified: true, name: 'Sam Ortiz' }, // on the roster, not a lead
  { id: 'u-stranger', email: 'pat.stranger@elsewhere.example', emailVerified: true, name: 'Pat Stranger' }, // not on the roster
  { id: 'u-unverified', email: 'morgan.lee@riverside.example', emailVerified: false, name: 'Not Morgan' },
  { id: 'u-noemail', name: 'No Email' },
];

export const CLIENT = { id: 'baton-console', secret: 'test-client-secret-0123456789abcdef' };

export interface TestIdp {
  issuer: string;
  /** Sign-ins completed at the provider, by user id. */
  logins: string[];
  stop(): Promise<void>;
}

const page = (uid: string, client: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head><body>
<h1>Riverside sign-in (test identity provider)</h1><p>Signing in to ${client}</p>
<form method="post" action="/interaction/${uid}/login"><label>Email <input name="email" autocomplete="off"></label><button type="submit">Sign in</button></form>
</body></html>`;

/**
 * A real OpenID Provider (`oidc-provider`, the certified Node implementation) on a loopback
 * port: one confidential client registered with `redirectUris`, the users above, PKCE
 * required, and a one-step login page (an email field) that also grants the scopes, where a
 * real provider would ask for a password and consent.
 */
export async function startTestIdp(redirectUris: string[]): Promise<TestIdp> {
  const server = http.createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logins: string[] = [];
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    async findAccount(_ctx: unknown, id: string) {
      const u = USERS.find((x) => x.id === id);
      if (!u) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, name: u.name, ...(u.email ? { email: u.email, email_verified: u.emailVerified } : {}) }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-idp-cookie-key-0123456789'] },
    pkce: { required: () => true },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  // The provider's own warnings (a development signing key, an old Node) are not the test's business.
  provider.on('server_error', () => {});
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
      if (!m) return callback(req, res);
      const details = await provider.interactionDetails(req, res);
      if (!m[2]) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(page(details.uid, details.params.client_id));
      }
      let body = '';
      for await (const chunk of req) body += chunk;
      const email = new URLSearchParams(body).get('email')?.trim().toLowerCase();
      // Accounts are found by address, or by id for the ones without one.
      const user = USERS.find((u) => u.email?.toLowerCase() === email && u.emailVerified !== false) ?? USERS.find((u) => u.id === email);
      if (!user) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('unknown user');
      }
      logins.push(user.id);
      const grant = new provider.Grant({ accountId: user.id, clientId: details.params.client_id });
      grant.addOIDCScope('openid email profile');
      await provider.interactionFinished(req, res, { login: { accountId: user.id }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((e as Error).message));
    }
  });
  return {
    issuer,
    logins,
    stop: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
