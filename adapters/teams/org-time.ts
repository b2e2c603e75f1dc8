import { localTimeLabel } from '../../src/domain/business-time.ts';

/**
 * A time as Teams cards show it: in the organisation's zone (`organization.timezone`, the zone its
 * business hours and SLA targets are counted in), with the zone named: "Tue 3 Mar, 14:30 EST".
 * A channel card is one message for everyone, so it reads the same to every reader; Slack, by
 * contrast, shows each reader their own zone with `<!date^…>`. Never a raw ISO string.
 */
export function orgTime(at: Date | string, zone: string): string {
  return localTimeLabel(typeof at === 'string' ? new Date(at) : at, zone);
}
