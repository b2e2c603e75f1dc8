import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A local Bot Framework connector: the `serviceUrl` Baton talks back to. It is a real HTTP
 * server speaking the v3 REST routes botframework-connector calls (PLATFORMS.md §7), records
 * every call, keeps the messages it "holds" per conversation so tests can read the current card,
 * and can be told to fail the next calls with 429 / 5xx (and `Retry-After`).
 */

export type Operation = 'create' | 'send' | 'reply' | 'update' | 'members' | 'other';

export interface ConnectorCall {
  op: Operation;
  method: string;
  /** Decoded conversation id from the path. */
  conversationId: string | undefined;
  activityId: string | undefined;
  body: any;
  authorization: string | undefined;
  /** What the fake answered. */
  status: number;
  /** When it arrived (ms since epoch, real time). */
  at: number;
}

export interface HeldMessage {
  conversationId: string;
  id: string;
  activity: any;
  updates: number;
}

interface Planned {
  op: Operation;
  status: number;
  headers: Record<string, string>;
  times: number;
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Messages currently in Teams, by activity id (updated in place by PUT). */
  readonly messages = new Map<string, HeldMessage>();
  /** What `GET …/pagedmembers` returns (team members at install). */
  members: Array<{ id: string; aadObjectId: string; name: string }> = [];
  url = '';
  private planned: Planned[] = [];
  private delays: Array<{ op: Operation; ms: number; times: number }> = [];
  private seq = 1_700_000_000_000;
  private conversations = 0;
  private server: http.Server | undefined;

  /** The next `times` calls of `op` answer `status` (e.g. 429 with `{ 'retry-after': '1' }`). */
  failNext(op: Operation, status: number, headers: Record<string, string> = {}, times = 1) {
    this.planned.push({ op, status, headers, times });
  }

  /** The next `times` calls of `op` are answered only after `ms` (a slow or hanging connector). */
  delayNext(op: Operation, ms: number, times = 1) {
    this.delays.push({ op, ms, times });
  }

  /** Successful calls of one kind. */
  ok(op: Operation): ConnectorCall[] {
    return this.calls.filter((c) => c.op === op && c.status < 300);
  }

  /** Messages held in a conversation or any of its threads (`<channel>;messageid=…`). */
  messagesIn(conversationId: string): HeldMessage[] {
    return [...this.messages.values()].filter((m) => m.conversationId.split(';')[0] === conversationId);
  }

  /** Card messages (an Adaptive Card attachment) in a conversation or its threads. */
  cardsIn(conversationId: string): HeldMessage[] {
    return this.messagesIn(conversationId).filter((m) => m.activity.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    app.use((req, res) => {
      const delay = this.delays.find((d) => d.op === this.route(req.method, req.path).op && d.times > 0);
      if (!delay) return this.handle(req, res);
      delay.times--;
      setTimeout(() => { if (!res.writableEnded && !req.socket.destroyed) this.handle(req, res); }, delay.ms);
    });
    this.server = http.createServer(app);
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }

  private route(method: string, path: string): { op: Operation; conversationId?: string; activityId?: string } {
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    // v3/conversations[/{conversationId}[/activities[/{activityId}] | /pagedmembers]]
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') return { op: 'other' };
    const [, , conversationId, sub, activityId] = parts;
    if (!conversationId) return { op: method === 'POST' ? 'create' : 'other' };
    if (sub === 'pagedmembers' && method === 'GET') return { op: 'members', conversationId };
    if (sub !== 'activities') return { op: 'other', conversationId };
    if (method === 'PUT' && activityId) return { op: 'update', conversationId, activityId };
    if (method === 'POST') return { op: activityId ? 'reply' : 'send', conversationId, activityId };
    return { op: 'other', conversationId, activityId };
  }

  private handle(req: express.Request, res: express.Response) {
    const r = this.route(req.method, req.path);
    const call: ConnectorCall = {
      op: r.op, method: req.method, conversationId: r.conversationId, activityId: r.activityId,
      body: req.body, authorization: req.headers.authorization, status: 200, at: Date.now(),
    };
    this.calls.push(call);
    const plan = this.planned.find((p) => p.op === r.op && p.times > 0);
    if (plan) {
      plan.times--;
      call.status = plan.status;
      res.status(plan.status).set(plan.headers).json({ error: { code: 'Throttled', message: 'fake failure' } });
      return;
    }
    switch (r.op) {
      case 'create': {
        const id = `a:fake-chat-${++this.conversations}`;
        res.json({ id });
        return;
      }
      case 'send':
      case 'reply': {
        const id = String(++this.seq);
        // A new channel post starts a thread; replies stay in their thread's conversation.
        this.messages.set(id, { conversationId: r.conversationId!, id, activity: req.body, updates: 0 });
        res.json({ id });
        return;
      }
      case 'update': {
        const held = this.messages.get(r.activityId!);
        if (!held) {
          call.status = 404;
          res.status(404).json({ error: { code: 'ActivityNotFound', message: 'no such activity' } });
          return;
        }
        held.activity = req.body;
        held.updates++;
        res.json({ id: r.activityId });
        return;
      }
      case 'members':
        res.json({ members: this.members });
        return;
      default:
        call.status = 404;
        res.status(404).json({ error: { code: 'NotFound', message: `fake connector: no route ${req.method} ${req.path}` } });
    }
  }
}

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
