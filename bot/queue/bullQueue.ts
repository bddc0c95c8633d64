// The production queue: the same declared jobs on bull (Redis), one bull queue per job name under
// BULL_PREFIX. Retries with exponential backoff are bull's; a job's id comes from its definition, so the same
// work queued twice while it is waiting, delayed or running is one job. Finished periodic jobs are kept for
// an hour so a second scheduler's copy of the same tick is refused; other finished jobs are removed, and
// failed ones kept (a week, 1,000 at most) for GET /api/jobs/failed. A worker that dies mid-job leaves it
// "stalled": bull gives it to another worker after the lock expires (BULL_LOCK_MS). Every call to Redis made
// on someone's behalf is bounded (bot/queue/withTimeout.ts), so Redis being down never hangs an answer.
import Queue, { type Job } from 'bull';
import type { Logger } from 'pino';
import type { JobName, JobPayloads } from '../../handlers/context';
import { invalid, notFound } from '../../handlers/errors';
import type { JobDefinition, JobRegistry } from '../jobs/job';
import type { FailedJob, JobQueue, JobRunObserver, QueueStats } from './types';
import { ENQUEUE_TIMEOUT_MS, STATS_TIMEOUT_MS, withTimeout } from './withTimeout';

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'paused']);

export interface BullQueueOptions {
  redisUrl: string;
  prefix: string;
  /** How long a running job's lock lasts; a worker gone for longer loses the job to another. */
  lockMs: number;
  log: Logger;
  observe?: JobRunObserver;
}

export class BullQueue implements JobQueue {
  readonly kind = 'bull';
  private readonly queues = new Map<JobName, { queue: Queue.Queue; definition: JobDefinition }>();

  constructor(private readonly options: BullQueueOptions) {}

  define(registry: JobRegistry): void {
    const { redisUrl, prefix, lockMs } = this.options;
    for (const definition of Object.values(registry) as JobDefinition[]) {
      const queue = new Queue(definition.name, redisUrl, {
        prefix,
        settings: { lockDuration: lockMs, stalledInterval: Math.max(1000, Math.floor(lockMs / 2)), maxStalledCount: 3 },
      });
      queue.on('error', (error) => this.options.log.error({ job: definition.name, err: error }, 'bull queue error'));
      this.queues.set(definition.name, { queue, definition });
    }
  }

  work(): void {
    for (const { queue, definition } of this.queues.values()) {
      void queue.process(definition.options.concurrency, async (job: Job) => {
        const started = performance.now();
        const observe = this.options.observe ?? (() => undefined);
        try {
          // A job's data comes back from Redis: checked like any input before it is acted on.
          const payload = definition.payload.safeParse(job.data);
          if (!payload.success) throw new Error(`job ${job.id}: its stored payload is invalid: ${payload.error.message}`);
          await definition.perform(payload.data as never);
          observe(definition.name, 'completed', (performance.now() - started) / 1000);
        } catch (caught) {
          observe(definition.name, 'failed', (performance.now() - started) / 1000);
          const error = caught instanceof Error ? caught : new Error(String(caught));
          const isFinal = job.attemptsMade + 1 >= definition.options.attempts;
          try {
            await definition.onFailed(job.data as never, error, { isFinal });
          } catch (reportError) {
            this.options.log.error({ job: job.id, err: reportError }, 'recording a job failure failed too');
          }
          throw error; // bull records the attempt and schedules the retry
        }
      });
    }
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const { queue, definition } = this.entry(name);
    const parsed = definition.payload.safeParse(payload);
    if (!parsed.success) throw invalid(`job ${name}: invalid payload: ${parsed.error.message}`);
    const { attempts, backoffMs } = definition.options;
    const added = queue.add(parsed.data, {
      jobId: definition.jobId(parsed.data),
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: definition.every ? { age: 3600 } : true,
      removeOnFail: { age: 7 * 86_400, count: 1000 },
    });
    await withTimeout(added, ENQUEUE_TIMEOUT_MS, `queueing ${name}`);
  }

  async requeue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const { queue, definition } = this.entry(name);
    const existing = await withTimeout(queue.getJob(definition.jobId(payload)), ENQUEUE_TIMEOUT_MS, `looking up a ${name} job`);
    if (existing) {
      // 'stuck' is a job hash in no list: what an in-flight update recreates after Redis restarted empty.
      if (LIVE_STATES.has(await withTimeout(existing.getState(), ENQUEUE_TIMEOUT_MS, `reading a ${name} job`))) return;
      await existing.remove();
    }
    await this.enqueue(name, payload);
  }

  async stats(): Promise<Record<JobName, QueueStats>> {
    const out = {} as Record<JobName, QueueStats>;
    for (const [name, { queue }] of this.queues) {
      const counts = await withTimeout(queue.getJobCounts(), STATS_TIMEOUT_MS, 'reading the queue');
      out[name] = { waiting: counts.waiting, running: counts.active, delayed: counts.delayed, failed: counts.failed, completed: counts.completed };
    }
    return out;
  }

  async failedJobs(limit = 100): Promise<FailedJob[]> {
    const jobs: FailedJob[] = [];
    for (const [name, { queue }] of this.queues) {
      for (const job of await queue.getFailed(0, limit - 1)) {
        jobs.push({ id: String(job.id), name, payload: job.data, attempts: job.attemptsMade, error: job.failedReason ?? '', failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString() });
      }
    }
    return jobs.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit);
  }

  async retryFailed(id: string): Promise<void> {
    for (const { queue } of this.queues.values()) {
      const job = await queue.getJob(id);
      if (!job) continue;
      if (!(await job.isFailed())) throw invalid(`job ${id} has not failed`);
      await job.retry();
      return;
    }
    throw notFound(`failed job ${id} does not exist`);
  }

  async close(): Promise<void> {
    // Waits for running jobs; waiting ones stay in Redis for the next worker.
    await Promise.all([...this.queues.values()].map(({ queue }) => queue.close()));
  }

  private entry(name: JobName) {
    const entry = this.queues.get(name);
    if (!entry) throw new Error(`job ${name} is not defined`);
    return entry;
  }
}
