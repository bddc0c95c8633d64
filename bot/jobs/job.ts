// A job is one declared unit (in the spirit of outline's server/queues/tasks): its name, the schema of its
// payload, the id it is queued under (derived from the payload, so queueing the same work twice is one job),
// what it performs, what happens when an attempt fails, and how it runs. The in-process queue and bull run
// the same definitions; the roles pick what they run from the registry (bot/jobs/registry.ts).
import type { z } from 'zod';
import type { JobName, JobPayloads } from '../../handlers/context';

export interface JobOptions {
  /** Runs before the job counts as failed for good. */
  attempts: number;
  /** First retry delay; it doubles with each attempt, up to a minute. */
  backoffMs: number;
  /** Jobs of this kind running at once in one worker process. */
  concurrency: number;
}

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  payload: z.ZodType<JobPayloads[N]>;
  jobId(payload: JobPayloads[N]): string;
  perform(payload: JobPayloads[N]): Promise<void>;
  /** Told about every failed attempt; `isFinal` when none is left and a person has to see it. */
  onFailed(payload: JobPayloads[N], error: Error, attempt: { isFinal: boolean }): Promise<void>;
  options: JobOptions;
  /** Periodic jobs: a cron expression (with seconds) the scheduler role enqueues a tick on. */
  every?: string;
  /**
   * Performed by every scheduler instance on its own tick instead of being queued: for the relay, which must
   * work exactly when the queue does not (Redis just came back empty), and which is safe to run on every
   * instance because all it does is queue jobs under their ids.
   */
  performedByScheduler?: boolean;
}

/** The registry's type: one definition per job name. */
export type JobRegistry = { [N in JobName]: JobDefinition<N> };

/** A tick's id part: its scheduled time to the second, the same on every scheduler instance. */
export function tickOf(scheduledAt: Date): string {
  return new Date(Math.floor(scheduledAt.getTime() / 1000) * 1000).toISOString();
}
