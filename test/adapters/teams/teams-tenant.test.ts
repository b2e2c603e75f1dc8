import { Writable } from 'node:stream';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AuthenticationConstants } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { botFrameworkAuth, createTeamsAdapter } from '../../../adapters/teams/create-teams-adapter.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { memoryContext } from '../../support/context.ts';
import { TENANT } from './harness.ts';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const quiet = () => createLogger({ level: 'silent', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });

describe('Teams: single-tenant bot registration', () => {
  it('refuses to start with TEAMS_APP_ID but no TEAMS_TENANT_ID, naming the variable and why', () => {
    const r = parseEnv({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'secret' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^TEAMS_TENANT_ID: required with TEAMS_APP_ID\. Azure creates only single-tenant bots since July 2025/);
    expect(r.problems[0]).toContain('Directory (tenant) ID');
  });

  it('treats an empty TEAMS_TENANT_ID as unset', () => {
    const r = parseEnv({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'secret', TEAMS_TENANT_ID: '' });
    expect(r.ok).toBe(false);
  });

  it('starts with the app id, password and tenant id', () => {
    const r = parseEnv({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'secret', TEAMS_TENANT_ID: TENANT });
    expect(r).toMatchObject({ ok: true, env: { TEAMS_APP_ID: APP_ID, TEAMS_TENANT_ID: TENANT } });
  });

  it('needs no tenant without Teams, or with Teams authentication off on loopback', () => {
    expect(parseEnv({}).ok).toBe(true);
    expect(parseEnv({ TEAMS_AUTH: 'off' }).ok).toBe(true);
  });

  it('the adapter itself refuses an app id without a tenant id', () => {
    const { ctx } = memoryContext(['teams']);
    expect(() => createTeamsAdapter({ ctx: () => ctx, logger: quiet(), appId: APP_ID, appPassword: 'secret' })).toThrow(/TEAMS_TENANT_ID is required with TEAMS_APP_ID/);
  });

  it('configures botbuilder as a single-tenant bot: outbound tokens come from the tenant, not botframework.com', async () => {
    const config = botFrameworkAuth({ appId: APP_ID, appPassword: 'secret', tenantId: TENANT });
    expect(config).toMatchObject({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT });
    // The credentials botbuilder's ConfigurationServiceClientCredentialFactory builds from that config
    // for the Bot Connector (public cloud) — the ones every proactive post signs its token request with.
    const cloud = new TeamsAdapter(config);
    const creds = (await cloud.credentialsFactory.createCredentials(APP_ID, AuthenticationConstants.ToChannelFromBotOAuthScope, AuthenticationConstants.ToChannelFromBotLoginUrl, true)) as unknown as { oAuthEndpoint: string; tenant: string };
    expect(creds.tenant).toBe(TENANT);
    expect(creds.oAuthEndpoint).toBe(`https://login.microsoftonline.com/${TENANT}`);
  });
});
