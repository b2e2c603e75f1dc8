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
  en: ReadonlySet<string>;
  minShare: number;
  minCount: number;
}

export function languageMarkers(rules: TriageRules): LanguageMarkers {
  return { es: new Set(rules.language.es.markers), en: new Set(rules.language.en.markers), minShare: rules.language.es.minShare, minCount: rules.language.es.minCount };
}

export function detectLanguages(text: string, m: LanguageMarkers): Language[] {
  let es = 0;
  let en = 0;
  for (const w of text.split(/[^a-z']+/)) {
    if (m.es.has(w)) es++;
    else if (m.en.has(w)) en++;
  }
  if (es < m.minCount || es / (es + en) < m.minShare) return ['en'];
  return en >= m.minCount && en / (es + en) >= m.minShare ? ['en', 'es'] : ['es'];
}
