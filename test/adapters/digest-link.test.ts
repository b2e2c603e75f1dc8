import { describe, expect, it } from 'vitest';
import { digestMessage } from '../../adapters/slack/digest-blocks.ts';
import { renderDigestCard } from '../../adapters/teams/digest-card.ts';
import { dashboardLink, sendDigests } from '../../src/app/digest.ts';
import { ingestMessage } from '../../src/app/ingest-message.ts';
import type { DigestModel } from '../../src/domain/digest.ts';
import { memoryContext, portalMessage } from '../support/context.ts';
import { expectValidCard } from './teams/harness.ts';

const settings = { organization: 'Riverside Family Medicine', timezone: 'America/Chicago', physicianMinutesPerMessage: 2.3 };

describe('digests link to the console’s dashboard', () => {
  it('carries a link to the dashboard for the manager’s local day when the console has a public URL, with only a date in it', async () => {
    const { ctx, store } = memoryContext(['slack', 'teams']);
    await ingestMessage(ctx, portalMessage({ externalId: 'link-1' }));
    // 05:30 UTC on 2 Dec is still 1 Dec in Chicago: the manager's day is what the link names.
    await sendDigests(ctx, { ...settings, consoleUrl: 'https://baton.riverside.example/' }, new Date('2026-12-02T05:30:00Z'), { all: true });
    const rows = store.outbox.filter((o) => o.kind === 'digest');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect((r.payload.digest as DigestModel).dashboardUrl).toBe('https://baton.riverside.example/console/dashboard?to=2026-12-01');
    expect(dashboardLink('https://b.example', '2026-12-01')).toBe('https://b.example/console/dashboard?to=2026-12-01');
  });

  it('has no link without one', async () => {
    const { ctx, store } = memoryContext(['slack']);
    await sendDigests(ctx, settings, new Date('2026-12-01T14:00:00Z'), { all: true });
    expect((store.outbox[0]!.payload.digest as DigestModel).dashboardUrl).toBeUndefined();
  });

  const digest = (dashboardUrl?: string): DigestModel => ({
    at: '2026-12-01T13:30:00.000Z', organization: 'Riverside Family Medicine', backlog: [{ queue: 'nursing', queueName: 'Nursing', bands: [1, 0, 0, 0], total: 1 }], bandLabels: ['< 4h', '4–24h', '1–3d', '> 3d'], pastSla: 0,
    timeToClaim: { last24h: { count: 0, medianMinutes: null, p90Minutes: null }, last7d: { count: 0, medianMinutes: null, p90Minutes: null } },
    timeToResolve: { last24h: { count: 0, medianMinutes: null, p90Minutes: null }, last7d: { count: 0, medianMinutes: null, p90Minutes: null } },
    resolvedPerPerson: [], escalation: { items: 0, escalated: 0, rate: null }, oldest: [], physicianMinutesSaved: 0, workload: [], ...(dashboardUrl ? { dashboardUrl } : {}),
  });

  it('is a link button in Slack and an Action.OpenUrl in Teams', () => {
    const url = 'https://baton.riverside.example/console/dashboard?to=2026-12-01';
    const slack = digestMessage(digest(url));
    expect(slack.blocks.at(-1)).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the dashboard' }, url, action_id: 'digest.dashboard' }] });
    expect(JSON.stringify(digestMessage(digest()).blocks)).not.toContain('Open the dashboard');
    const card = renderDigestCard(digest(url), 'Morgan Lee', 'America/Chicago');
    expectValidCard(card);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the dashboard', url }]);
    expect(renderDigestCard(digest(), 'Morgan Lee', 'America/Chicago').actions).toBeUndefined();
  });
});
