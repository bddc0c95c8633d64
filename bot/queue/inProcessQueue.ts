// The embedded mode's queue: declared jobs run in this process with retries and exponential backoff.
// Nothing here survives a restart, which is why the database is the source of truth: the relay and the
// start-up pass queue again whatever is unfinished there.
import type { Logger } from 'pino';
import { invalid, notFound } from '../../handlers/errors';
import type { JobName, JobPayloads } from '../../handlers/context';
import type { JobDefinition, JobRegistry } from '../jobs/job';
import type { FailedJob, JobQueue, JobRunObserver, QueueStats } from './types';

interface Job {
  id: string;
  payload: JobPayloads[JobName];
  attempt: number;
}

interface Lane {
  definition: JobDefinition;
  waiting: Job[];
  running: number;
  delayed: Map<NodeJS.Timeout, Job>;
  known: Set<string>;
  failed: number;
  completed: number;
}

export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process';
  private readonly lanes = new Map<JobName, Lane>();
  private readonly idleWaiters: (() => void)[] = [];
  /** The newest jobs that failed for good, in memory like everything here (the database keeps the effect). */
  private readonly failed: (FailedJob & { payload: JobPayloads[JobName] })[] = [];
  private working = false;
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly observe: JobRunObserver = () => undefined,
  ) {}

  define(registry: JobRegistry): void {
    for (const definition of Object.values(registry) as JobDefinition[]) {
      this.lanes.set(definition.name, { definition, waiting: [], running: 0, delayed: new Map(), known: new Set(), failed: 0, completed: 0 });
    }
  }

  work(): void {
    this.working = true;
    for (const name of this.lanes.keys()) setImmediate(() => this.pump(name));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    if (this.closed) throw new Error(`queue is closed; ${name} not queued`);
    const lane = this.lane(name);
    const parsed = lane.definition.payload.safeParse(payload);
    if (!parsed.success) throw invalid(`job ${name}: invalid payload: ${parsed.error.message}`);
    const id = lane.definition.jobId(parsed.data);
    if (lane.known.has(id)) return;
    lane.known.add(id);
    lane.waiting.push({ id, payload: parsed.data, attempt: 0 });
    setImmediate(() => this.pump(name));
  }

  /** Here a job id is known exactly while its job is live, so queueing again is enqueue. */
  requeue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    return this.enqueue(name, payload);
  }

  async stats(): Promise<Record<JobName, QueueStats>> {
    const out = {} as Record<JobName, QueueStats>;
    for (const [name, lane] of this.lanes) {
      out[name] = { waiting: lane.waiting.length, running: lane.running, delayed: lane.delayed.size, failed: lane.failed, completed: lane.completed };
    }
    return out;
  }

  async failedJobs(limit = 100): Promise<FailedJob[]> {
    return this.failed.slice(-limit).reverse();
  }

  async retryFailed(id: string): Promise<void> {
    const index = this.failed.findIndex((job) => job.id === id);
    if (index < 0) throw notFound(`failed job ${id} does not exist`);
    const [job] = this.failed.splice(index, 1);
    await this.enqueue(job.name, job.payload as never);
  }

  /** Test and bench helper: resolves when nothing is waiting, running or scheduled for retry. */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      for (const timer of lane.delayed.keys()) clearTimeout(timer);
      lane.delayed.clear();
      lane.waiting.length = 0;
    }
    while ([...this.lanes.values()].some((lane) => lane.running > 0)) await new Promise((r) => setTimeout(r, 10));
    this.notifyIfIdle();
  }

  private lane(name: JobName): Lane {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`job ${name} is not defined`);
    return lane;
  }

  private pump(name: JobName): void {
    const lane = this.lane(name);
    while (this.working && !this.closed && lane.running < lane.definition.options.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!;
      lane.running += 1;
      void this.run(lane, job).finally(() => {
        lane.running -= 1;
        this.pump(name);
        this.notifyIfIdle();
      });
    }
  }

  private async run(lane: Lane, job: Job): Promise<void> {
    const { definition } = lane;
    job.attempt += 1;
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      await definition.perform(job.payload as never);
      this.observe(definition.name, 'completed', took());
      lane.completed += 1;
      lane.known.delete(job.id);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      if (this.closed) {
        // Cut short by shutdown: not a failure. The database still says unfinished; the next start queues it.
        this.log.warn({ job: job.id, err: error }, 'job interrupted by shutdown; it runs again after restart');
        lane.known.delete(job.id);
        return;
      }
      this.observe(definition.name, 'failed', took());
      const isFinal = job.attempt >= definition.options.attempts;
      this.log.warn({ job: job.id, attempt: job.attempt, isFinal, err: error }, 'job failed');
      try {
        await definition.onFailed(job.payload as never, error, { isFinal });
      } catch (reportError) {
        this.log.error({ job: job.id, err: reportError }, 'recording a job failure failed too');
      }
      if (isFinal) {
        lane.failed += 1;
        lane.known.delete(job.id);
        this.failed.push({ id: job.id, name: definition.name, payload: job.payload, attempts: job.attempt, error: error.message, failedAt: new Date().toISOString() });
        if (this.failed.length > 1000) this.failed.shift();
        return;
      }
      const delay = Math.min(definition.options.backoffMs * 2 ** (job.attempt - 1), 60_000);
      const timer = setTimeout(() => {
        lane.delayed.delete(timer);
        lane.waiting.push(job);
        this.pump(definition.name);
      }, delay);
      lane.delayed.set(timer, job);
    }
  }

  private isIdle(): boolean {
    return [...this.lanes.values()].every((lane) => lane.waiting.length === 0 && lane.running === 0 && lane.delayed.size === 0);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
