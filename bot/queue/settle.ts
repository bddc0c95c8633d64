// Waits until a queue has nothing waiting, running or delayed: for tests and the bench, never for the app
// (in production the queue is never "done"). The in-process queue knows exactly; bull is polled.
import { InProcessQueue } from './inProcessQueue';
import type { JobQueue } from './types';

export async function settle(queue: JobQueue, timeoutMs = 60_000): Promise<void> {
  if (queue instanceof InProcessQueue) return queue.drain();
  const deadline = Date.now() + timeoutMs;
  let idleChecks = 0;
  while (idleChecks < 2) {
    const busy = Object.values(await queue.stats()).some((s) => s.waiting + s.running + s.delayed > 0);
    idleChecks = busy ? 0 : idleChecks + 1;
    if (Date.now() > deadline) throw new Error(`queue still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
