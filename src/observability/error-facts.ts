/**
 * What may be logged about an error: its class, its machine codes, an HTTP status and the
 * stack frames — never its message. A database driver's message quotes the failing query's
 * parameters (patient name, MRN, subject, body), Prisma's validation errors print the whole
 * call with its values, and HTTP client errors quote URLs and response bodies (DESIGN.md §6).
 *
 * An error class whose message Baton composes itself from codes, statuses and ids only may
 * say so with `loggableMessage = true`; its message is then kept (bounded).
 */
export interface ErrorFacts {
  /** The error's class ("PrismaClientKnownRequestError", "DatabaseError", "FetchError", …). */
  type: string;
  /** A machine code: Prisma `P2002`, SQLSTATE `23505`, Node `ECONNREFUSED`, … */
  code?: string;
  /** Prisma driver-adapter error kind ("UniqueConstraintViolation", "DatabaseNotReachable", …). */
  kind?: string;
  status?: number;
  /** Only for errors that declare their message safe (see above). */
  detail?: string;
  /** Code locations ("at fn (file:line:col)"), without the message lines a stack starts with. */
  frames?: string[];
  cause?: ErrorFacts;
}

const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;
const CLASS = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

const token = (v: unknown): string | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && TOKEN.test(v) ? v : undefined;
};

function typeOf(e: object): string {
  const ctor = (e as { constructor?: { name?: unknown } }).constructor?.name;
  const name = (e as { name?: unknown }).name;
  // `name` is often more telling (Prisma sets it; Node's system errors keep "Error" as both).
  for (const c of [name, ctor]) if (typeof c === 'string' && CLASS.test(c) && c !== 'Object') return c;
  return 'Error';
}

/** Stack frames only: every line before the first "    at " is the message, which may hold patient data. */
function framesOf(stack: unknown, max: number): string[] | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((l) => /^\s+at\s/.test(l)).slice(0, max).map((l) => l.trim().slice(0, 300));
  return frames.length ? frames : undefined;
}

export function errorFacts(err: unknown, opts: { frames?: number } = {}, depth = 0): ErrorFacts {
  if (err === null || typeof err !== 'object') return { type: err === undefined ? 'undefined' : typeof err };
  const e = err as {
    code?: unknown; errno?: unknown; status?: unknown; statusCode?: unknown; message?: unknown; stack?: unknown; cause?: unknown;
    kind?: unknown; loggableMessage?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown; code?: unknown } } };
  };
  const facts: ErrorFacts = { type: typeOf(err) };
  const adapter = e.meta?.driverAdapterError?.cause;
  const code = token(e.code) ?? token(adapter?.originalCode) ?? token(adapter?.code);
  if (code) facts.code = code;
  const kind = token(e.kind) ?? token(adapter?.kind);
  if (kind) facts.kind = kind;
  const status = [e.status, e.statusCode].find((s): s is number => typeof s === 'number' && Number.isInteger(s) && s >= 100 && s < 600);
  if (status !== undefined) facts.status = status;
  if (e.loggableMessage === true && typeof e.message === 'string') facts.detail = e.message.slice(0, 300);
  if (opts.frames) {
    const frames = framesOf(e.stack, opts.frames);
    if (frames) facts.frames = frames;
  }
  if (depth < 2 && e.cause && typeof e.cause === 'object') facts.cause = errorFacts(e.cause, {}, depth + 1);
  return facts;
}

/** One line for a person or a terminal: "PrismaClientKnownRequestError P2002", "FetchError ENOTFOUND". */
export function errorSummary(err: unknown): string {
  const f = errorFacts(err);
  return [f.type, f.code, f.kind, f.status !== undefined ? `HTTP ${f.status}` : undefined, f.detail].filter(Boolean).join(' ');
}
