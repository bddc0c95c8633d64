// The queue seam: declared jobs (bot/jobs) queued by name and performed with retries. The in-process queue
// runs the embedded mode; the bull queue on Redis runs production; handlers and wiring do not change.
import type { JobName, JobScheduler } from '../../handlers/context';
import type { JobRegistry } from '../jobs/job';

/** Told about every job run, for /metrics. */
export type JobRunObserver = (name: JobName, result: 'completed' | 'failed', seconds: number) => void;

export interface QueueStats {
  waiting: number;
  running: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** A job that used all its attempts, as GET /api/jobs/failed lists it. */
export interface FailedJob {
  id: string;
  name: JobName;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: string;
}

export interface JobQueue extends JobScheduler {
  readonly kind: string;
  /** The job definitions: enqueue needs them for ids and payload schemas. Once, before anything is queued. */
  define(registry: JobRegistry): void;
  /** The worker role: start performing the defined jobs. */
  work(): void;
  stats(): Promise<Record<JobName, QueueStats>>;
  /** The newest jobs that failed for good, and running one of them again. */
  failedJobs(limit?: number): Promise<FailedJob[]>;
  retryFailed(id: string): Promise<void>;
  /** Stops taking jobs and waits for the running ones; a job cut short is retried later, never marked failed. */
  close(): Promise<void>;
}
