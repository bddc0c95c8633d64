// GET /metrics in Prometheus text format (prom-client): what handlers report through the Metrics seam, jobs
// by name and result with their durations, and queue depth read from the queue at scrape time. Each process
// reports its own counters; Prometheus adds them up across instances.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobName, Metrics } from '../handlers/context';
import type { JobQueue } from './queue/types';

export interface BotMetrics extends Metrics {
  registry: Registry;
  /** Called by the queues around every job run. */
  jobRun(name: JobName, result: 'completed' | 'failed', seconds: number): void;
  /** The queue whose depth is read at scrape time. */
  watchQueue(queue: JobQueue): void;
}

export function createMetrics(): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'grid_bot_' });
  const inbound = new Counter({ name: 'grid_bot_inbound_messages_total', help: 'Inbound messages by platform and outcome', labelNames: ['platform', 'outcome'], registers: [registry] });
  const incidents = new Counter({ name: 'grid_bot_incidents_opened_total', help: 'Incidents opened by category and urgency', labelNames: ['category', 'urgency'], registers: [registry] });
  const deliveries = new Counter({ name: 'grid_bot_outbound_sends_total', help: 'Outbound sends by platform and result', labelNames: ['platform', 'result'], registers: [registry] });
  const jobs = new Histogram({
    name: 'grid_bot_job_duration_seconds',
    help: 'Job runs by job name and result',
    labelNames: ['job', 'result'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let watched: JobQueue | null = null;
  new Gauge({
    name: 'grid_bot_queue_jobs',
    help: 'Jobs in the queue by job name and state',
    labelNames: ['job', 'state'],
    registers: [registry],
    async collect() {
      if (!watched) return;
      this.reset();
      for (const [job, stats] of Object.entries(await watched.stats())) {
        for (const state of ['waiting', 'running', 'delayed', 'failed'] as const) this.set({ job, state }, stats[state]);
      }
    },
  });
  return {
    registry,
    inbound: (platform, outcome) => inbound.inc({ platform, outcome }),
    incidentOpened: (category, urgency) => incidents.inc({ category, urgency }),
    delivery: (platform, result) => deliveries.inc({ platform, result }),
    jobRun: (name, result, seconds) => jobs.observe({ job: name, result }, seconds),
    watchQueue: (queue) => void (watched = queue),
  };
}
