import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A fake Slack Socket Mode endpoint: a minimal RFC 6455 WebSocket server (text, ping/pong and
 * close frames; enough for @slack/socket-mode's undici client). It greets with `hello` like
 * Slack, sends envelopes, and records the acks the app sends back.
 */
export class FakeSocketMode {
  private readonly server = http.createServer((_req, res) => res.writeHead(426).end());
  private sockets = new Set<Duplex>();
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  connections = 0;
  url = '';

  constructor() {
    this.server.on('upgrade', (req, socket) => this.upgrade(req, socket));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Sends an envelope (what Slack sends for an interaction, a slash command or an event). */
  send(envelope: { envelope_id: string; type: 'interactive' | 'slash_commands' | 'events_api'; payload: unknown; accepts_response_payload?: boolean; retry_attempt?: number; retry_reason?: string }): void {
    for (const s of this.sockets) this.frame(s, 0x1, Buffer.from(JSON.stringify(envelope)));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex) {
    const key = req.headers['sec-websocket-key'];
    if (!key) return socket.destroy();
    const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    this.sockets.add(socket);
    this.connections += 1;
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const f = readFrame(buf);
        if (!f) break;
        buf = buf.subarray(f.length);
        if (f.opcode === 0x1) this.acks.push(JSON.parse(f.payload.toString('utf8')));
        else if (f.opcode === 0x9) this.frame(socket, 0xa, f.payload);
        else if (f.opcode === 0x8) {
          this.frame(socket, 0x8, f.payload);
          socket.end();
        }
      }
    });
    this.frame(socket, 0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0BATON' } })));
  }

  private frame(socket: Duplex, opcode: number, payload: Buffer) {
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
    if (!socket.destroyed) socket.write(Buffer.concat([head, payload]));
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** One complete client frame (masked, as clients must send), or null if more bytes are needed. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (buf.length < 2) return null;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  const mask = masked ? buf.subarray(at, at + 4) : null;
  if (masked) at += 4;
  if (buf.length < at + len) return null;
  const payload = Buffer.from(buf.subarray(at, at + len));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { opcode, payload, length: at + len };
}
