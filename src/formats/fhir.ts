import { z } from 'zod';
import '../config/zod-messages.ts';
import type { IncomingMessage } from '../app/ingest-message.ts';
import { boundedDateTime, LIMITS, maxChars, maxItems } from './limits.ts';

const str = (max: number) => z.string().max(max, maxChars(max));
const list = <T extends z.ZodType>(item: T, max: number = LIMITS.list) => z.array(item).max(max, maxItems(max));

/** FHIR R4 Identifier: only `system` and `value` are read. */
const identifierSchema = z.object({ system: str(LIMITS.id).optional(), value: str(LIMITS.id).optional() }).loose();

/**
 * FHIR R4 Reference: `reference`, `identifier`, `display`, or any mix of them (all optional in
 * the specification). Which ones a use needs is checked where it is used.
 */
const referenceSchema = z
  .object({ reference: str(LIMITS.id).min(1, 'must not be empty').optional(), identifier: identifierSchema.optional(), display: str(LIMITS.display).optional() })
  .loose();
type Reference = z.output<typeof referenceSchema>;

/** `[base/]Type/id` with a FHIR id (R4 §2.24.0.1: 1–64 of A–Z a–z 0–9 - .). */
const literalRef = (type: string) => new RegExp(`^(.*/)?${type}/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?$`);
/** `Type/id`, `base/Type/id` or `Type/id/_history/v` → id. */
const idOf = (ref: string) => {
  const plain = ref.replace(/\/_history\/[^/]*$/, '');
  return plain.slice(plain.lastIndexOf('/') + 1);
};
const identifierKey = (i: { system?: string | undefined; value?: string | undefined } | undefined) =>
  i?.value ? (i.system ? `${i.system}|${i.value}` : i.value) : undefined;

/** A Reference to a resource of `type`: its literal `reference` must name that type; an identifier alone also does. */
const typedRef = (type: string, needed: string) =>
  referenceSchema.superRefine((r, ctx) => {
    if (r.reference !== undefined) {
      if (!literalRef(type).test(r.reference)) ctx.addIssue({ code: 'custom', path: ['reference'], message: `expected a reference like "${type}/123"` });
    } else if (!r.identifier?.value && needed) {
      ctx.addIssue({ code: 'custom', path: [], message: needed });
    }
  });

const EVENT_STATUS = ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error', 'unknown'] as const;

/**
 * A FHIR R4 Communication as a patient-portal message (DOMAIN.md §3.1). Only the elements Baton
 * uses are checked; other valid FHIR elements are allowed through, as FHIR servers send them.
 */
export const communicationSchema = z
  .object({
    resourceType: z.literal('Communication', { message: 'expected resourceType "Communication"' }),
    id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'not a valid FHIR id').optional(),
    identifier: list(identifierSchema.extend({ value: str(LIMITS.id).min(1, 'must not be empty') })).min(1, 'needs the portal message id as an identifier'),
    status: z.enum(EVENT_STATUS, { message: `expected one of ${EVENT_STATUS.join(', ')}` }),
    subject: typedRef('Patient', 'needs a reference ("Patient/123") or an identifier with a value: who the patient is'),
    sent: boundedDateTime('expected a FHIR dateTime with a time zone').optional(),
    received: boundedDateTime('expected a FHIR dateTime with a time zone').optional(),
    topic: z.object({ text: str(LIMITS.subject).optional() }).loose().optional(),
    category: list(z.object({ coding: list(z.object({ code: str(LIMITS.code).optional() }).loose()).optional(), text: str(LIMITS.display).optional() }).loose()).optional(),
    payload: list(z.object({ contentString: str(LIMITS.body).optional() }).loose(), LIMITS.payloads).optional(),
    partOf: list(referenceSchema).optional(),
    inResponseTo: list(typedRef('Communication', '')).optional(),
    priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
  })
  .loose();

export type Communication = z.output<typeof communicationSchema>;

/** A thread header (Medplum's model: no payload, no partOf) carries no message to work on. */
export const isThreadHeader = (c: Communication) => !c.payload?.some((p) => p.contentString?.trim()) && !c.partOf?.length;

/**
 * The thread a Reference names, by what it carries: the id of its literal `reference`, else its
 * identifier (`system|value`). A Reference with only a `display` names no thread: text is not an
 * identity, and joining on it could put one patient's message on another's item.
 */
function threadOf(r: Reference | undefined): string | undefined {
  if (!r) return undefined;
  if (r.reference) return idOf(r.reference);
  return identifierKey(r.identifier);
}

/** Maps a Communication onto the generic message; returns a problem list when it is not a usable portal message. */
export function fromCommunication(c: Communication, now: Date): { ok: true; message: IncomingMessage } | { ok: false; problems: Array<{ path: string; message: string }> } {
  const body = (c.payload ?? []).map((p) => p.contentString?.trim()).filter(Boolean).join('\n\n');
  if (!body) return { ok: false, problems: [{ path: 'payload', message: 'needs at least one payload.contentString with the message text' }] };
  if (body.length > LIMITS.body) return { ok: false, problems: [{ path: 'payload', message: `the contentStrings together ${maxChars(LIMITS.body)}` }] };
  const ident = c.identifier[0]!;
  const partOf = c.partOf?.map(threadOf).find(Boolean);
  const answers = c.inResponseTo?.find((r) => r.reference || r.identifier?.value);
  const patientName = c.subject.display?.trim();
  if (patientName && patientName.length > LIMITS.name) return { ok: false, problems: [{ path: 'subject.display', message: maxChars(LIMITS.name) }] };
  return {
    ok: true,
    message: {
      source: 'fhir',
      externalId: identifierKey(ident)!,
      resourceId: c.id,
      threadId: partOf,
      inResponseTo: answers?.reference ? idOf(answers.reference) : undefined,
      inResponseToMessage: answers && !answers.reference ? identifierKey(answers.identifier) : undefined,
      // The SLA clock starts when the patient sent it, or at ingestion when the EHR does not say.
      sentAt: new Date(c.sent ?? c.received ?? now.toISOString()),
      patient: { id: c.subject.reference ? idOf(c.subject.reference) : c.subject.identifier!.value!, name: patientName || undefined },
      subject: c.topic?.text,
      body,
      category: c.category?.[0]?.coding?.[0]?.code,
    },
  };
}

export const bundleSchema = z
  .object({
    resourceType: z.literal('Bundle', { message: 'expected resourceType "Bundle"' }),
    type: z.string().max(64).optional(),
    entry: z
      .array(z.object({ resource: communicationSchema }).loose())
      .min(1, 'needs at least one entry')
      .max(LIMITS.batch, `at most ${LIMITS.batch} entries per Bundle`),
  })
  .loose();
