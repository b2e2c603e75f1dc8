import { describe, expect, it } from 'vitest';
import { consoleSettings, parseEnv } from '../../src/config/env.ts';

const OIDC = {
  BATON_OIDC_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  BATON_OIDC_CLIENT_ID: 'baton',
  BATON_OIDC_CLIENT_SECRET: 'a-secret',
  BATON_PUBLIC_URL: 'https://baton.riverside.example',
};
const PUBLIC_HOST = { HOST: '0.0.0.0', INGEST_SECRET: 'a-secret-of-sixteen-characters' };
const problems = (env: Record<string, string>) => {
  const r = parseEnv(env);
  return r.ok ? [] : r.problems;
};

describe('console environment', () => {
  it('is off unless an identity provider is configured or BATON_CONSOLE=on, so existing sites start as before', () => {
    const r = parseEnv(PUBLIC_HOST);
    expect(r.ok && consoleSettings(r.env)).toEqual({ enabled: false, missing: [] });
    const on = parseEnv({ ...PUBLIC_HOST, ...OIDC });
    expect(on.ok && consoleSettings(on.env)).toEqual({ enabled: true, missing: [] });
    const off = parseEnv({ ...PUBLIC_HOST, ...OIDC, BATON_CONSOLE: 'off' });
    expect(off.ok && consoleSettings(off.env).enabled).toBe(false);
  });

  it('refuses to start on a non-loopback HOST with the console on and no identity provider, naming every missing variable', () => {
    expect(problems({ ...PUBLIC_HOST, BATON_CONSOLE: 'on' })).toEqual([
      'console: missing BATON_OIDC_ISSUER, BATON_OIDC_CLIENT_ID, BATON_OIDC_CLIENT_SECRET, BATON_PUBLIC_URL (HOST is 0.0.0.0 (not loopback), and the console signs people in with your identity provider; see the README, "Console"), or set BATON_CONSOLE=off',
    ]);
    expect(problems({ ...PUBLIC_HOST, BATON_OIDC_ISSUER: OIDC.BATON_OIDC_ISSUER })[0]).toContain('missing BATON_OIDC_CLIENT_ID, BATON_OIDC_CLIENT_SECRET, BATON_PUBLIC_URL');
  });

  it('on loopback, starts with the console on and nothing configured (its pages say what to set), but not half-configured', () => {
    const r = parseEnv({ BATON_CONSOLE: 'on' });
    expect(r.ok && consoleSettings(r.env)).toEqual({ enabled: true, missing: ['BATON_OIDC_ISSUER', 'BATON_OIDC_CLIENT_ID', 'BATON_OIDC_CLIENT_SECRET', 'BATON_PUBLIC_URL'] });
    expect(problems({ BATON_OIDC_CLIENT_ID: 'baton' })[0]).toContain('console: missing BATON_OIDC_ISSUER, BATON_OIDC_CLIENT_SECRET, BATON_PUBLIC_URL');
  });

  it('wants https for the public URL and the issuer, except on this machine, and a public URL without a path', () => {
    expect(problems({ ...PUBLIC_HOST, ...OIDC, BATON_PUBLIC_URL: 'http://baton.riverside.example' })).toEqual([expect.stringContaining('BATON_PUBLIC_URL: must be https://')]);
    expect(problems({ ...PUBLIC_HOST, ...OIDC, BATON_OIDC_ISSUER: 'http://idp.riverside.example' })).toEqual([expect.stringContaining('BATON_OIDC_ISSUER: must be https://')]);
    expect(problems({ ...PUBLIC_HOST, ...OIDC, BATON_PUBLIC_URL: 'https://riverside.example/baton' })).toEqual([expect.stringContaining('without a path')]);
    expect(problems({ ...OIDC, BATON_PUBLIC_URL: 'http://127.0.0.1:3000', BATON_OIDC_ISSUER: 'http://127.0.0.1:9000' })).toEqual([]);
    expect(problems({ BATON_PUBLIC_URL: 'not a url' })).toEqual([expect.stringContaining('BATON_PUBLIC_URL: expected an http(s) URL')]);
  });

  it('takes the idle timeout in whole minutes from 1 to 60 (15 by default) and the email claim (email by default)', () => {
    const r = parseEnv({});
    expect(r.ok && [r.env.BATON_CONSOLE_IDLE_MINUTES, r.env.BATON_OIDC_EMAIL_CLAIM]).toEqual([15, 'email']);
    const s = parseEnv({ BATON_CONSOLE_IDLE_MINUTES: '5', BATON_OIDC_EMAIL_CLAIM: 'preferred_username' });
    expect(s.ok && [s.env.BATON_CONSOLE_IDLE_MINUTES, s.env.BATON_OIDC_EMAIL_CLAIM]).toEqual([5, 'preferred_username']);
    expect(problems({ BATON_CONSOLE_IDLE_MINUTES: '90' })).toEqual(['BATON_CONSOLE_IDLE_MINUTES: must be a whole number of minutes, 1–60 (got "90")']);
  });
});
