import type { AppContext } from '../app/context.ts';
import type { BatonConfig } from './load.ts';

/** The part of the use cases' context that comes from the config files: built anew on every reload. */
export type ConfigSettings = Pick<AppContext, 'roster' | 'triageRules' | 'routing' | 'sla' | 'card' | 'pool' | 'digest'>;

export function appSettings(c: BatonConfig): ConfigSettings {
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
    },
  };
}
