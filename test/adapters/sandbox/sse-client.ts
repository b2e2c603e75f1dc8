export interface SseEvent {
  event: string;
  data: any;
  /** Comment lines (heartbeats) have no event name. */
  comment?: string;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (already received or future) matching `pred`. */
  next(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A minimal EventSource over fetch, so tests see exactly what a page would receive. */
export async function openEvents(url: string): Promise<SseStream> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const parse = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) events.push({ event: '', data: null, comment: line.slice(1).trim() });
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
    for (const w of waiters) w();
  };
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          parse(buf.slice(0, at));
          buf = buf.slice(at + 2);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  const next = (pred: (e: SseEvent) => boolean, timeoutMs = 5_000) =>
    new Promise<SseEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (!hit) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.filter((e) => e.event))}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  return { status: res.status, events, next, ended, close: () => ac.abort() };
}
