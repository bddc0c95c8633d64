// Bounds a wait on Redis: with Redis down, ioredis holds commands for its retries, and an acknowledgement
// to a platform or a health check must not hang on that. The work itself is not cancelled.
/** How long an enqueue may hold up its caller (the relay queues again whatever did not make it). */
export const ENQUEUE_TIMEOUT_MS = 1000;
/** How long reading the queue's counts may take. */
export const STATS_TIMEOUT_MS = 2000;

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
