// The scheduler role: node-cron ticks that enqueue the periodic jobs of the registry, in the street's time
// zone. Each tick is queued under an id carrying its scheduled second, so any number of scheduler instances
// queue it once: the in-process queue and bull both refuse a second job with a live job's id (bull keeps
// finished periodic jobs for an hour for that). The relay is the exception: every scheduler performs it on
// its own tick, without the queue (see performedByScheduler). Ticks missed while no scheduler ran are not made up: the
// periodic jobs look at the database's state, not at what happened since the last tick.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { JobName } from '../handlers/context';
import { tickOf, type JobRegistry } from './jobs/job';
import type { JobQueue } from './queue/types';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(registry: JobRegistry, queue: JobQueue, options: { timeZone: string; log: Logger }): Scheduler {
  const tasks: ScheduledTask[] = [];
  for (const definition of Object.values(registry)) {
    if (!definition.every) continue;
    const name = definition.name as Extract<JobName, 'relay' | 'deliveryRetries'>;
    const task = cron.schedule(
      definition.every,
      async ({ date }) => {
        const payload = { tick: tickOf(date) };
        try {
          if (definition.performedByScheduler) await definition.perform(payload as never);
          else await queue.enqueue(name, payload);
        } catch (error) {
          options.log.error({ job: name, err: error }, 'periodic job failed on its tick; the next tick runs it again');
        }
      },
      { timezone: options.timeZone, name, noOverlap: true },
    );
    tasks.push(task);
  }
  options.log.info({ jobs: tasks.map((t) => t.name) }, 'scheduler started');
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}
