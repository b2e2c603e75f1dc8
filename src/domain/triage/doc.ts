import type { CompiledTriageRules } from './compile.ts';
import { detect } from './language.ts';
import type { Span } from './patterns.ts';
import type { Language } from './rules.ts';
import { correctSpelling, type Correction } from './spelling.ts';
import { normalizeMapped, segment, type Clause, type Mapped } from './text.ts';
import { extractReadings, type Reading } from './values.ts';

/**
 * One message (subject + body) as the rules read it: normalised, spelling-corrected, with a map
 * from each character back to the raw text so a match can be highlighted where the patient wrote
 * it. Clauses, idioms, modifier cues and readings are only needed to judge a match, and most
 * messages have few, so each is computed on first use.
 */
export class Doc {
  readonly text: string;
  /** `from[i]`: index in `raw` of text[i]. */
  readonly from: Int32Array;
  /** The raw subject, a line break, the raw body. */
  readonly raw: string;
  /** Where the body starts in `text` (0 when there is no subject) and in `raw`. */
  readonly bodyStart: number;
  readonly rawBodyStart: number;
  readonly corrections: Correction[];
  readonly languages: Language[];
  /** Any Spanish word or letter: Spanish-only patterns are tried (language.ts `detect`). */
  readonly spanishWords: boolean;
  readonly #c: CompiledTriageRules;
  #clauses: Clause[] | undefined;
  #cues: Span[][] | undefined;
  #readings: Reading[] | undefined;
  #quoted: Span[] | undefined;

  constructor(subject: string, body: string, c: CompiledTriageRules) {
    this.#c = c;
    const s = normalizeMapped(subject);
    const b = normalizeMapped(body);
    const lead = s.text.length - s.text.trimStart().length;
    const subj = s.text.trim();
    const bodyAt = subject.length + 1;
    let joined: Mapped;
    if (subj) {
      const from = new Int32Array(subj.length + 1 + b.from.length);
      from.set(s.from.subarray(lead, lead + subj.length));
      from[subj.length] = subject.length;
      for (let i = 0; i < b.from.length; i++) from[subj.length + 1 + i] = b.from[i]! + bodyAt;
      joined = { text: `${subj}\n${b.text}`, from };
    } else joined = { text: b.text, from: b.from.map((i) => i + bodyAt) };
    const raw = `${subject}\n${body}`;
    const lang = detect(joined.text, c.languages, raw);
    this.languages = lang.languages;
    this.spanishWords = lang.spanishWords;
    const spanishOnly = this.languages.length === 1 && this.languages[0] === 'es';
    const { mapped, corrections } = correctSpelling(joined, raw, c.spelling, c.spellingCache, spanishOnly);
    this.text = mapped.text;
    this.from = mapped.from;
    this.raw = raw;
    this.rawBodyStart = subject.length + 1;
    this.bodyStart = subj ? this.text.indexOf('\n') + 1 : 0;
    this.corrections = corrections;
  }

  get clauses(): Clause[] {
    return (this.#clauses ??= segment(this.text, this.#c.clauseBreak));
  }

  /** Every idiom, pseudo cue and modifier cue of the message, by list (compile.ts `cueIndex`), in one scan. */
  #cueLists(): Span[][] {
    if (this.#cues) return this.#cues;
    const lists: Span[][] = Array.from({ length: this.#c.cueIndex.size }, () => []);
    this.#c.cueIndex.scan(this.text, false, (list, start, end) => lists[list]!.push({ start, end }), !this.spanishWords);
    return (this.#cues = lists);
  }

  get idiomSpans(): Span[] {
    return this.#cueLists()[0]!;
  }

  get pseudoSpans(): Span[] {
    return this.#cueLists()[1]!;
  }

  /** Cue matches of modifier `index`, left to right. */
  modifierSpans(index: number): Span[] {
    return this.#cueLists()[2 + index] ?? [];
  }

  /**
   * Text the patient quoted rather than wrote: lines starting with ">", and everything after an
   * "-----Original message-----", "From: …" or "On … wrote:" line. A staff disclaimer quoted in a
   * reply ("if you are having chest pain, call 911") is not the patient's symptom.
   */
  get quotedSpans(): Span[] {
    if (this.#quoted) return this.#quoted;
    const out: Span[] = [];
    let at = 0;
    for (const line of this.text.split('\n')) {
      const end = at + line.length;
      const t = line.trim();
      if (/^-{2,} ?(original|forwarded) message|^(from|de|sent|enviado): .{2,}|^on .{4,} wrote:?$|^el .{4,} escribio:?$/.test(t)) {
        out.push({ start: at, end: this.text.length });
        break;
      }
      if (t.startsWith('>')) out.push({ start: at, end });
      at = end + 1;
    }
    return (this.#quoted = out);
  }

  get readings(): Reading[] {
    return (this.#readings ??= extractReadings(this.text));
  }

  /** A span of `text` in the raw message: which field, offsets in that field, and the words as written. */
  locate(span: Span): { field: 'subject' | 'body'; start: number; end: number; text: string } {
    const start = this.from[span.start]!;
    const end = span.end > span.start ? this.from[span.end - 1]! + 1 : start;
    const text = this.raw.slice(start, end);
    return start >= this.rawBodyStart
      ? { field: 'body', start: start - this.rawBodyStart, end: end - this.rawBodyStart, text }
      : { field: 'subject', start, end: Math.min(end, this.rawBodyStart - 1), text };
  }
}
