import type { Language, TriageRules } from './rules.ts';

/**
 * Which languages a message is written in, from its function words ("que", "de", "tengo" against
 * "the", "and", "have"): short portal messages are too short for character n-gram detectors, while
 * nearly every sentence carries a few function words. Measured on the dev corpora: every Spanish
 * and Spanglish message found, no English one taken for Spanish (test/domain/triage/language.test.ts).
 * A message with enough of both is both ("Spanglish"): its findings are read with both lexicons.
 */
export interface LanguageMarkers {
  es: ReadonlySet<string>;
  /** Words that alone say "some Spanish here" (for the Spanish-only patterns), without counting towards the language. */
  esHints: ReadonlySet<string>;
  en: ReadonlySet<string>;
  minShare: number;
  minCount: number;
}

export function languageMarkers(rules: TriageRules): LanguageMarkers {
  return { es: new Set(rules.language.es.markers), esHints: new Set(rules.language.es.hints), en: new Set(rules.language.en.markers), minShare: rules.language.es.minShare, minCount: rules.language.es.minCount };
}

/**
 * The languages, and whether the message has any Spanish at all: one Spanish marker word, or a
 * Spanish letter or mark in the raw text (á, ñ, ¿…). Spanish-only patterns run only then; the
 * threshold is deliberately lower than the one for calling a message Spanish, so that one Spanish
 * phrase in an English message ("me duele el pecho") is still read.
 */
export function detect(text: string, m: LanguageMarkers, raw = ''): { languages: Language[]; spanishWords: boolean } {
  let es = 0;
  let en = 0;
  let hint = false;
  for (const w of text.split(/[^a-z']+/)) {
    if (m.es.has(w)) es++;
    else if (m.en.has(w)) en++;
    else if (!hint && m.esHints.has(w)) hint = true;
  }
  const spanishWords = es > 0 || hint || /[áéíóúñü¿¡]/i.test(raw);
  if (es < m.minCount || es / (es + en) < m.minShare) return { languages: ['en'], spanishWords };
  return { languages: en >= m.minCount && en / (es + en) >= m.minShare ? ['en', 'es'] : ['es'], spanishWords };
}
