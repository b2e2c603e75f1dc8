import fs from 'node:fs';
import path from 'node:path';

/**
 * The patient data the test suite feeds Baton, and a scanner that finds any of it in log text.
 * Used by the end-of-run check over every test file's logs (phi-log-check.ts) and by
 * test/ops/no-phi-in-logs.test.ts, which also proves the scanner catches what it should.
 */
export interface PhiString {
  kind: 'name' | 'mrn' | 'subject' | 'body';
  value: string;
  /** Where the fixture came from, for the failure message. */
  source: string;
}

export interface PhiLeak {
  kind: PhiString['kind'];
  value: string;
  source: string;
  file: string;
  line: number;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** Bodies are long: their first words identify them. Short subjects ("Refill", "question") are too common to be evidence. */
const BODY_PROBE = 40;
const MIN_BODY = 16;
const MIN_SUBJECT = 13;

type MessageLike = { patient?: { name?: unknown; mrn?: unknown }; subject?: unknown; body?: unknown };

function fromMessage(m: MessageLike, source: string, out: PhiString[]) {
  const add = (kind: PhiString['kind'], v: unknown) => {
    if (typeof v === 'string' && v.trim()) out.push({ kind, value: v, source });
  };
  add('name', m.patient?.name);
  add('mrn', m.patient?.mrn);
  if (typeof m.subject === 'string' && m.subject.trim().length >= MIN_SUBJECT) add('subject', m.subject);
  if (typeof m.body === 'string' && m.body.trim().length >= MIN_BODY) add('body', m.body);
}

function ndjsonFixtures(file: string, out: PhiString[]) {
  if (!fs.existsSync(file)) return;
  const source = path.relative(ROOT, file);
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line) as MessageLike & { message?: MessageLike };
      fromMessage(o.message ?? o, source, out);
    } catch {
      // not a message line
    }
  }
}

function sourcesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourcesUnder(p) : /\.ts$/.test(d.name) ? [p] : [];
  });
}

const LITERAL = String.raw`'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"`;

/** Patient objects and message texts written as literals in the test sources (`patient: { name: '…', mrn: '…' }`, `body: '…'`). */
function sourceFixtures(file: string, out: PhiString[]) {
  const text = fs.readFileSync(file, 'utf8');
  const source = path.relative(ROOT, file);
  const lit = (m: RegExpMatchArray, at: number) => (m[at] ?? m[at + 1] ?? '').replace(/\\(.)/g, '$1');
  for (const p of text.matchAll(/patient:\s*\{([^}]*)\}/g)) {
    for (const f of p[1]!.matchAll(new RegExp(String.raw`\b(name|mrn):\s*(?:${LITERAL})`, 'g'))) {
      fromMessage({ patient: { [f[1]!]: lit(f, 2) } }, source, out);
    }
  }
  for (const f of text.matchAll(new RegExp(String.raw`\b(subject|body):\s*(?:${LITERAL})`, 'g'))) fromMessage({ [f[1]!]: lit(f, 2) }, source, out);
}

/** Staff names are not patient data; a fixture that happens to be part of one would only cause false alarms. */
function staffNames(): string[] {
  const yaml = fs.readFileSync(path.join(ROOT, 'config', 'baton.example.yaml'), 'utf8');
  return [...yaml.matchAll(/name:\s*"([^"]+)"/g)].map((m) => norm(m[1]!));
}

/** Every patient name, MRN, subject and body the tests use: the dev corpora, the demo feed, the held-out sets and the test sources. */
export function phiFixtures(): PhiString[] {
  const out: PhiString[] = [];
  const corpus = path.resolve(ROOT, '..', 'shared', 'corpus');
  const files = [
    process.env.BATON_DEV_CORPUS,
    ...(fs.existsSync(corpus) ? fs.readdirSync(corpus).filter((f) => f.endsWith('.ndjson')).map((f) => path.join(corpus, f)) : []),
    path.join(ROOT, 'demo', 'messages.ndjson'),
    ...fs.readdirSync(path.join(ROOT, 'test', 'domain', 'triage')).filter((f) => f.endsWith('.ndjson')).map((f) => path.join(ROOT, 'test', 'domain', 'triage', f)),
  ].filter((f): f is string => Boolean(f));
  for (const f of new Set(files)) ndjsonFixtures(f, out);
  for (const f of [...sourcesUnder(path.join(ROOT, 'test')), ...sourcesUnder(path.join(ROOT, 'bench'))]) sourceFixtures(f, out);
  const staff = staffNames();
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = `${p.kind}:${norm(p.value)}`;
    if (seen.has(key) || (p.kind === 'name' && staff.some((s) => s.includes(norm(p.value))))) return false;
    seen.add(key);
    return true;
  });
}

interface Probe {
  phi: PhiString;
  text: string;
  /** Names and MRNs must end at a word boundary ("Sean Kim" is not in "Sean Kimball", 10000000 not in 100000001). */
  whole: boolean;
}

const WORD = /[\p{L}\p{N}]/u;
const KEY = 6;

/**
 * Finds patient data in log files. Each line is JSON-decoded when it can be (a log line
 * escapes quotes and newlines that the fixture has raw), lower-cased and its spaces collapsed;
 * a fixture matches where a word starts. One pass per file, whatever the number of fixtures.
 */
export class PhiScanner {
  private readonly byKey = new Map<string, Probe[]>();

  constructor(fixtures: PhiString[]) {
    for (const phi of fixtures) {
      const t = norm(phi.value);
      const text = phi.kind === 'body' ? t.slice(0, BODY_PROBE) : t;
      if (text.length < KEY) continue;
      const probe = { phi, text, whole: phi.kind === 'name' || phi.kind === 'mrn' };
      const list = this.byKey.get(text.slice(0, KEY)) ?? [];
      list.push(probe);
      this.byKey.set(text.slice(0, KEY), list);
    }
  }

  get size(): number {
    let n = 0;
    for (const l of this.byKey.values()) n += l.length;
    return n;
  }

  /** The fixtures found in one piece of log text (`file` and line numbers are for the report). */
  scanText(raw: string, file = '(text)'): PhiLeak[] {
    const leaks: PhiLeak[] = [];
    const lines = raw.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      if (!line.trim()) continue;
      const text = norm(decoded(line));
      for (let i = 0; i <= text.length - KEY; i++) {
        if (i > 0 && WORD.test(text[i - 1]!)) continue;
        const candidates = this.byKey.get(text.slice(i, i + KEY));
        if (!candidates) continue;
        for (const c of candidates) {
          if (!text.startsWith(c.text, i)) continue;
          const next = text[i + c.text.length];
          if (c.whole && next !== undefined && WORD.test(next)) continue;
          leaks.push({ kind: c.phi.kind, value: c.phi.value, source: c.phi.source, file, line: n + 1 });
        }
      }
    }
    return leaks;
  }

  scanFiles(files: string[]): PhiLeak[] {
    return files.flatMap((f) => this.scanText(fs.readFileSync(f, 'utf8'), f));
  }
}

/** The strings of a JSON log line, one per line; the raw text when it is not JSON (a line cut short by kill -9). */
function decoded(line: string): string {
  try {
    const out: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push(k), walk(x));
      else if (v !== null && v !== undefined) out.push(String(v));
    };
    walk(JSON.parse(line));
    return out.join('\n');
  } catch {
    return line;
  }
}

export function describeLeaks(leaks: PhiLeak[], max = 20): string {
  const shown = leaks.slice(0, max).map((l) => `  - ${l.kind} from ${l.source} in ${l.file}:${l.line}`);
  return [...shown, ...(leaks.length > max ? [`  … and ${leaks.length - max} more`] : [])].join('\n');
}
