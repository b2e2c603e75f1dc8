import { DateTime } from 'luxon';

/**
 * A time as Teams cards show it: in the organisation's zone (`organization.timezone`, the zone its
 * business hours and SLA targets are counted in), with the zone named: "Tue 3 Mar, 14:30 EST".
 * A channel card is one message for everyone, so it reads the same to every reader; Slack, by
 * contrast, shows each reader their own zone with `<!date^…>`. en-US names the US zones ("EST",
 * "CDT"); other zones show their offset ("GMT+2"). Never a raw ISO string.
 */
export function orgTime(at: Date | string, zone: string): string {
  const d = DateTime.fromJSDate(typeof at === 'string' ? new Date(at) : at, { zone }).setLocale('en-US');
  return d.isValid ? d.toFormat('ccc d LLL, HH:mm ZZZZ') : '—';
}
