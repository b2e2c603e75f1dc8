import { DateTime } from 'luxon';

/** Minutes as people read a wait: "42 min", "3.5 h", "2.1 days"; a dash when there is none. */
export function waitLabel(m: number | null): string {
  if (m === null) return '—';
  if (m < 60) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} days`;
}

export const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

/** "Tue 1 Dec 2026" for a local date. */
export const dayLabel = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).toFormat('ccc d LLL yyyy');

/** "1 Dec" for a chart's axis. */
export const shortDay = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).toFormat('d LLL');

/** An instant in the organisation's zone: "Tue 1 Dec 2026, 09:05 CST". */
export const timeLabel = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
