import { groupCommit } from '../../storage/groupCommit';

/** A writer that records each batch it was given and answers once released. */
function recordingWriter(failOn?: string) {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: string[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) =>
      releases.push(() => (failOn && items.includes(failOn) ? reject(new Error(`cannot store ${failOn}`)) : resolve(items.map((item) => `stored ${item}`)))),
    );
  };
  return { batches, releaseNext: () => releases.shift()?.(), write };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes what arrived in one turn of the event loop together, and what arrives during that write in the next batch', async () => {
    const writer = recordingWriter();
    const store = groupCommit(writer.write);
    const first = Promise.all(['a', 'b'].map(store));
    expect(writer.batches).toEqual([]);
    await settle();
    const rest = ['c', 'd', 'e'].map(store);
    expect(writer.batches).toEqual([['a', 'b']]);
    writer.releaseNext();
    await expect(first).resolves.toEqual(['stored a', 'stored b']);
    await settle();
    expect(writer.batches).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    writer.releaseNext();
    await expect(Promise.all(rest)).resolves.toEqual(['stored c', 'stored d', 'stored e']);
  });

  it('answers no caller before the batch holding its item has been written', async () => {
    const writer = recordingWriter();
    const store = groupCommit(writer.write);
    let answered = false;
    void store('a').then(() => (answered = true));
    await settle();
    expect(answered).toBe(false);
    writer.releaseNext();
    await settle();
    expect(answered).toBe(true);
  });

  it('keeps batches within maxBatch', async () => {
    const writer = recordingWriter();
    const store = groupCommit(writer.write, { maxBatch: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map(store);
    await settle();
    for (let i = 0; i < 4; i++) {
      writer.releaseNext();
      await settle();
    }
    await Promise.all(all);
    expect(writer.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails only the bad item of a failed batch: the others are written again one by one', async () => {
    const writer = recordingWriter('c');
    const store = groupCommit(writer.write);
    const first = store('a');
    await settle();
    const rest = ['b', 'c', 'd'].map((item) => store(item).then((stored) => stored, (error: Error) => error.message));
    writer.releaseNext();
    await first;
    for (let i = 0; i < 4; i++) {
      await settle();
      writer.releaseNext();
    }
    await expect(Promise.all(rest)).resolves.toEqual(['stored b', 'cannot store c', 'stored d']);
    expect(writer.batches).toEqual([['a'], ['b', 'c', 'd'], ['b'], ['c'], ['d']]);
  });
});
