import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. Labels are queue keys, platforms and outcomes only — never patient data. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'baton_process_' });
  return {
    registry,
    ingested: new Counter({ name: 'baton_messages_ingested_total', help: 'Portal messages received, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    actions: new Counter({ name: 'baton_item_actions_total', help: 'Commands on work items, by command and outcome', labelNames: ['command', 'outcome'] as const, registers: [registry] }),
    delivered: new Counter({ name: 'baton_outbox_delivered_total', help: 'Outbound platform calls, by platform, kind and result', labelNames: ['platform', 'kind', 'result'] as const, registers: [registry] }),
    outboxDepth: new Gauge({ name: 'baton_outbox_pending', help: 'Outbox rows not yet delivered', registers: [registry] }),
    outboxOldest: new Gauge({ name: 'baton_outbox_oldest_age_seconds', help: 'Age of the oldest undelivered outbox row', registers: [registry] }),
    claimWait: new Histogram({ name: 'baton_claim_wait_seconds', help: 'Time from arrival to first claim', labelNames: ['queue'] as const, buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200], registers: [registry] }),
    slaBreaches: new Counter({ name: 'baton_sla_breaches_total', help: 'Items that passed a response target', labelNames: ['queue', 'phase'] as const, registers: [registry] }),
    ingestSeconds: new Histogram({ name: 'baton_ingest_seconds', help: 'Time to store one message durably', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
