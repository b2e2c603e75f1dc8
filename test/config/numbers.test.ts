import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../../src/config/env.ts';
import { wholeNumber } from '../../src/config/zod-messages.ts';

const problems = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('numbers given as text', () => {
  it('PORT must be a port number, and the message quotes what was given', () => {
    expect(parseEnv({ PORT: 'abc' })).toEqual({ ok: false, problems: ['PORT: must be a port number 0–65535 (got "abc")'] });
    expect(parseEnv({ PORT: '70000' })).toEqual({ ok: false, problems: ['PORT: must be a port number 0–65535 (got "70000")'] });
    expect(parseEnv({ PORT: '8080' })).toMatchObject({ ok: true, env: { PORT: 8080 } });
    expect(parseEnv({})).toMatchObject({ ok: true, env: { PORT: 3000 } });
  });

  it('a whole number takes digits or a number within its bounds, and nothing else', () => {
    const n = wholeNumber(1, 500);
    expect(n.parse('42')).toBe(42);
    expect(n.parse(' 7 ')).toBe(7);
    expect(n.parse(500)).toBe(500);
    for (const bad of ['abc', '1.5', '0', '501', '', '1e2', '0x10']) expect(problems(n, bad)).toEqual([`must be a whole number from 1 to 500 (got ${JSON.stringify(bad)})`]);
    expect(problems(n, ['1', '2'])).toEqual(['must be a whole number from 1 to 500']);
  });

  it('z.coerce.number() of text that is no number says so, not "expected number, got number"', () => {
    expect(problems(z.coerce.number(), 'abc')).toEqual(['expected a number']);
  });
});
