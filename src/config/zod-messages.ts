import { z } from 'zod';

/**
 * Plain-language messages for the two commonest problems at every edge, instead of zod's
 * "Invalid input: expected string, received undefined". Imported by each schema module; zod's
 * config is process-wide, so this runs once.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    // z.coerce.number() turns "abc" into NaN, which zod then calls "expected number, got number".
    if (issue.code === 'invalid_type' && typeof issue.input === 'number' && Number.isNaN(issue.input)) return `expected ${issue.expected === 'number' ? 'a number' : issue.expected}`;
    if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input}`;
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return undefined;
  },
});

/**
 * A whole number within bounds, given as text (an environment variable, a query parameter) or
 * as a number. One message says what is wanted and quotes what came ("must be a whole number
 * from 1 to 500 (got "abc")"), where z.coerce.number() would lose the text to NaN.
 */
export function wholeNumber(min: number, max: number, wanted = `must be a whole number from ${min} to ${max}`) {
  return z.union([z.string(), z.number()], { error: wanted }).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', input: v, message: `${wanted} (got ${JSON.stringify(v)})` });
    return z.NEVER;
  });
}
