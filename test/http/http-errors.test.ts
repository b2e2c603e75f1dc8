import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { errorHandler, HttpError } from '../../src/http/http-errors.ts';
import { createLogger } from '../../src/observability/logger.ts';

/** The handler's answer to `err` on a request with `method`. */
function answer(method: string, err: unknown) {
  const out: { status?: number; body?: any; headers: Record<string, string> } = { headers: {} };
  const res = {
    status(s: number) { out.status = s; return this; },
    json(b: unknown) { out.body = b; return this; },
    set(k: string, v: string) { out.headers[k] = v; return this; },
  } as unknown as Response;
  errorHandler(createLogger({ level: 'silent' }))(err, { method } as Request, res, () => {});
  return out;
}

describe('HTTP error answers', () => {
  it('a read never talks of storing: an unexpected error, the database down, a body that is not JSON', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const notJson = Object.assign(new Error('bad'), { expose: true, status: 400, type: 'entity.parse.failed' });
    for (const err of [new TypeError('boom'), down, notJson]) {
      expect(JSON.stringify(answer('GET', err).body)).not.toMatch(/stored/);
      expect(answer('POST', err).body.error.message).toContain('nothing was stored');
    }
    expect(answer('GET', down)).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, body: { error: { message: 'The database is unavailable right now. Retry shortly.' } } });
    expect(answer('GET', new TypeError('boom')).body.error.message).toMatch(/^Something went wrong on our side \(reference [0-9a-f-]+\)\. Retry shortly\.$/);
  });

  it("keeps an HttpError's own words and problems", () => {
    const e = new HttpError(400, 'request.invalid', 'The query has problems.', [{ path: 'limit', message: 'must be a whole number from 1 to 500 (got "abc")' }]);
    expect(answer('GET', e)).toMatchObject({ status: 400, body: { error: { code: 'request.invalid', message: 'The query has problems.', problems: e.problems } } });
  });
});
