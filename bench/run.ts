import { benchClicks } from './click-latency.ts';
import { benchDelivery } from './delivery.ts';
import { benchDigest } from './digest.ts';
import { benchIngest } from './ingest.ts';
import { benchSlackBurst } from './slack-burst-latency.ts';
import { benchSlackClicks } from './slack-click-latency.ts';
import { benchSweep } from './sweep.ts';
import { benchTeamsInvokes } from './teams-invoke-latency.ts';
import { benchTriage } from './triage.ts';

/** `npm run bench [-- name …]`: prints figures; asserts nothing. */
const all: Record<string, () => Promise<void>> = { triage: benchTriage, ingest: benchIngest, clicks: benchClicks, delivery: benchDelivery, sweep: benchSweep, digest: benchDigest, slack: () => benchSlackClicks(), burst: () => benchSlackBurst(), teams: () => benchTeamsInvokes(20) };
const chosen = process.argv.slice(2).filter((a) => a !== '--');
for (const name of chosen.length ? chosen : Object.keys(all)) {
  const fn = all[name];
  if (!fn) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
  await fn();
}
