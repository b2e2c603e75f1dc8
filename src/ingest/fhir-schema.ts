import { z } from 'zod';
import '../config/zod-messages.ts';
import type { IncomingMessage } from '../app/ingest-message.ts';

/** `Type/id` → id, for references of the expected type (FHIR R4 Reference.reference). */
const refTo = (type: string) =>
  z.object({ reference: z.string().regex(new RegExp(`^(.*/)?${type}/[A-Za-z0-9\\-.]{1,64}$`), `expected a reference like "${type}/123"`), display: z.string().optional() }).loose();
const idOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

const EVENT_STATUS = ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error', 'unknown'] as const;

/**
 * A FHIR R4 Communication as a patient-portal message (DOMAIN.md §3.1). Only the elements Baton
 * uses are checked; other valid FHIR elements are allowed through, as FHIR servers send them.
 */
export const communicationSchema = z
  .object({
    resourceType: z.literal('Communication', { message: 'expected resourceType "Communication"' }),
    id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'not a valid FHIR id').optional(),
    identifier: z.array(z.object({ system: z.string().optional(), value: z.string().min(1).max(200) }).loose()).min(1, 'needs the portal message id as an identifier'),
    status: z.enum(EVENT_STATUS, { message: `expected one of ${EVENT_STATUS.join(', ')}` }),
    subject: refTo('Patient'),
    sent: z.iso.datetime({ offset: true, message: 'expected a FHIR dateTime with a time zone' }).optional(),
    received: z.iso.datetime({ offset: true }).optional(),
    topic: z.object({ text: z.string().max(500).optional() }).loose().optional(),
    category: z.array(z.object({ coding: z.array(z.object({ code: z.string().optional() }).loose()).optional() }).loose()).optional(),
    payload: z.array(z.object({ contentString: z.string().max(20_000).optional() }).loose()).optional(),
    partOf: z.array(z.object({ reference: z.string() }).loose()).optional(),
    inResponseTo: z.array(refTo('Communication')).optional(),
    priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
  })
  .loose();

export type Communication = z.output<typeof communicationSchema>;

/** A thread header (Medplum's model: no payload, no partOf) carries no message to work on. */
export const isThreadHeader = (c: Communication) => !c.payload?.some((p) => p.contentString?.trim()) && !c.partOf?.length;

/** Maps a Communication onto the generic message; returns a problem list when it is not a usable portal message. */
export function fromCommunication(c: Communication, now: Date): { ok: true; message: IncomingMessage } | { ok: false; problems: Array<{ path: string; message: string }> } {
  const body = (c.payload ?? []).map((p) => p.contentString?.trim()).filter(Boolean).join('\n\n');
  if (!body) return { ok: false, problems: [{ path: 'payload', message: 'needs at least one payload.contentString with the message text' }] };
  const ident = c.identifier[0]!;
  return {
    ok: true,
    message: {
      source: 'fhir',
      externalId: ident.system ? `${ident.system}|${ident.value}` : ident.value,
      resourceId: c.id,
      threadId: c.partOf?.[0] ? idOf(c.partOf[0].reference) : undefined,
      inResponseTo: c.inResponseTo?.[0] ? idOf(c.inResponseTo[0].reference) : undefined,
      // The SLA clock starts when the patient sent it, or at ingestion when the EHR does not say.
      sentAt: new Date(c.sent ?? c.received ?? now.toISOString()),
      patient: { id: idOf(c.subject.reference), name: c.subject.display },
      subject: c.topic?.text,
      body,
      category: c.category?.[0]?.coding?.[0]?.code,
    },
  };
}

export const bundleSchema = z
  .object({
    resourceType: z.literal('Bundle', { message: 'expected resourceType "Bundle"' }),
    type: z.string().optional(),
    entry: z.array(z.object({ resource: communicationSchema }).loose()).min(1, 'needs at least one entry').max(500),
  })
  .loose();
