import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefaultTriageRules } from '../../../src/config/triage-schema.ts';
import { triage } from '../../../src/domain/triage/index.ts';
import { readNdjson } from './evaluate.ts';

const rules = loadDefaultTriageRules();
const langs = (body: string) => triage({ body }, rules).languages;
const corpus = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus/dev-messages-2.ndjson');

describe('language detection', () => {
  it.each([
    ['Tengo un dolor muy fuerte en el pecho desde hace una hora', ['es']],
    ['no puedo respirar bien y me duele la cabeza', ['es']],
    ['I need a refill of my lisinopril please', ['en']],
    ['Hola, necesito refill de mi omeprazole porfa, and can you send it to the CVS on Main, thanks so much', ['en', 'es']],
    ['ok', ['en']],
  ])('reads "%s" as %j', (body, want) => {
    expect(langs(body)).toEqual(want);
  });

  it('reads the Spanish lexicon whenever a message has one Spanish word, even inside English', () => {
    expect(rules.spanishOnly?.length).toBeGreaterThan(100);
    expect(triage({ body: 'Writing for my dad, he says le duele mucho el pecho y le falta el aire since an hour' }, rules).redFlags.length).toBeGreaterThan(0);
    expect(triage({ body: 'sin fiebre, solo tos' }, rules).redFlags).toEqual([]);
    expect(triage({ body: 'me falta el aire' }, rules).redFlags.length).toBeGreaterThan(0);
  });

  // The corpus README lists its 40 Spanish and Spanglish messages by id.
  const spanish = new Set(
    '0007 0011 0016 0021 0022 0025 0028 0036 0049 0055 0077 0089 0105 0110 0146 0157 0158 0169 0172 0173 0189 0190 0192 0199 0224 0229 0230 0236 0242 0250 0259 0263 0270 0279 0290 0116 0186 0257 0260 0275'
      .split(' ')
      .map((n) => `d2-${n}`),
  );
  it.skipIf(!fs.existsSync(corpus))('finds every Spanish message of the dev corpus and takes no English one for Spanish', () => {
    const wrong = readNdjson(corpus)
      .filter(({ message: m }) => triage({ subject: m.subject, body: m.body }, rules).languages.includes('es') !== spanish.has(m.externalId ?? ''))
      .map(({ message: m }) => m.externalId);
    expect(wrong).toEqual([]);
  });
});
