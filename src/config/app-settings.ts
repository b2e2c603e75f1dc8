import type { AppContext } from '../app/context.ts';
import { consoleSettings, type Env } from './env.ts';
import type { BatonConfig } from './load.ts';

/** The part of the use cases' context that comes from the config files: built anew on every reload. */
export type ConfigSettings = Pick<AppContext, 'roster' | 'triageRules' | 'routing' | 'sla' | 'card' | 'pool' | 'digest'>;

/** `env`: for what the config's settings link to (the console's URL in digests). */
export function appSettings(c: BatonConfig, env?: Env): ConfigSettings {
  return {
    roster: c.roster,
    triageRules: c.triageRules,
    routing: c.routing,
    sla: { policies: c.sla, calendar: c.calendar },
    card: c.raw.card,
    pool: c.raw.physicianPool,
    digest: {
      organization: c.raw.organization.name,
      timezone: c.raw.organization.timezone,
      physicianMinutesPerMessage: c.raw.digest.physicianMinutesPerMessage,
      catchUpMinutes: c.raw.digest.catchUpWithin,
      // Digests link to the console's dashboard when there is one to open.
      consoleUrl: env && consoleSettings(env).enabled ? env.BATON_PUBLIC_URL : undefined,
    },
  };
}
