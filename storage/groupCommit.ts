// Group commit: items from concurrent callers are written together, one transaction for many, and each
// caller is answered when the transaction holding its item has committed. A batch starts once the event
// loop has read what the sockets had (setImmediate runs after the poll phase), and while it is being
// written the next items wait and form the following one: an item alone goes after one turn of the loop,
// and under load a batch holds everything that arrived meanwhile, so commits stay few as the items grow.
// (SQLite commits synchronously: without the wait for the poll phase every batch would hold one item.)

export interface GroupCommitOptions {
  /** Items in one transaction at most (SQLite binds at most 32,766 parameters a statement). */
  maxBatch?: number;
}

/**
 * `writeBatch` gets the items in arrival order and returns one result per item, in the same order. If a
 * batch of several fails, each of its items is written again on its own, so one bad item fails alone
 * instead of taking the others with it.
 */
export function groupCommit<I, O>(writeBatch: (items: I[]) => Promise<O[]>, options: GroupCommitOptions = {}): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 200;
  let waiting: Waiter<I, O>[] = [];
  let isWriting = false;
  let isScheduled = false;

  const writeInTurn = async (batch: Waiter<I, O>[]): Promise<void> => {
    try {
      const results = await writeBatch(batch.map((waiter) => waiter.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((waiter, i) => waiter.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const waiter of batch) await writeInTurn([waiter]);
    }
  };

  const drain = async (): Promise<void> => {
    isScheduled = false;
    isWriting = true;
    try {
      while (waiting.length) {
        const batch = waiting.length > maxBatch ? waiting.splice(0, maxBatch) : waiting;
        if (batch === waiting) waiting = [];
        await writeInTurn(batch);
      }
    } finally {
      isWriting = false;
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!isWriting && !isScheduled) {
        isScheduled = true;
        setImmediate(() => void drain());
      }
    });
}

interface Waiter<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}
