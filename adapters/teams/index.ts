/** Microsoft Teams (teams-ai 1.7 / botbuilder 4.23): the only folder that imports those SDKs. */
export { createTeamsAdapter, type TeamsAdapterOptions, type TeamsParts } from './create-teams-adapter.ts';
export { renderCard, CARD_BYTE_LIMIT, type AdaptiveCardJson } from './adaptive-card.ts';
