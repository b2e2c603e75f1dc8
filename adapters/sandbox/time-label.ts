import { DateTime } from 'luxon';
import { localTimeLabel } from '../../src/domain/business-time.ts';

/** When the page's times are read, and in which zone: times of other days carry their date. */
export interface LineClock {
  now: Date;
  /** The organisation's IANA zone (`organization.timezone`). */
  zone: string;
}

/** A time on the page: the short text shown, and the full instant with its zone for the tooltip. */
export interface TimeLabel {
  at: string;
  label: string;
  title: string;
}

/**
 * A time as the page shows it, in the organisation's zone (the zone its business hours, SLA
 * targets and thread lines use): "14:05" today, "Mon 30 Nov, 14:05" on another day this year,
 * "30 Nov 2025, 14:05" before that. A bare clock time for yesterday's event reads as today's.
 */
export function timeLabel(at: Date, now: Date, zone: string): TimeLabel {
  const d = DateTime.fromJSDate(at, { zone }).setLocale('en-US');
  const today = DateTime.fromJSDate(now, { zone });
  const label = !d.isValid ? '—'
    : d.hasSame(today, 'day') ? d.toFormat('HH:mm')
    : d.hasSame(today, 'year') ? d.toFormat('ccc d LLL, HH:mm')
    : d.toFormat('d LLL yyyy, HH:mm');
  return { at: at.toISOString(), label, title: localTimeLabel(at, zone) };
}
