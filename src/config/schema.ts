import { validate as isCron } from 'node-cron';
import { z } from 'zod';
import './zod-messages.ts';
import { CATEGORIES, PRIORITIES } from '../domain/types.ts';
import { durationSchema, hasOpenPeriod, timezoneSchema, weeklyHoursSchema } from './calendar-schema.ts';
import { onCallSchema } from './on-call-schema.ts';

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "front-desk"');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time like "08:30"');

export const staffSchema = z.strictObject({
  key,
  name: z.string().min(1),
  roles: z.array(z.string().min(1)).default([]),
  physician: z.boolean().default(false),
  lead: z.boolean().default(false),
  manager: z.boolean().default(false),
  slackUserId: z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id looks like "U012ABCDEF"').optional(),
  teamsAadId: z.uuid('a Teams AAD object id is a GUID').optional(),
  /** Their sign-in address at the clinic's identity provider: how the console knows them (matched without regard to case). */
  email: z.email('expected an email address like "morgan.lee@clinic.example"').optional(),
  /** Their digest's local time is read in this zone (else the organisation's). */
  timezone: timezoneSchema.optional(),
  active: z.boolean().default(true),
  digest: z
    .strictObject({ at: hhmm.default('07:30'), days: z.array(weekday).default(['mon', 'tue', 'wed', 'thu', 'fri']) })
    .optional(),
  /**
   * Their own weekly hours, read in their `timezone` (else the organisation's), in the shape of
   * `businessHours.weekly`. Without it they are on shift during business hours. The
   * organisation's holidays apply either way (the clinic is closed).
   */
  hours: weeklyHoursSchema
    .refine(hasOpenPeriod, 'hours need at least one period in the week; leave hours out to follow the business hours')
    .optional(),
  /** Who takes their work while they are away (a physician's covering physician); an away period's own cover wins. */
  coveredBy: key.optional(),
});

/**
 * How a queue's new work finds an owner. `manual` (the default): cards wait in the channel for a
 * Claim. `round-robin` / `least-loaded`: Baton claims each unclaimed item for an available member
 * under `maxOpen`; red flags are offered to the channel first and assigned only if nobody claimed
 * them within `redFlagAssignAfter`.
 */
export const assignmentSchema = z.strictObject({
  policy: z.enum(['manual', 'round-robin', 'least-loaded']).default('manual'),
  /** Auto-assignment gives nobody more than this many open items (claimed + snoozed, in any queue). */
  maxOpen: z.number().int().min(1, 'maxOpen is at least 1').max(1000).default(10),
  redFlagAssignAfter: durationSchema.default(5),
});

export const queueSchema = z.strictObject({
  key,
  name: z.string().min(1),
  slackChannel: z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id looks like "C012ABCDEF"').optional(),
  teamsChannel: z.string().min(1).optional(),
  /** Who is paged for this queue in Slack: a user group id (`S…`), mentioned as `<!subteam^S…>`; without it, the lead. */
  slackUserGroup: z.string().regex(/^S[A-Z0-9]+$/, 'a Slack user group id looks like "S012ABCDEF" (not its @handle)').optional(),
  /** Who is paged for this queue in Teams: a team tag (id and display name, from Graph `teams/{id}/tags`); without it, the lead. */
  teamsTag: z.strictObject({ id: z.string().min(1), name: z.string().min(1).max(100) }).optional(),
  lead: key.optional(),
  members: z.array(key).min(1, 'a queue needs at least one member'),
  assignment: assignmentSchema.optional(),
});

const reminderSchema = z.strictObject({
  /** Minutes after the deadline (0 = at the deadline). */
  after: durationSchema,
  notify: z.enum(['channel', 'owner-or-lead', 'manager']),
  /** Repeat this level until claimed (red flags re-ping every few minutes). */
  repeatEvery: durationSchema.optional(),
});

export const slaPolicySchema = z.strictObject({
  queue: z.union([key, z.literal('*')]).default('*'),
  priority: z.union([z.enum(PRIORITIES), z.literal('*')]).default('*'),
  claimWithin: durationSchema,
  resolveWithin: durationSchema,
  nextResponseWithin: durationSchema.optional(),
  reminders: z.array(reminderSchema).default([]),
});

export const configSchema = z.strictObject({
  organization: z.strictObject({
    name: z.string().min(1),
    timezone: timezoneSchema,
  }),
  businessHours: z.strictObject({
    weekly: z.partialRecord(weekday, z.array(z.tuple([hhmm, hhmm]))),
    holidays: z.array(z.iso.date()).default([]),
  }),
  staff: z.array(staffSchema).min(1),
  queues: z.array(queueSchema).min(1),
  physicianPool: z
    .strictObject({
      name: z.string().default('Physician escalations'),
      slackChannel: z.string().optional(),
      teamsChannel: z.string().optional(),
      /** Who takes pool escalations first (on-call-schema.ts); without it the whole pool gets them at once. */
      onCall: onCallSchema.optional(),
      /** How long an escalation offered to the on-call physician waits, unclaimed, before the whole pool gets it (wall-clock time). */
      onCallFallbackAfter: durationSchema.refine((m) => m > 0, 'must be at least 1 minute').default(30),
    })
    .default({ name: 'Physician escalations', onCallFallbackAfter: 30 }),
  routing: z.strictObject({
    /** Category → queue key. Categories left out go to `defaultQueue`. */
    categories: z.partialRecord(z.enum(CATEGORIES), key).default({}),
    defaultQueue: key,
    /** Queue for red-flag messages (the clinical / triage-RN queue). */
    redFlagQueue: key,
  }),
  /** Triage rules file (YAML), relative to this config file; the shipped defaults when unset. */
  /** A rules file or folder, or a list merged in order; `default` is the shipped rules. */
  triageRules: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  sla: z.array(slaPolicySchema).min(1),
  card: z
    .strictObject({
      patientToken: z.enum(['initials-mrn4', 'mrn4', 'none']).default('initials-mrn4'),
      /** Message text on the channel card. `none` is the HIPAA minimum-necessary default (DESIGN.md §6). */
      messageText: z.enum(['none', 'excerpt', 'full']).default('none'),
      excerptLength: z.number().int().min(20).max(500).default(120),
    })
    .default({ patientToken: 'initials-mrn4', messageText: 'none', excerptLength: 120 }),
  digest: z
    .strictObject({
      physicianMinutesPerMessage: z.number().positive().default(2.3),
      /** How late a missed digest may still go out (Baton was down at its time); later, that day's is skipped. */
      catchUpWithin: durationSchema.default(240),
    })
    .default({ physicianMinutesPerMessage: 2.3, catchUpWithin: 240 }),
  scheduler: z
    .strictObject({
      /** How often the leader sweeps SLAs and checks for due digests (cron, default every minute). */
      cron: z.string().refine((s) => isCron(s), 'not a valid cron expression, e.g. "* * * * *" (every minute)').default('* * * * *'),
    })
    .default({ cron: '* * * * *' }),
  retention: z
    .strictObject({ messageBodyDays: z.number().int().positive().optional() })
    .default({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
