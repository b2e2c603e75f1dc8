import { randomUUID } from 'node:crypto';
import { AdaptiveCardActionExecuteResponseType, Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityEventNames, ActivityTypes, CallerIdConstants, INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { Router } from 'express';
import type { ChatAdapter } from '../../src/app/chat-adapter.ts';
import type { ContextSource } from '../../src/app/context.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { invokeError, registerCardActions } from './card-actions.ts';
import { ConnectorGate } from './connector-gate.ts';
import { singleShotConnectors } from './connector-pipeline.ts';
import { registerConversationEvents } from './conversation-events.ts';
import { messagesRoute } from './messages-route.ts';
import { ConversationRefs } from './conversation-refs.ts';
import { TeamsChatAdapter } from './teams-chat-adapter.ts';

export interface TeamsAdapterOptions {
  /** The context as of now (the roster's channels and people, `physicianPool.teamsChannel`): read at each use, so a config reload reaches the adapter. */
  ctx: ContextSource;
  logger: Logger;
  /** Entra app (client) id of the bot registration. With it, every request must carry a valid Bot Framework JWT. */
  appId?: string | undefined;
  appPassword?: string | undefined;
  /** The bot's Entra tenant: required with `appId` (single-tenant bot); also ignores other tenants' activity. */
  tenantId?: string | undefined;
  /**
   * Must be true to run without `appId`: then nothing checks who calls `/api/messages`, and
   * anyone who can reach it can act as any roster member. For local testing only.
   */
  authDisabled?: boolean | undefined;
  /** Per-request timeout for Bot Connector calls. */
  connectorTimeoutMs?: number | undefined;
  /** Gives up on the in-turn card refresh after this (Teams wants invoke answers within ~5 s). */
  inTurnUpdateTimeoutMs?: number | undefined;
  /**
   * Where inbound tokens' signing keys are looked up (OpenID metadata). Default: the Bot
   * Framework's public cloud. Tests point it at a local address.
   */
  openIdMetadataUrl?: string | undefined;
}

export interface TeamsParts {
  adapter: ChatAdapter;
  /** Serves `POST /api/messages`; mount it through `createHttpApp({ extraRoutes })`. */
  router: Router;
}

/**
 * botbuilder's `ConfigurationBotFrameworkAuthentication` options. The bot is always single-tenant:
 * Azure no longer creates multi-tenant bot registrations (after 31 July 2025; see src/config/env.ts).
 * With `MicrosoftAppType: 'SingleTenant'` and `MicrosoftAppTenantId`, botbuilder's
 * `ConfigurationServiceClientCredentialFactory` asserts the tenant id and `MicrosoftAppCredentials`
 * get outbound tokens from `login.microsoftonline.com/<tenant>` (not the multi-tenant
 * `botframework.com` authority, which a single-tenant app cannot sign in to).
 */
export function botFrameworkAuth(o: Pick<TeamsAdapterOptions, 'appId' | 'appPassword' | 'tenantId' | 'authDisabled' | 'openIdMetadataUrl'>) {
  if (!o.appId) {
    if (!o.authDisabled) throw new Error('Teams: TEAMS_APP_ID is not set. Set it (with TEAMS_APP_PASSWORD), or turn authentication off explicitly for local testing.');
    return {};
  }
  if (!o.appPassword) throw new Error('Teams: TEAMS_APP_PASSWORD is required with TEAMS_APP_ID.');
  if (!o.tenantId) throw new Error('Teams: TEAMS_TENANT_ID is required with TEAMS_APP_ID: Azure creates only single-tenant bots since July 2025, and Baton signs in as one.');
  return {
    MicrosoftAppId: o.appId,
    MicrosoftAppPassword: o.appPassword,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: o.tenantId,
    // Any one of these makes botframework-connector take every endpoint from the config, so all
    // are given: the public cloud's, with only the key metadata moved.
    ...(o.openIdMetadataUrl
      ? {
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromChannelOpenIdMetadataUrl: o.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: o.openIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
        }
      : {}),
  };
}

/** Proactive turns (`continueConversationAsync`, `createConversationAsync`) report errors to their caller. */
const isProactive = (c: TurnContext) =>
  c.activity.type === ActivityTypes.Event &&
  (c.activity.name === ActivityEventNames.ContinueConversation || c.activity.name === ActivityEventNames.CreateConversation);

/**
 * The Teams adapter: teams-ai `Application` + `TeamsAdapter` (botbuilder CloudAdapter) behind
 * `POST /api/messages`, and the outbound `ChatAdapter` the outbox worker uses.
 */
export function createTeamsAdapter(o: TeamsAdapterOptions): TeamsParts {
  const cloud = new TeamsAdapter(botFrameworkAuth(o));
  singleShotConnectors(cloud, o.connectorTimeoutMs ?? 15_000);
  const gate = new ConnectorGate();
  const { store, clock } = o.ctx();
  const refs = new ConversationRefs(store, clock, () => o.ctx().roster, o.tenantId);
  const app = new Application<TurnState>({
    adapter: cloud,
    botAppId: o.appId ?? '',
    // The typing timer lives on the Application and is shared by concurrent turns (PLATFORMS.md §6.2).
    startTypingTimer: false,
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_ALL, actionSubmitFilter: 'verb' },
  });
  registerConversationEvents(app, { ctx: o.ctx, logger: o.logger, refs });
  registerCardActions(app, { ctx: o.ctx, logger: o.logger, gate, refs, inTurnUpdateTimeoutMs: o.inTurnUpdateTimeoutMs ?? 2_500 });

  cloud.onTurnError = async (context, error) => {
    if (isProactive(context)) throw error;
    const reference = randomUUID().slice(0, 8);
    o.logger.error({ platform: 'teams', reference, activity: { type: context.activity.type, name: context.activity.name }, err: error }, 'Teams turn failed');
    if (context.activity.type === ActivityTypes.Invoke && !context.turnState.get(INVOKE_RESPONSE_KEY)) {
      // Universal Actions' error response (botbuilder's `createAdaptiveCardInvokeErrorResponse`
      // shape): Teams keeps the card as it was and shows the message, instead of a 200 "success"
      // that would replace the card. No error text of ours: it may quote patient data.
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 500, body: invokeError(reference) } });
    }
  };

  if (!o.appId) {
    o.logger.warn(
      { platform: 'teams', auth: 'off' },
      'TEAMS AUTHENTICATION IS OFF: /api/messages accepts unsigned requests and anyone who can reach it can act as any roster member. Local testing only; set TEAMS_APP_ID and TEAMS_APP_PASSWORD for real use.',
    );
  }

  const router = messagesRoute({ cloud, logger: o.logger, logic: async (context) => void (await app.run(context)) });

  const adapter = new TeamsChatAdapter({ ctx: o.ctx, logger: o.logger, cloud, botAppId: o.appId ?? '', refs, gate });
  return { adapter, router };
}
