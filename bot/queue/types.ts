// The queue seam: named queues with retries. The in-process queue runs the embedded mode; a bull queue on
// Redis implements the same interface for production, so handlers and wiring do not change.
import type { JobPayloads, JobScheduler, QueueName } from '../../handlers/context';

export type JobHandler<Q extends QueueName> = (payload: JobPayloads[Q]) => Promise<void>;
/** Told about every failed run; `isFinal` when no retry is left and a person has to see it. */
export type FailureHandler<Q extends QueueName> = (payload: JobPayloads[Q], error: Error, isFinal: boolean) => Promise<void>;

export interface QueueStats {
  waiting: number;
  running: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface JobQueue extends JobScheduler {
  readonly kind: string;
  process<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, onFailure: FailureHandler<Q>, concurrency?: number): void;
  stats(): Promise<Record<string, QueueStats>>;
  /** Resolves when nothing is waiting, running or scheduled for retry (tests, graceful shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}
