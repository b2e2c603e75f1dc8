import fs from 'node:fs';
import type { IncomingMessage } from '../app/ingest-message.ts';
import { bundleSchema, communicationSchema, fromCommunication, isThreadHeader } from '../formats/fhir.ts';
import { fromGeneric, genericMessageSchema } from '../formats/generic.ts';
import { nulProblems, zodProblems } from '../http/parse-body.ts';

export interface FileMessages {
  messages: Array<{ where: string; message: IncomingMessage }>;
  problems: string[];
}

/**
 * Reads a JSON file (a message, an array, a FHIR Communication or Bundle) or NDJSON (one per
 * line; corpus lines `{ "message": {…}, "expected": {…} }` are read through `.message`).
 */
export function readMessageFile(file: string, now: Date): FileMessages {
  const out: FileMessages = { messages: [], problems: [] };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    out.problems.push(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return out;
  }
  const records: Array<{ where: string; value: unknown }> = [];
  try {
    const whole = JSON.parse(text) as unknown;
    if (Array.isArray(whole)) whole.forEach((v, i) => records.push({ where: `[${i}]`, value: v }));
    else records.push({ where: '(file)', value: whole });
  } catch {
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        records.push({ where: `line ${i + 1}`, value: JSON.parse(line) });
      } catch (e) {
        out.problems.push(`line ${i + 1}: not valid JSON (${(e as Error).message})`);
      }
    });
  }
  for (const r of records) addRecord(r.where, r.value, now, out);
  return out;
}

function addRecord(where: string, value: unknown, now: Date, out: FileMessages) {
  const nul = nulProblems(value);
  if (nul.length) return void out.problems.push(...nul.map((p) => `${where}: ${p.path}: ${p.message}`));
  const v = value as { message?: unknown; resourceType?: unknown } | null;
  const report = (problems: Array<{ path: string; message: string }>) => out.problems.push(...problems.map((p) => `${where}: ${p.path}: ${p.message}`));
  if (v && typeof v === 'object' && v.resourceType === 'Bundle') {
    const b = bundleSchema.safeParse(v);
    if (!b.success) return report(zodProblems(b.error.issues));
    b.data.entry.forEach((e, i) => {
      if (isThreadHeader(e.resource)) return;
      const m = fromCommunication(e.resource, now);
      if (m.ok) out.messages.push({ where: `${where} entry[${i}]`, message: m.message });
      else report(m.problems.map((p) => ({ ...p, path: `entry[${i}].resource.${p.path}` })));
    });
    return;
  }
  if (v && typeof v === 'object' && v.resourceType !== undefined) {
    const c = communicationSchema.safeParse(v);
    if (!c.success) return report(zodProblems(c.error.issues));
    const m = fromCommunication(c.data, now);
    if (m.ok) out.messages.push({ where, message: m.message });
    else report(m.problems);
    return;
  }
  const inner = v && typeof v === 'object' && 'message' in v && 'expected' in v ? v.message : value;
  const g = genericMessageSchema.safeParse(inner);
  if (!g.success) return report(zodProblems(g.error.issues));
  out.messages.push({ where, message: fromGeneric(g.data) });
}
