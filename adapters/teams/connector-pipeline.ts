import type { BotFrameworkAuthentication, ConnectorFactory, TeamsAdapter } from '@microsoft/teams-ai/node_modules/botbuilder' with { 'resolution-mode': 'import' };
