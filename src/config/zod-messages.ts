import { z } from 'zod';

/**
 * Plain-language messages for the two commonest problems at every edge, instead of zod's
 * "Invalid input: expected string, received undefined". Imported by each schema module; zod's
 * config is process-wide, so this runs once.
 */
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input}`;
    if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return undefined;
  },
});
