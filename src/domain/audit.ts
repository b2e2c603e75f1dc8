/** One append-only audit event (DESIGN.md §3 "Audit"). Built as a value, persisted by the store. */
export interface AuditRecord {
  itemId: string | null;
  /** Staff key, `system`, `ingest:<source>`, or `unknown:<platform user id>` for denied strangers. */
  actor: string;
  platform: string;
  action: string;
  fromState?: string | null | undefined;
  toState?: string | null | undefined;
  reason?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
  at: Date;
}
