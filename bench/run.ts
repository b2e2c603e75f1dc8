import { benchClicks } from './click-latency.ts';
import { benchConsole } from './console.ts';
import { benchDelivery } from './delivery.ts';
import { benchDigest } from './digest.ts';
import { benchIngest } from './ingest.ts';
import { benchSlackBurst } from './slack-burst-latency.ts';
import { benchSlackClicks } from './slack-click-latency.ts';
import { benchStartup } from './startup.ts';
import { benchSweep } from './sweep.ts';
import { benchTeamsInvokes } from './teams-invoke-latency.ts';
import { benchTriage } from './triage.ts';

/**
 * `npm run bench [-- [--quick] name …]`: prints figures, each beside its floor; asserts nothing.
 * --quick: CI-sized runs (fewer messages, rounds and repeats; seconds, not minutes), for
 * seeing that every benchmark still runs and roughly where it stands, not for quoting.
 */
const args = process.argv.slice(2).filter((a) => a !== '--');
const quick = args.includes('--quick');
const all: Record<string, () => Promise<void>> = {
  startup: () => benchStartup(quick ? 3 : 7),
  triage: () => benchTriage(quick ? 2_000 : 20_000),
  ingest: () => benchIngest(quick ? 100 : 400),
  clicks: benchClicks,
  delivery: benchDelivery,
  sweep: () => benchSweep(quick ? [1_000] : [1_000, 10_000, 100_000]),
  digest: benchDigest,
  console: () => benchConsole(quick),
  slack: () => benchSlackClicks(quick ? 10 : 30),
  burst: () => (quick ? benchSlackBurst(60, 5) : benchSlackBurst()),
  teams: () => benchTeamsInvokes(quick ? 5 : 20),
};
const chosen = args.filter((a) => a !== '--quick');
for (const name of chosen.length ? chosen : Object.keys(all)) {
  const fn = all[name];
  if (!fn) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
  await fn();
}
