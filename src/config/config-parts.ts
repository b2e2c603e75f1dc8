import { configSchema, queueSchema, slaPolicySchema, staffSchema, type ParsedConfig } from './schema.ts';

/** A list section entry by entry: each entry as parsed, or `undefined` where it has problems of its own; `raw` is what was written. */
export interface ListPart<T> {
  entries: Array<T | undefined>;
  raw: unknown[];
}

type Lists = 'staff' | 'queues' | 'sla';

/**
 * The config as far as it parsed, section by section (the lists entry by entry), so the checks
 * that follow the schema — cross-references, business hours, triage rules — run on every part
 * that is sound and stay silent about a part whose own problems are already listed. A section
 * that did not parse is absent.
 */
export type ConfigParts = Partial<Omit<ParsedConfig, Lists>> & { [K in Lists]?: ListPart<ParsedConfig[K][number]> } & {
  /** The document as written, for a check that still has something to say about a section that did not parse. */
  written?: Record<string, unknown>;
};

const LIST_ENTRY = { staff: staffSchema, queues: queueSchema, sla: slaPolicySchema } as const;

export function configParts(raw: unknown): ConfigParts {
  const doc = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const parts: Record<string, unknown> = { written: doc };
  for (const [key, schema] of Object.entries(configSchema.shape)) {
    const value = doc[key];
    if (key in LIST_ENTRY) {
      if (!Array.isArray(value)) continue;
      const entry = LIST_ENTRY[key as Lists];
      parts[key] = { entries: value.map((v) => entry.safeParse(v).data), raw: value } satisfies ListPart<unknown>;
      continue;
    }
    const r = schema.safeParse(value);
    if (r.success) parts[key] = r.data;
  }
  return parts as ConfigParts;
}

/** A field of a list entry that did not parse, when it is there as written (a failed staff entry's `key` still names someone). */
export function rawField(list: ListPart<unknown>, i: number, field: string): unknown {
  const e = list.raw[i];
  return e && typeof e === 'object' ? (e as Record<string, unknown>)[field] : undefined;
}
