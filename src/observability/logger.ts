import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Known PHI fields are redacted wherever they appear (DESIGN.md §6); the
 * code also never logs message text or patient names on purpose — redaction is the safety net.
 */
export const REDACT_PATHS = [
  'body', '*.body', 'subject', '*.subject', 'text', '*.text',
  'patient', '*.patient', 'patientName', '*.patientName', 'patientMrn', '*.patientMrn', 'name', '*.name', 'mrn', '*.mrn',
  'payload', '*.payload', 'req.headers.authorization', 'req.headers["x-baton-signature"]',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'baton' } },
    opts.destination,
  );
}
