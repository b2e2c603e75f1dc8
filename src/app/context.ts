import type { PatientTokenStyle } from '../domain/patient-token.ts';
import type { Roster } from '../domain/roster.ts';
import type { SlaContext } from '../domain/sla.ts';
import type { TriageRules } from '../domain/triage/index.ts';
import type { Category } from '../domain/types.ts';
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

/** Everything a use case needs, built once in `main.ts` from the parsed config. */
export interface AppContext {
  store: Store;
  clock: Clock;
  roster: Roster;
  triageRules: TriageRules;
  routing: Routing;
  sla: SlaContext;
  card: { patientToken: PatientTokenStyle; messageText: 'none' | 'excerpt' | 'full'; excerptLength: number };
  /** Chat platforms cards are delivered to (`slack`, `teams`, `sandbox`): one outbox row each. */
  platforms: readonly string[];
  newId(): string;
  telemetry?: Telemetry;
}

export function queueFor(routing: Routing, category: Category, redFlag: boolean): string {
  if (redFlag) return routing.redFlagQueue;
  return routing.categories[category] ?? routing.defaultQueue;
}
