import { z } from 'zod';

/**
 * What one ingestion request may hold (README "HTTP API", Limits). Every string and every array
 * of the generic and FHIR formats is bounded, so no value can overflow a unique index (PostgreSQL
 * btree entries are limited to about 2.7 kB) or make one request cost without bound.
 */
export const LIMITS = {
  /** externalId, threadId, patient.id, FHIR identifier system/value, Reference.reference */
  id: 256,
  name: 200,
  mrn: 64,
  staffKey: 64,
  category: 64,
  subject: 500,
  body: 20_000,
  link: 2_048,
  /** FHIR Reference.display (other than the patient's name), Coding.code */
  display: 1_000,
  code: 256,
  /** messages per generic array, entries per FHIR Bundle */
  batch: 500,
  /** identifiers, categories, codings, partOf, inResponseTo of one Communication */
  list: 20,
  payloads: 50,
  /** earliest and latest instant a message may carry (UTC years; PostgreSQL and JavaScript agree well inside them) */
  minYear: 1900,
  maxYear: 2200,
} as const;

const EARLIEST = Date.UTC(LIMITS.minYear, 0, 1);
const LATEST = Date.UTC(LIMITS.maxYear + 1, 0, 1) - 1;

/** An ISO-8601 date-time with a zone whose instant lies within LIMITS.minYear–maxYear (UTC). */
export const boundedDateTime = (message: string) =>
  z.iso.datetime({ offset: true, message }).refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && t >= EARLIEST && t <= LATEST;
  }, `must be between ${LIMITS.minYear} and ${LIMITS.maxYear}`);

export const maxChars = (max: number) => `must be at most ${max.toLocaleString('en-US')} characters`;
export const maxItems = (max: number) => `at most ${max} allowed`;
