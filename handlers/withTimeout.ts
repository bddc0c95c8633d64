// Bounds a wait on something outside the process (the queue's Redis): an answer to a person or a platform
// must not hang on it. The work itself is not cancelled; it may still finish later.
/** How long an enqueue may hold up an answer. */
export const ENQUEUE_TIMEOUT_MS = 1000;

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
