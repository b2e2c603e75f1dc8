import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API: a real HTTP server that speaks the wire format @slack/web-api uses
 * (form-encoded POST /api/<method>, JSON-encoded object fields, `Authorization: Bearer`),
 * records every call, keeps the messages it was sent (so chat.update and conversations.history
 * behave), checks Block Kit limits the way Slack does (`invalid_blocks`), and can be programmed
 * to answer 429 with Retry-After, 5xx, errors, or slowly. It also serves `response_url`s.
 */

export interface Call {
  method: string;
  params: Record<string, any>;
  auth: string | undefined;
  at: number;
  /** What the fake answered: HTTP status and, for 200s, the JSON body. */
  status: number;
  result?: Record<string, any>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: any[];
  metadata?: any;
  thread_ts?: string;
  reply_broadcast?: boolean;
  updates: number;
}

export interface Behavior {
  /** Only requests whose params match. */
  match?: (params: Record<string, any>) => boolean;
  /** HTTP status to answer (429 adds Retry-After). Default 200. */
  status?: number;
  retryAfter?: number;
  /** Slack `ok:false` error code. */
  error?: string;
  /** Delay before answering. */
  delayMs?: number;
  /** Do the method's work (e.g. store the message) even though the answer is an error or slow. Default: only for 200s. */
  sideEffect?: boolean;
  /** How many requests this applies to (default 1). */
  times?: number;
}

export interface ResponsePost {
  tag: string;
  body: any;
  at: number;
}

const JSON_FIELDS = new Set(['blocks', 'view', 'metadata', 'attachments', 'users']);

function parseParams(contentType: string | undefined, raw: string): Record<string, any> {
  if (contentType?.startsWith('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k) && (v.startsWith('{') || v.startsWith('['))) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep the string */
      }
    }
    out[k] = v;
  }
  return out;
}

/** Block Kit checks Slack applies to messages and views (a subset: the limits Baton must respect). */
export function blockProblems(blocks: unknown, maxBlocks: number): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks > ${maxBlocks}`);
  const blockIds = new Set<string>();
  blocks.forEach((b: any, n: number) => {
    const at = `blocks[${n}]`;
    if (b.block_id !== undefined) {
      if (String(b.block_id).length > 255) problems.push(`${at}.block_id too long`);
      if (blockIds.has(b.block_id)) problems.push(`${at}.block_id repeated`);
      blockIds.add(b.block_id);
    }
    const txt = (t: any, max: number, where: string) => {
      if (!t || typeof t.text !== 'string') return problems.push(`${where} missing text`);
      if (t.text.length < 1 || t.text.length > max) problems.push(`${where} text length ${t.text.length} not in 1..${max}`);
    };
    switch (b.type) {
      case 'header': txt(b.text, 150, `${at}.text`); break;
      case 'section':
        if (!b.text && !b.fields) problems.push(`${at} needs text or fields`);
        if (b.text) txt(b.text, 3000, `${at}.text`);
        if (b.fields) {
          if (b.fields.length > 10) problems.push(`${at}.fields > 10`);
          b.fields.forEach((f: any, i: number) => txt(f, 2000, `${at}.fields[${i}]`));
        }
        break;
      case 'context':
        if (!b.elements?.length || b.elements.length > 10) problems.push(`${at}.elements count`);
        break;
      case 'actions': {
        if (!b.elements?.length || b.elements.length > 25) problems.push(`${at}.elements count`);
        const ids = new Set<string>();
        for (const [i, e] of (b.elements ?? []).entries()) {
          const w = `${at}.elements[${i}]`;
          if (e.action_id !== undefined) {
            if (String(e.action_id).length > 255) problems.push(`${w}.action_id too long`);
            if (ids.has(e.action_id)) problems.push(`${w}.action_id repeated`);
            ids.add(e.action_id);
          }
          if (e.type === 'button') {
            txt(e.text, 75, `${w}.text`);
            if (e.value !== undefined && String(e.value).length > 2000) problems.push(`${w}.value too long`);
            if (e.confirm) {
              txt(e.confirm.title, 100, `${w}.confirm.title`);
              txt(e.confirm.text, 300, `${w}.confirm.text`);
              txt(e.confirm.confirm, 30, `${w}.confirm.confirm`);
              txt(e.confirm.deny, 30, `${w}.confirm.deny`);
            }
          }
        }
        break;
      }
      case 'input': {
        txt(b.label, 2000, `${at}.label`);
        const e = b.element;
        if (e?.type === 'static_select') {
          if (!e.options?.length || e.options.length > 100) problems.push(`${at} options count`);
          for (const o of e.options ?? []) {
            txt(o.text, 75, `${at} option`);
            if (String(o.value).length > 150) problems.push(`${at} option value too long`);
          }
          if (e.initial_option && !e.options.some((o: any) => o.value === e.initial_option.value)) problems.push(`${at} initial_option not among options`);
        }
        break;
      }
      case 'divider': break;
      default: problems.push(`${at}: unexpected block type ${b.type}`);
    }
  });
  return problems;
}

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly responses: ResponsePost[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: Array<{ channel: string; user: string; text: string; blocks: any[] }> = [];
  readonly views: Array<{ kind: 'open' | 'publish'; trigger_id?: string; user_id?: string; view: any }> = [];
  private readonly behaviors = new Map<string, Behavior[]>();
  private readonly server: http.Server;
  private seq = 0;
  url = '';
  /** Block Kit problems found in any request (Slack would have refused it). */
  readonly refused: Array<{ method: string; problems: string[] }> = [];

  /** response_url tags that answer 404 (an expired response_url). */
  readonly expiredResponseUrls = new Set<string>();
  /** Socket Mode: what apps.connections.open answers (a FakeSocketMode url). */
  socketUrl = '';
  /** conversations.info flags per channel (e.g. `{ is_ext_shared: true }` for a Slack Connect channel). */
  readonly channelInfo = new Map<string, Record<string, unknown>>();
  /** Set when the app was uninstalled / its token revoked: every call with the bot token answers this error. */
  tokenDead: string | null = null;

  constructor(readonly token = 'xoxb-test', readonly appToken = 'xapp-test') {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  get apiUrl() {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Queue a behavior for the next matching request(s) to `method`. */
  program(method: string, b: Behavior): void {
    const list = this.behaviors.get(method) ?? [];
    list.push({ times: 1, ...b });
    this.behaviors.set(method, list);
  }

  responseUrl(tag: string): string {
    return `${this.url}/response/${encodeURIComponent(tag)}`;
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesFor(tag: string): ResponsePost[] {
    return this.responses.filter((r) => r.tag === tag);
  }

  /** Top-level messages (not thread replies) in a channel. */
  topLevel(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.thread_ts);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs);
  }

  /** A message someone else posted in a channel (not through the API under test). */
  addMessage(channel: string, text: string, metadata?: any): StoredMessage {
    const m: StoredMessage = { channel, ts: this.nextTs(), text, blocks: [], metadata, updates: 0 };
    this.messages.push(m);
    return m;
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
    this.refused.length = 0;
    this.behaviors.clear();
  }

  private take(method: string, params: Record<string, any>): Behavior | undefined {
    const list = this.behaviors.get(method);
    if (!list) return undefined;
    const i = list.findIndex((b) => !b.match || b.match(params));
    if (i < 0) return undefined;
    const b = list[i]!;
    b.times = (b.times ?? 1) - 1;
    if (b.times <= 0) list.splice(i, 1);
    return b;
  }

  private nextTs(): string {
    this.seq += 1;
    return `${1_800_000_000 + this.seq}.${String(this.seq).padStart(6, '0')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? '';
    if (path.startsWith('/response/')) {
      const tag = decodeURIComponent(path.slice('/response/'.length));
      if (this.expiredResponseUrls.has(tag)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url');
        return;
      }
      this.responses.push({ tag, body: raw ? JSON.parse(raw) : null, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length).split('?')[0]!;
    const params = parseParams(req.headers['content-type'], raw);
    const call: Call = { method, params, auth: req.headers.authorization, at: Date.now(), status: 200 };
    this.calls.push(call);
    const b = this.take(method, params);
    const status = b?.status ?? 200;
    let result: Record<string, any> | undefined;
    const expected = method === 'apps.connections.open' ? this.appToken : this.token;
    if (req.headers.authorization !== `Bearer ${expected}`) result = { ok: false, error: 'invalid_auth' };
    else if (this.tokenDead && method !== 'apps.connections.open') result = { ok: false, error: this.tokenDead };
    else if (b?.error && !b.sideEffect) result = { ok: false, error: b.error };
    else if (status === 200 || b?.sideEffect) result = this.apply(method, params);
    if (b?.error && result) result = { ok: false, error: b.error };
    if (b?.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    call.status = status;
    if (status === 429) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(b?.retryAfter ?? 1) }).end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end('upstream trouble');
      return;
    }
    call.result = result;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  }

  private refuse(method: string, problems: string[]) {
    this.refused.push({ method, problems });
    return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
  }

  /** What Slack would do for a successful call. */
  private apply(method: string, p: Record<string, any>): Record<string, any> {
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'socket_mode_not_enabled' };
      case 'auth.test':
        return { ok: true, url: 'https://clinic.slack.com/', team: 'Clinic', user: 'baton', team_id: 'T0CLINIC', user_id: 'U0BATON', bot_id: 'B0BATON' };
      case 'chat.postMessage': {
        if (!p.channel) return { ok: false, error: 'channel_not_found' };
        if (!p.text && !p.blocks) return { ok: false, error: 'no_text' };
        if (p.blocks) {
          const problems = blockProblems(p.blocks, 50);
          if (problems.length) return this.refuse(method, problems);
        }
        if (p.thread_ts && !this.message(p.channel, p.thread_ts)) return { ok: false, error: 'thread_not_found' };
        const m: StoredMessage = {
          channel: p.channel,
          ts: this.nextTs(),
          text: p.text ?? '',
          blocks: p.blocks ?? [],
          metadata: p.metadata,
          thread_ts: p.thread_ts,
          reply_broadcast: p.reply_broadcast === 'true' || p.reply_broadcast === true,
          updates: 0,
        };
        this.messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts, message: { type: 'message', text: m.text, ts: m.ts, bot_id: 'B0BATON' } };
      }
      case 'chat.update': {
        const m = this.message(p.channel, p.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        if (p.blocks) {
          const problems = blockProblems(p.blocks, 50);
          if (problems.length) return this.refuse(method, problems);
        }
        // Slack drops the blocks when only text is sent: Baton must always resend them.
        m.text = p.text ?? m.text;
        m.blocks = p.blocks ?? (p.text !== undefined ? [] : m.blocks);
        m.updates += 1;
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case 'chat.postEphemeral': {
        if (p.blocks) {
          const problems = blockProblems(p.blocks, 50);
          if (problems.length) return this.refuse(method, problems);
        }
        this.ephemerals.push({ channel: p.channel, user: p.user, text: p.text ?? '', blocks: p.blocks ?? [] });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.open': {
        const users = String(p.users ?? '');
        if (!users) return { ok: false, error: 'users_not_found' };
        return { ok: true, channel: { id: `D${users.replace(/^[UW]/, '')}` } };
      }
      case 'conversations.history': {
        // Newest first, `limit` per page (Slack's default 100), `oldest` exclusive, and an opaque
        // `response_metadata.next_cursor` while `has_more` (docs.slack.dev conversations.history).
        const oldest = Number(p.oldest ?? 0);
        const limit = Number(p.limit ?? 100);
        const skip = p.cursor ? Number(Buffer.from(String(p.cursor), 'base64').toString().replace('next:', '')) : 0;
        const withMeta = p.include_all_metadata === 'true' || p.include_all_metadata === true;
        const all = this.topLevel(p.channel)
          .filter((m) => Number(m.ts) > oldest)
          .reverse();
        const page = all.slice(skip, skip + limit).map((m) => ({ type: 'message', ts: m.ts, text: m.text, bot_id: 'B0BATON', ...(withMeta && m.metadata ? { metadata: m.metadata } : {}) }));
        const more = skip + limit < all.length;
        return { ok: true, messages: page, has_more: more, ...(more ? { response_metadata: { next_cursor: Buffer.from(`next:${skip + limit}`).toString('base64') } } : {}) };
      }
      case 'conversations.info': {
        if (!p.channel) return { ok: false, error: 'channel_not_found' };
        const flags = this.channelInfo.get(p.channel) ?? {};
        return { ok: true, channel: { id: p.channel, name: 'queue', is_channel: true, is_private: p.channel.startsWith('G'), is_shared: false, is_ext_shared: false, is_org_shared: false, is_pending_ext_shared: false, ...flags } };
      }
      case 'views.open': {
        if (!p.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
        const problems = [...blockProblems(p.view?.blocks, 100), ...viewProblems(p.view)];
        if (problems.length) return this.refuse(method, problems);
        this.views.push({ kind: 'open', trigger_id: p.trigger_id, view: p.view });
        return { ok: true, view: { id: `V${this.seq++}`, ...p.view } };
      }
      case 'views.publish': {
        const problems = blockProblems(p.view?.blocks, 100);
        if (problems.length) return this.refuse(method, problems);
        this.views.push({ kind: 'publish', user_id: p.user_id, view: p.view });
        return { ok: true, view: { id: `V${this.seq++}` } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function viewProblems(view: any): string[] {
  const p: string[] = [];
  if (!view || view.type !== 'modal') return ['view.type must be modal'];
  for (const k of ['title', 'submit', 'close'] as const) if (view[k] && view[k].text.length > 24) p.push(`view.${k} > 24`);
  if (view.private_metadata && view.private_metadata.length > 3000) p.push('private_metadata > 3000');
  if (view.callback_id && view.callback_id.length > 255) p.push('callback_id > 255');
  return p;
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
