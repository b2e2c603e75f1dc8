import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditHit } from '../../../src/domain/audit-search.ts';
import { seededHistory, seedHistory } from '../../support/seeded-history.ts';
import { startConsoleRig, type ConsoleRig } from './harness.ts';
import { signInAs, WebClient } from './web-client.ts';

const MIN = 60_000;

describe('console sign-in through a real OpenID Provider', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig();
    await seedHistory(rig.baton.baton.ctx.store, seededHistory(rig.clock.now(), 120, 21));
  }, 60_000);
  afterAll(async () => rig?.stop());

  const host = () => new URL(rig.url).host;
  const audit = async (action: string): Promise<AuditHit[]> => rig.baton.baton.ctx.store.searchAudit({ queues: null, action, limit: 100 });
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

  it('signs a manager in with authorization code + PKCE, lands on the page asked for, and audits the sign-in', async () => {
    const c = new WebClient();
    const before = (await audit('console.sign_in')).length;
    const r = await signInAs(c, `${rig.url}/console/dashboard?from=2026-11-25`, 'morgan.lee@riverside.example');
    expect(r.res.status).toBe(200);
    expect(r.url).toBe(`${rig.url}/console/dashboard?from=2026-11-25`);
    expect(r.text).toContain('Morgan Lee · manager');
    expect(r.text).toContain('7 days, Wed 25 Nov 2026 – Tue 1 Dec 2026 · all queues');
    // The authorization request used PKCE (S256), state and nonce.
    const authorize = new URL(c.visited.find((u) => u.startsWith(rig.idp.issuer) && u.includes('/auth?'))!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${rig.url}/console/auth/callback`);
    const events = await audit('console.sign_in');
    expect(events.length).toBe(before + 1);
    expect(events[0]).toMatchObject({ actor: 'morgan-lee', platform: 'console', itemId: null, detail: { scope: 'all' } });
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, not Secure on a loopback http address, and keeps only its hash in the database', async () => {
    const c = new WebClient();
    await signInAs(c, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    const cookie = c.setCookies.find((s) => s.startsWith('baton-console='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const token = c.cookie(host(), 'baton-console')!;
    expect(token.length).toBeGreaterThanOrEqual(43);
    const s = await rig.baton.baton.ctx.store.touchConsoleSession(token, rig.clock.now(), 15 * MIN);
    expect(s.status).toBe('unknown');
  });

  it.each([
    ['someone not on the roster', 'pat.stranger@elsewhere.example', 'pat.stranger@elsewhere.example is not on Baton\'s roster', 'not_on_roster', 'unknown:pat.stranger@elsewhere.example'],
    ['a team member who is neither manager nor lead', 'sam.ortiz@riverside.example', 'the console is for managers and team leads only', 'not_a_supervisor', 'sam-ortiz'],
    ['an account the provider sends without an email', 'u-noemail', 'did not send an email address', 'no_email', 'unknown:u-noemail'],
    ['an address the provider has not verified', 'u-unverified', 'is not verified', 'email_unverified', 'unknown:morgan.lee@riverside.example'],
  ])('refuses %s with a page that says why, audits it, and gives no session', async (_who, login, says, reason, actor) => {
    const c = new WebClient();
    const r = await signInAs(c, `${rig.url}/console/dashboard`, login);
    expect(r.res.status).toBe(403);
    expect(r.text).toContain('No access to the Baton console');
    expect(r.text).toContain(says.replace(/'/g, '&#39;'));
    expect(c.cookie(host(), 'baton-console')).toBeUndefined();
    expect((await audit('console.sign_in_refused'))[0]).toMatchObject({ actor, detail: { reason } });
    // Still no way in: the next page starts a new sign-in.
    const again = await c.request(`${rig.url}/console/dashboard`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toContain(rig.idp.issuer);
  });

  it('refuses a callback that does not belong to this browser’s sign-in (login CSRF, replay)', async () => {
    const c = new WebClient();
    const r = await signInAs(c, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    const callback = c.visited.find((u) => u.includes('/console/auth/callback'))!;
    const replay = await new WebClient().follow(callback);
    expect(replay.res.status).toBe(400);
    expect(replay.text).toContain('Sign-in expired');
    expect(r.res.status).toBe(200);
  });

  it('lets a lead see only the queues they lead: the picker, the numbers, the audit search and item pages', async () => {
    const c = new WebClient();
    const r = await signInAs(c, `${rig.url}/console/dashboard`, 'dana.reyes@riverside.example');
    expect(r.text).toContain('Dana Reyes, RN · lead: Nursing');
    const options = [...r.text.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    expect(options).toEqual(['', 'nursing']);
    expect(r.text).toContain('All my queues');
    const data = JSON.parse(/<script type="application\/json" id="dashboard-data">(.*?)<\/script>/s.exec(r.text)![1]!);
    expect(data.backlog.labels).toEqual(['Nursing']);

    const other = await c.follow(`${rig.url}/console/dashboard?queue=billing`);
    expect(other.res.status).toBe(400);
    expect(other.text).toContain('you see only the queues you lead: Nursing');

    const search = await c.follow(`${rig.url}/console/audit`);
    expect(search.res.status).toBe(200);
    const store = rig.baton.baton.ctx.store;
    const billing = (await store.listItems({ queue: 'billing', limit: 1 }))[0]!;
    const nursing = (await store.listItems({ queue: 'nursing', limit: 1 }))[0]!;
    expect((await c.follow(`${rig.url}/console/items/${billing.id}`)).res.status).toBe(404);
    expect((await c.follow(`${rig.url}/console/items/${nursing.id}`)).res.status).toBe(200);
    // A manager's sign-in is not a nursing event: the lead's search never shows it.
    expect(search.text).not.toContain('signed in to the console');
  });

  it('signs out after 15 minutes without activity (HIPAA automatic logoff), once, and audits it', async () => {
    const c = new WebClient();
    await signInAs(c, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    rig.clock.advance(14 * MIN);
    expect((await c.request(`${rig.url}/console/audit`)).status).toBe(200);
    rig.clock.advance(14 * MIN); // 28 minutes in, but only 14 since the last request
    expect((await c.request(`${rig.url}/console/dashboard`)).status).toBe(200);
    const before = (await audit('console.sign_out')).length;
    rig.clock.advance(15 * MIN);
    const idle = await c.request(`${rig.url}/console/dashboard`);
    expect(idle.status).toBe(401);
    expect(await idle.text()).toContain('You were signed out after 15 minutes without activity');
    expect(c.cookie(host(), 'baton-console')).toBeUndefined();
    const out = await audit('console.sign_out');
    expect(out.length).toBe(before + 1);
    expect(out[0]).toMatchObject({ actor: 'morgan-lee', detail: { reason: 'idle' } });
  });

  it('refuses a form without the page’s CSRF token, or from another site, and audits it; the page’s own form works', async () => {
    const c = new WebClient();
    const page = await signInAs(c, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    const token = csrfOf(page.text)!;
    expect(token).toBeTruthy();
    const refusedBefore = (await audit('console.csrf_refused')).length;

    const none = await c.request(`${rig.url}/console/auth/logout`, { form: {} });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('This form did not come from a current console page');
    const wrong = await c.request(`${rig.url}/console/auth/logout`, { form: { _csrf: token.replace(/^./, (x) => (x === 'A' ? 'B' : 'A')) } });
    expect(wrong.status).toBe(403);
    const crossSite = await c.request(`${rig.url}/console/auth/logout`, { form: { _csrf: token }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const refused = await audit('console.csrf_refused');
    expect(refused.length).toBe(refusedBefore + 3);
    expect(refused[0]).toMatchObject({ actor: 'morgan-lee', platform: 'console' });
    // Nothing happened: still signed in.
    expect((await c.request(`${rig.url}/console/dashboard`)).status).toBe(200);

    const out = await c.request(`${rig.url}/console/auth/logout`, { form: { _csrf: token }, headers: { origin: rig.url } });
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('You are signed out of the Baton console');
    expect((await audit('console.sign_out'))[0]).toMatchObject({ actor: 'morgan-lee', detail: { reason: 'logout' } });
    const after = await c.request(`${rig.url}/console/dashboard`);
    expect(after.status).toBe(303);
  });

  it('ends the session when the page’s idle timer fires, so an unattended screen shows nothing', async () => {
    const c = new WebClient();
    await signInAs(c, `${rig.url}/console/dashboard`, 'morgan.lee@riverside.example');
    const t = await c.follow(`${rig.url}/console/auth/timeout`);
    expect(t.text).toContain('Signed out after inactivity');
    expect((await audit('console.sign_out'))[0]).toMatchObject({ detail: { reason: 'idle' } });
    expect((await c.request(`${rig.url}/console/dashboard`)).status).toBe(303);
  });

  it('never returns to another site after signing in (no open redirect)', async () => {
    const c = new WebClient();
    const start = await c.request(`${rig.url}/console/auth/login?return=https://evil.example/x`);
    expect(start.status).toBe(303);
    const form = await c.follow(start.headers.get('location')!);
    const action = /action="(\/interaction\/[\w-]+\/login)"/.exec(form.text)![1]!;
    const done = await c.follow(new URL(action, form.url).href, { form: { email: 'morgan.lee@riverside.example' } });
    expect(done.url).toBe(`${rig.url}/console/dashboard`);
  });
});

describe('console cookies behind https', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig({ env: { BATON_PUBLIC_URL: 'https://baton.riverside.example' } });
  }, 60_000);
  afterAll(async () => rig?.stop());

  it('makes the sign-in cookie a Secure __Host- cookie when the public URL is https, and sends the public redirect URI', async () => {
    const c = new WebClient();
    const res = await c.request(`${rig.url}/console/dashboard`);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://baton.riverside.example/console/auth/callback');
    const cookie = c.setCookies.find((s) => s.startsWith('__Host-baton-login='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});

describe('console without a working identity provider', () => {
  it('says what to set when the console is on without a provider (loopback only)', async () => {
    const { startTestServer } = await import('../../support/server.ts');
    const s = await startTestServer({ env: { BATON_CONSOLE: 'on' } });
    try {
      const res = await fetch(`${s.url}/console/dashboard`, { redirect: 'manual' });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).toContain('Sign-in is not configured');
      expect(text).toContain('Set BATON_OIDC_ISSUER, BATON_OIDC_CLIENT_ID, BATON_OIDC_CLIENT_SECRET, BATON_PUBLIC_URL');
    } finally {
      await s.stop();
    }
  });

  it('answers a clear page, not an error, while the provider cannot be reached', async () => {
    const rig = await startConsoleRig({ env: { BATON_OIDC_ISSUER: 'http://127.0.0.1:9/' } });
    try {
      const res = await fetch(`${rig.url}/console/dashboard`, { redirect: 'manual' });
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('Baton could not reach your identity provider');
    } finally {
      await rig.stop();
    }
  });
});
