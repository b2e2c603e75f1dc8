import type { AppContext } from '../../src/app/context.ts';
import type { Clock, Store } from '../../src/app/ports.ts';
import { appSettings } from '../../src/config/app-settings.ts';
import { loadConfig, type BatonConfig } from '../../src/config/load.ts';
import { MemoryStore } from '../fakes/memory-store.ts';

export class FixedClock implements Clock {
  constructor(public t: Date = new Date('2026-12-01T15:00:00Z')) {} // a Tuesday, 09:00 in Chicago
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

let cached: BatonConfig | undefined;
export function exampleConfig(): BatonConfig {
  if (cached) return cached;
  const r = loadConfig();
  if (!r.ok) throw new Error(`example config invalid:\n${r.problems.join('\n')}`);
  return (cached = r.config);
}

let ids = 0;
export function contextFor(store: Store, clock: Clock = new FixedClock(), platforms: string[] = ['sandbox']): AppContext {
  const c = exampleConfig();
  return {
    store,
    clock,
    ...appSettings(c),
    platforms,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
}

export function memoryContext(platforms?: string[]) {
  const store = new MemoryStore();
  const clock = new FixedClock();
  return { store, clock, ctx: contextFor(store, clock, platforms) };
}

/** A generic portal message with sensible defaults; the names are synthetic test patients. */
export function portalMessage(over: Partial<Record<string, unknown>> = {}) {
  return {
    source: 'portal',
    externalId: `m-${Math.random().toString(36).slice(2)}`,
    sentAt: new Date('2026-12-01T14:55:00Z'),
    patient: { id: 'pt-1', name: 'Testa Patientson', mrn: '55501234', pcp: 'dr-cho' },
    subject: 'Refill request',
    body: 'I ran out of my blood pressure pills, please send a refill to my pharmacy.',
    ...over,
  } as import('../../src/app/ingest-message.ts').IncomingMessage;
}
