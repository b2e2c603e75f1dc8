import type { CompiledTriageRules } from './compile.ts';
import { findAll, type Span } from './patterns.ts';
import { segment, type Clause } from './text.ts';

/**
 * The normalised text of one message (subject + body). Clauses and idiom spans are only needed
 * to judge a phrase match, and most messages have none, so they are computed on first use.
 */
export class Doc {
  readonly text: string;
  readonly #c: CompiledTriageRules;
  #clauses: Clause[] | undefined;
  #idioms: Span[] | undefined;

  constructor(text: string, c: CompiledTriageRules) {
    this.text = text;
    this.#c = c;
  }

  get clauses(): Clause[] {
    return (this.#clauses ??= segment(this.text, this.#c.clauseBreak));
  }

  get idiomSpans(): Span[] {
    return (this.#idioms ??= findAll(this.#c.idioms, this.text));
  }
}
