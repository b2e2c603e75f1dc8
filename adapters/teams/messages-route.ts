import { randomUUID } from 'node:crypto';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from '../../src/observability/logger.ts';

/** The Bot Connector posts activities of up to a few hundred KB; anything larger is not one. */
const MAX_ACTIVITY_BYTES = 1024 * 1024;

/** botframework-connector's `AuthenticateRequestResult`: claims, audience, connector factory. */
type AuthResult = object;
interface Authenticator {
  authenticateRequest(activity: Partial<Activity>, authHeader: string): Promise<AuthResult>;
}
/** `CloudAdapterBase.processActivity` (protected; `process` calls it after authenticating): runs the turn, returns the invoke response. */
interface TurnRunner {
  processActivity(auth: AuthResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
}

const refuse = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

/** The same conversions botbuilder's `validateAndFixActivity` makes (ISO strings → Dates, raw kept). */
function fixTimes(a: Record<string, unknown>): void {
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
    if (typeof a[field] === 'string') {
      a[raw] = a[field];
      a[field] = new Date(a[field] as string);
    }
  }
}

/**
 * `POST /api/messages`, the Bot Framework's door into Baton. botbuilder's `CloudAdapter.process`
 * answers a failure with the error's own text — a token whose signing keys could not be fetched
 * gets `500 request to https://login.botframework.com/… failed, reason: getaddrinfo ENOTFOUND …`,
 * a malformed body falls through to a 500 — and prints the error with `console.error`. So this
 * route does what `process` does (parse, authenticate, run the turn, answer the invoke) with
 * Baton's answers: 400 for a body that is not an activity, 401 for anything that stops the token
 * being verified (no internals either way), and a reference id for a failure of Baton's own.
 */
export function messagesRoute(o: { cloud: TeamsAdapter; logger: Logger; logic: (context: TurnContext) => Promise<void> }): Router {
  const auth = (o.cloud as unknown as { botFrameworkAuthentication?: Authenticator }).botFrameworkAuthentication;
  const turns = o.cloud as unknown as TurnRunner;
  if (!auth || typeof auth.authenticateRequest !== 'function' || typeof turns.processActivity !== 'function') {
    throw new Error('botbuilder CloudAdapter changed shape: cannot authenticate Teams requests (see adapters/teams/messages-route.ts)');
  }
  const router = Router();
  // body-parser's own refusals (over the limit, an unknown Content-Encoding, a cut-off upload) keep their 4xx, without body-parser's words.
  const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return refuse(res, status, 'teams.bad_request', 'The request body could not be read.');
    next(err);
  };
  router.post('/api/messages', express.raw({ type: () => true, limit: MAX_ACTIVITY_BYTES }), bodyErrors, async (req: Request, res: Response) => {
    let activity: unknown;
    try {
      activity = JSON.parse((Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)).toString('utf8'));
    } catch {
      return refuse(res, 400, 'teams.malformed_json', 'The body is not valid JSON.');
    }
    if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof (activity as { type?: unknown }).type !== 'string' || !(activity as { type: string }).type) {
      return refuse(res, 400, 'teams.invalid_activity', 'The body is not a Bot Framework activity (an object with a "type").');
    }
    fixTimes(activity as Record<string, unknown>);

    let authenticated: AuthResult;
    try {
      authenticated = await auth.authenticateRequest(activity as Partial<Activity>, req.get('authorization') ?? '');
    } catch (e) {
      // A bad or missing token, an unknown signing key, or key metadata that could not be fetched
      // (DNS, network): either way the caller is not known. The cause is for the operator's log.
      o.logger.warn({ platform: 'teams', err: e }, 'Teams request refused: its Bot Framework token could not be verified');
      return refuse(res, 401, 'teams.unauthenticated', 'The request does not carry a valid Bot Framework token.');
    }

    try {
      const invoke = await turns.processActivity.call(o.cloud, authenticated, activity as Activity, o.logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.send(invoke.body);
      res.end();
    } catch (e) {
      // Turn errors are answered in the turn (onTurnError); this is what happens around it (connector set-up).
      const reference = randomUUID().slice(0, 8);
      o.logger.error({ platform: 'teams', reference, err: e }, 'Teams request failed');
      if (!res.headersSent) refuse(res, 500, 'internal', `Something went wrong on Baton's side (reference ${reference}).`);
      else res.end();
    }
  });
  return router;
}
