import express, { Router } from 'express';
import { z } from 'zod';
import '../../src/config/zod-messages.ts';
import type { ContextSource } from '../../src/app/context.ts';
import { awayRequest, type AwayAnswer } from '../../src/app/away.ts';
import type { AwayRequest } from '../../src/domain/away-command.ts';
import { asyncRoute, HttpError, type Problem } from '../../src/http/http-errors.ts';
import { parseWith, readJsonBody } from '../../src/http/parse-body.ts';
import { READ_ONLY_REASON, viewerOf } from './viewer.ts';

const PLATFORM = 'sandbox';
const words = z.string().trim().max(200, 'must be at most 200 characters');

/**
 * The page's away form: the same request as "/baton away …" on Slack and Teams, in fields.
 * `action`: `set` (needs `until`), `end`, `status`; `for` names someone else (a lead's or a
 * manager's); `through`: `until` names the last day away rather than the day back.
 */
export const awayBodySchema = z
  .strictObject({
    as: z.string({ error: 'required: the staff key of the person acting' }).min(1),
    action: z.enum(['set', 'end', 'status']),
    until: words.optional(),
    through: z.boolean().optional(),
    from: words.optional(),
    cover: words.optional(),
    for: words.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'set' && !v.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'required to set an away period: a date like 2026-12-24, fri or tomorrow 13:00' });
    if (v.action !== 'set') {
      for (const f of ['until', 'through', 'from', 'cover'] as const) if (v[f] !== undefined && v[f] !== '') ctx.addIssue({ code: 'custom', path: [f], message: `not used by ${v.action}` });
    }
  }, { when: () => true });

const opt = (s: string | undefined) => (s ? s : undefined);

export function toAwayRequest(b: z.output<typeof awayBodySchema>): AwayRequest {
  if (b.action === 'set') return { kind: 'set', until: b.until ?? '', through: b.through === true, from: opt(b.from), cover: opt(b.cover), for: opt(b.for) };
  return { kind: b.action === 'end' ? 'end' : 'status', for: opt(b.for) };
}

/** "until: … is in the past" → { path: 'until', message: '… is in the past' }: each problem under the field it is about. */
function problemsOf(a: Extract<AwayAnswer, { ok: false }>): Problem[] {
  return a.problems.map((p) => {
    const m = /^(until|through|from|cover|for): (.*)$/s.exec(p);
    return m ? { path: m[1] === 'through' ? 'until' : m[1]!, message: m[2]! } : { path: 'for', message: p };
  });
}

const STATUS = { 'away.invalid': 400, 'away.not_authorized': 403, 'staff.unknown': 403 } as const;

/**
 * `GET /sandbox/api/away?as=…`: how it stands for the person acting; `POST /sandbox/api/away`:
 * set, end or show, answered with every problem at once. Loopback only, like the rest of the
 * sandbox (index.ts guards `/sandbox`); no changes in the read-only mirror.
 */
export function awayRoutes(current: ContextSource, readOnly: boolean): Router {
  const r = Router();
  r.get('/sandbox/api/away', asyncRoute(async (req, res) => {
    const ctx = current(); // the config as of this request
    const who = viewerOf(req, ctx.roster, readOnly);
    const a = await awayRequest(ctx, { actorKey: who.key, platform: PLATFORM }, { kind: 'status' });
    res.json(a.ok ? { ok: true, text: a.text } : { ok: false, code: a.code, message: a.problems.join(' ') });
  }));
  r.post('/sandbox/api/away', express.raw({ type: () => true, limit: 8 * 1024 }), asyncRoute(async (req, res) => {
    if (readOnly) throw new HttpError(403, 'sandbox.read_only', READ_ONLY_REASON);
    const ctx = current();
    const body = parseWith(awayBodySchema, readJsonBody(req, undefined, ctx.clock.now().getTime()), 'The away request has problems; nothing was changed.');
    if (!ctx.roster.member(body.as)) throw new HttpError(400, 'request.invalid', 'Say who you are acting as.', [{ path: 'as', message: 'not a staff key on the roster' }]);
    const a = await awayRequest(ctx, { actorKey: body.as, platform: PLATFORM }, toAwayRequest(body));
    if (!a.ok) throw new HttpError(STATUS[a.code], a.code, a.code === 'away.invalid' ? 'The away request has problems; nothing was changed.' : a.problems.join(' '), a.code === 'away.invalid' ? problemsOf(a) : []);
    res.json({ ok: true, text: a.text });
  }));
  return r;
}
