import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver, EngineStats } from './engine/engine.js';
import type { ExecutionStatus } from './store/schema.js';

export interface Metrics {
  /** Handed to the engine: a counter and two histograms per attempt, one histogram per claim. */
  engineObserver: EngineObserver;
  /** The engine whose queue depth each scrape reads. */
  watchEngine(stats: () => EngineStats): void;
  /** A request refused with 429, by route class (or `ip`). */
  rateLimited(rateClass: string): void;
  contentType: string;
  /** The Prometheus text exposition of everything above plus the process's own figures. */
  render(): Promise<string>;
}

const statuses: readonly ExecutionStatus[] = ['success', 'failed', 'timeout', 'dead_letter'];

/**
 * Kairos's metrics in a registry of its own (never prom-client's global one), so several servers
 * in one process, as in the tests, each count only their own work.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const executions = new Counter({
    name: 'kairos_executions_total',
    help: 'Delivery attempts recorded, by outcome.',
    labelNames: ['status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kairos_delivery_duration_seconds',
    help: 'Time from sending a delivery to its response, timeout or failure.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'kairos_delivery_lateness_seconds',
    help: 'Start of a delivery attempt minus the instant it was due.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const claims = new Histogram({
    name: 'kairos_claim_batch_size',
    help: 'Due runs leased by one claim.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'kairos_rate_limited_total',
    help: 'Requests refused with 429, by rate-limit class.',
    labelNames: ['class'],
    registers: [registry],
  });

  let engineStats: (() => EngineStats) | undefined;
  new Gauge({
    name: 'kairos_queue_depth',
    help: 'Runs this node holds: held in all, waiting for their instant or a delivery slot, in flight, and outcomes not yet written.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (!engineStats) return;
      const s = engineStats();
      this.set({ state: 'held' }, s.held);
      this.set({ state: 'waiting' }, s.waiting);
      this.set({ state: 'in_flight' }, s.inFlight);
      this.set({ state: 'unwritten' }, s.unwritten);
    },
  });

  // Label lookups resolved once, so an attempt costs an increment and two observations.
  const byStatus = new Map(statuses.map((s) => [s, executions.labels(s)]));
  for (const child of byStatus.values()) child.inc(0);

  return {
    engineObserver: {
      executed(status, durationMs, latenessMs) {
        (byStatus.get(status) ?? executions.labels(status)).inc();
        duration.observe(durationMs / 1000);
        lateness.observe(latenessMs / 1000);
      },
      claimed(count) {
        claims.observe(count);
      },
    },
    watchEngine(stats) {
      engineStats = stats;
    },
    rateLimited(rateClass) {
      limited.inc({ class: rateClass });
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
