import { z } from 'zod';
import '../config/zod-messages.ts';
import type { IncomingMessage } from '../app/ingest-message.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const id = text(200);

/** The generic portal message (DESIGN.md §4). Unknown fields are errors, so typos surface. */
export const genericMessageSchema = z.strictObject({
  source: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-", e.g. "portal"'),
  externalId: id,
  threadId: id.optional(),
  sentAt: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 date-time with a time zone, e.g. "2026-04-12T13:05:00Z"' }),
  patient: z.strictObject({
    id,
    name: text(200).optional(),
    mrn: text(64).optional(),
    pcp: text(64).optional(),
  }),
  subject: z.string().max(500, 'must be at most 500 characters').optional(),
  body: text(20_000),
  category: text(64).optional(),
  link: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL to the message in the EHR' }).optional(),
});

export const genericBatchSchema = z.array(genericMessageSchema).min(1, 'send at least one message').max(500, 'send at most 500 messages per request');

export function fromGeneric(m: z.output<typeof genericMessageSchema>): IncomingMessage {
  return { ...m, sentAt: new Date(m.sentAt) };
}
