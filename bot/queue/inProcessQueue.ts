// The embedded mode's queue: jobs run in this process with retries and exponential backoff. Nothing here
// survives a restart, which is why the database is the source of truth and start-up re-queues unfinished work.
import type { Logger } from 'pino';
import { jobIdFor, type JobPayloads, type QueueName } from '../../handlers/context';
import type { FailureHandler, JobHandler, JobQueue, QueueStats } from './types';

interface Job {
  id: string;
  payload: JobPayloads[QueueName];
  attempt: number;
}

interface Lane {
  handler?: JobHandler<QueueName>;
  onFailure?: FailureHandler<QueueName>;
  concurrency: number;
  waiting: Job[];
  running: number;
  delayed: Set<NodeJS.Timeout>;
  known: Set<string>;
  failed: number;
  completed: number;
}

export interface InProcessQueueOptions {
  attempts: number;
  /** First retry delay; each further retry doubles it, up to a minute. */
  retryDelayMs: number;
  log: Logger;
}

export class InProcessQueue implements JobQueue {
  readonly kind = 'in-process';
  private readonly lanes = new Map<QueueName, Lane>();
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: InProcessQueueOptions) {}

  async enqueue<Q extends QueueName>(queue: Q, payload: JobPayloads[Q]): Promise<void> {
    if (this.closed) throw new Error(`queue ${queue} is closed`);
    const lane = this.lane(queue);
    const id = jobIdFor(queue, payload);
    if (lane.known.has(id)) return;
    lane.known.add(id);
    lane.waiting.push({ id, payload, attempt: 0 });
    setImmediate(() => this.pump(queue));
  }

  process<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, onFailure: FailureHandler<Q>, concurrency = 1): void {
    const lane = this.lane(queue);
    if (lane.handler) throw new Error(`queue ${queue} already has a processor`);
    Object.assign(lane, { handler, onFailure, concurrency });
    setImmediate(() => this.pump(queue));
  }

  async stats(): Promise<Record<string, QueueStats>> {
    const out: Record<string, QueueStats> = {};
    for (const [name, lane] of this.lanes) {
      out[name] = { waiting: lane.waiting.length, running: lane.running, delayed: lane.delayed.size, failed: lane.failed, completed: lane.completed };
    }
    return out;
  }

  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      for (const timer of lane.delayed) clearTimeout(timer);
      lane.delayed.clear();
      lane.waiting.length = 0;
    }
    while ([...this.lanes.values()].some((lane) => lane.running > 0)) await new Promise((r) => setTimeout(r, 10));
    this.notifyIfIdle();
  }

  private lane(queue: QueueName): Lane {
    let lane = this.lanes.get(queue);
    if (!lane) {
      lane = { concurrency: 1, waiting: [], running: 0, delayed: new Set(), known: new Set(), failed: 0, completed: 0 };
      this.lanes.set(queue, lane);
    }
    return lane;
  }

  private pump(queue: QueueName): void {
    const lane = this.lane(queue);
    while (!this.closed && lane.handler && lane.running < lane.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!;
      lane.running += 1;
      void this.run(queue, lane, job).finally(() => {
        lane.running -= 1;
        this.pump(queue);
        this.notifyIfIdle();
      });
    }
  }

  private async run(queue: QueueName, lane: Lane, job: Job): Promise<void> {
    job.attempt += 1;
    try {
      await lane.handler!(job.payload);
      lane.completed += 1;
      lane.known.delete(job.id);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const isFinal = job.attempt >= this.options.attempts || this.closed;
      this.options.log.warn({ queue, job: job.id, attempt: job.attempt, isFinal, err: error }, 'job failed');
      try {
        await lane.onFailure!(job.payload, error, isFinal);
      } catch (reportError) {
        this.options.log.error({ queue, job: job.id, err: reportError }, 'recording a job failure failed too');
      }
      if (isFinal) {
        lane.failed += 1;
        lane.known.delete(job.id);
        return;
      }
      const delay = Math.min(this.options.retryDelayMs * 2 ** (job.attempt - 1), 60_000);
      const timer = setTimeout(() => {
        lane.delayed.delete(timer);
        lane.waiting.push(job);
        this.pump(queue);
      }, delay);
      lane.delayed.add(timer);
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
