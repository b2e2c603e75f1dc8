import { z } from 'zod';
import '../config/zod-messages.ts';
import type { IncomingMessage } from '../app/ingest-message.ts';
import { boundedDateTime, LIMITS, maxChars } from './limits.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, maxChars(max));
const id = text(LIMITS.id);

/** The generic portal message (DESIGN.md §4). Unknown fields are errors, so typos surface. */
export const genericMessageSchema = z.strictObject({
  source: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-", e.g. "portal"'),
  externalId: id,
  threadId: id.optional(),
  sentAt: boundedDateTime('expected an ISO-8601 date-time with a time zone, e.g. "2026-04-12T13:05:00Z"'),
  patient: z.strictObject({
    id,
    name: text(LIMITS.name).optional(),
    mrn: text(LIMITS.mrn).optional(),
    pcp: text(LIMITS.staffKey).optional(),
  }),
  subject: z.string().max(LIMITS.subject, maxChars(LIMITS.subject)).optional(),
  body: text(LIMITS.body),
  category: text(LIMITS.category).optional(),
  link: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL to the message in the EHR' }).max(LIMITS.link, maxChars(LIMITS.link)).optional(),
});

export const genericBatchSchema = z
  .array(genericMessageSchema)
  .min(1, 'send at least one message')
  .max(LIMITS.batch, `send at most ${LIMITS.batch} messages per request`);

export function fromGeneric(m: z.output<typeof genericMessageSchema>): IncomingMessage {
  return { ...m, sentAt: new Date(m.sentAt) };
}
