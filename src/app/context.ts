import type { OnCallRota } from '../domain/on-call.ts';
import type { PatientTokenStyle } from '../domain/patient-token.ts';
import type { Roster } from '../domain/roster.ts';
import type { SlaContext } from '../domain/sla.ts';
import type { TriageRules } from '../domain/triage/index.ts';
import type { Category } from '../domain/types.ts';
import type { DigestSettings } from './digest.ts';
import type { Clock, Store } from './ports.ts';

export interface Routing {
  categories: Partial<Record<Category, string>>;
  defaultQueue: string;
  redFlagQueue: string;
}

/** What use cases report for metrics. Labels are queue keys and small enums: never patient data. */
export interface Telemetry {
  claimed(queue: string, waitSeconds: number): void;
  /** Every command's outcome: `ok` or the failure code. */
  acted(command: string, outcome: string): void;
  slaBreached(queue: string, phase: 'claim' | 'response'): void;
}

/** `physicianPool` of the config: where escalations to no named physician go, and who takes them first. */
export interface PhysicianPool {
  name: string;
  slackChannel?: string | undefined;
  teamsChannel?: string | undefined;
  /** The on-call rota; absent: the whole pool gets each escalation at once. */
  onCall?: OnCallRota | undefined;
  /** Minutes (wall clock) an escalation offered to the on-call physician waits unclaimed before the whole pool gets it. */
  onCallFallbackAfter: number;
}

/**
 * Everything a use case needs: the store, the clock and the settings from the config file. One
 * value is one config: `main.ts` builds a new one when the config is reloaded, and never changes
 * one that is in use.
 */
export interface AppContext {
  store: Store;
  clock: Clock;
  roster: Roster;
  triageRules: TriageRules;
  routing: Routing;
  sla: SlaContext;
  card: { patientToken: PatientTokenStyle; messageText: 'none' | 'excerpt' | 'full'; excerptLength: number };
  pool: PhysicianPool;
  /** The managers' daily digest settings. */
  digest: DigestSettings;
  /** Chat platforms cards are delivered to (`slack`, `teams`, `sandbox`): one outbox row each. */
  platforms: readonly string[];
  newId(): string;
  telemetry?: Telemetry;
}

/**
 * The context as of now. Whatever lives as long as the server (adapters, HTTP routes, the
 * scheduler, the outbox worker) holds this instead of a context, and reads it once at the start
 * of each request, delivery or tick, then uses that one value throughout: a config reload never
 * changes the config under work in flight, and the next request sees the new one.
 */
export type ContextSource = () => AppContext;

export function queueFor(routing: Routing, category: Category, redFlag: boolean): string {
  if (redFlag) return routing.redFlagQueue;
  return routing.categories[category] ?? routing.defaultQueue;
}
