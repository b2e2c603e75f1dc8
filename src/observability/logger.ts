import pino, { type Logger } from 'pino';
import { errorFacts } from './error-facts.ts';

export type { Logger };

/**
 * Structured JSON logs. Known PHI fields are redacted wherever they appear (DESIGN.md §6); the
 * code also never logs message text or patient names on purpose — redaction is the safety net.
 * An error's message and stack text are never kept: they may quote query parameters.
 */
export const REDACT_PATHS = [
  'body', '*.body', 'subject', '*.subject', 'text', '*.text',
  'patient', '*.patient', 'patientName', '*.patientName', 'patientMrn', '*.patientMrn', 'name', '*.name', 'mrn', '*.mrn',
  'payload', '*.payload', 'req.headers.authorization', 'req.headers["x-baton-signature"]',
  'message', '*.message', 'stack', '*.stack', 'errors[*].message', 'errors[*].stack', 'reason', '*.reason', 'note', '*.note', 'instructions', '*.instructions',
];

/**
 * `err` (and `errors`) are reduced to class, codes, status and stack frames wherever a caller
 * puts an error, so a driver message cannot reach the log even by mistake.
 */
const serializers = {
  err: (e: unknown) => errorFacts(e, { frames: 8 }),
  errors: (list: unknown) => (Array.isArray(list) ? list.map((e) => errorFacts(e)) : errorFacts(list)),
};

/**
 * `BATON_LOG_TAP=<file>` also appends every line, at every level, to that file. The test suite
 * points it at one file per worker and checks the lot for patient data at the end of the run
 * (test/support/phi-log-check.ts); spawned `baton` processes inherit it.
 */
const taps = new Map<string, pino.DestinationStream>();

function tapped(level: string, destination: pino.DestinationStream | undefined): { level: string; stream: pino.DestinationStream | undefined } {
  const tap = process.env.BATON_LOG_TAP;
  if (!tap) return { level, stream: destination };
  // One file descriptor per file and process, however many loggers the tests create.
  let file = taps.get(tap);
  if (!file) taps.set(tap, (file = pino.destination({ dest: tap, sync: true, append: true, mkdir: true })));
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: file }];
  if (level !== 'silent') streams.push({ level: level as pino.Level, stream: destination ?? pino.destination(1) });
  return { level: 'trace', stream: pino.multistream(streams) };
}

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const { level, stream } = tapped(opts.level ?? process.env.LOG_LEVEL ?? 'info', opts.destination);
  return pino({ level, serializers, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'baton' } }, stream);
}
