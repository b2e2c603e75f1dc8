import type { Response } from 'express';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import type { WorkItem } from '../../src/domain/work-item.ts';
import { channelsForItem } from './visibility.ts';

interface Subscriber {
  /** Who the page acts as, as the roster said when it connected; `now()` reads the current roster. */
  viewer: StaffMember;
  res: Response;
  heartbeat: NodeJS.Timeout;
}

/**
 * Open pages, reached over Server-Sent Events. The database is the truth: an item event only
 * says "item X changed" (an opaque id) and each page re-reads what its viewer may see. Text
 * (thread notes, DMs, digests) goes only to the people who would see it on Slack or Teams.
 */
export class EventHub {
  private readonly subs = new Set<Subscriber>();

  constructor(
    private readonly roster: () => Roster,
    private readonly heartbeatMs = 15_000,
  ) {}

  /** Each open page's viewer as the roster says now (a reload may have changed or removed them). */
  private *viewers(): Generator<[Subscriber, StaffMember]> {
    const roster = this.roster();
    for (const s of this.subs) {
      const viewer = roster.member(s.viewer.key);
      if (viewer) yield [s, viewer];
    }
  }

  get size(): number {
    return this.subs.size;
  }

  /** Takes over the response as an event stream until the page goes away or `closeAll()`. */
  subscribe(viewer: StaffMember, res: Response): void {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back in a buffer.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    // Comments keep idle connections (and the proxies in between) from timing out.
    const heartbeat = setInterval(() => this.write(sub, ': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const sub: Subscriber = { viewer, res, heartbeat };
    this.subs.add(sub);
    res.on('close', () => this.drop(sub));
    this.send(sub, 'hello', { viewer: viewer.key });
  }

  itemChanged(itemId: string): void {
    for (const s of this.subs) this.send(s, 'item', { itemId });
  }

  /** A thread line: only to viewers who can see the item (its text may name a reason). */
  note(item: WorkItem, text: string): void {
    const roster = this.roster();
    for (const [s, viewer] of this.viewers()) if (channelsForItem(roster, viewer, item).length) this.send(s, 'note', { itemId: item.id, text });
  }

  /** A DM to one person, or to every physician when it is for the pool. */
  direct(to: string | null, itemId: string, text: string): void {
    for (const [s, viewer] of this.viewers()) {
      if (to === null ? viewer.physician : viewer.key === to) this.send(s, 'dm', { itemId, text, pool: to === null });
    }
  }

  /** A page (a mention on Slack or Teams): a notice to each of these people, naming the item. */
  page(keys: ReadonlySet<string>, itemId: string, text: string): void {
    for (const s of this.subs) if (keys.has(s.viewer.key)) this.send(s, 'dm', { itemId, text, page: true });
  }

  /** The manager's page re-reads the digest itself; the event only says it was delivered. */
  digest(to: string): void {
    for (const s of this.subs) if (s.viewer.key === to) this.send(s, 'digest', {});
  }

  closeAll(): void {
    for (const s of [...this.subs]) {
      this.drop(s);
      s.res.end();
    }
  }

  private send(s: Subscriber, event: string, data: unknown) {
    this.write(s, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(s: Subscriber, chunk: string) {
    if (s.res.writableEnded || s.res.destroyed) return this.drop(s);
    s.res.write(chunk);
  }

  private drop(s: Subscriber) {
    clearInterval(s.heartbeat);
    this.subs.delete(s);
  }
}
