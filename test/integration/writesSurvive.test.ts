// On SQLite every connection-level write used to share the one connection with whatever transaction was
// open, and was rolled back with it. These tests interleave writes with transactions that fail, many
// times, and read the result back through a connection of their own: every committed write must be there.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../storage/dataSource';
import { Counter } from '../../storage/entities';
import { startTestBot } from '../support/testRuntime';

const pause = () => new Promise((resolve) => setImmediate(resolve));

it('keeps every write when failing transactions run in between (storage, 400 interleavings)', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'grid-bot-lane-')), 'db.sqlite');
  const db = await openDatabase({ type: 'better-sqlite3', file }, { maxWriteWaitMs: 2000 });
  const ROUNDS = 400;
  let sawUncommitted = 0;
  try {
    await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        let markOpen!: () => void;
        const isOpen = new Promise<void>((resolve) => (markOpen = resolve));
        const failing = db
          .write(async (manager) => {
            await manager.insert(Counter, { name: `doomed-${i}`, value: -1 });
            markOpen();
            await pause();
            await pause();
            throw new Error('refused inside its transaction');
          })
          .catch(() => undefined);
        // Asked for while the failing transaction is open: on the old shared connection this write ran
        // inside it and was rolled back with it (0 of 400 kept).
        const kept = isOpen.then(() => db.write((manager) => manager.insert(Counter, { name: `kept-${i}`, value: i })));
        // A read meanwhile never sees the doomed row.
        const seen = isOpen.then(() => db.read.countBy(Counter, { value: -1 })).then((n) => (sawUncommitted += n));
        await Promise.all([failing, kept, seen]);
      }),
    );
    // A write nested inside another would wait for itself forever: it is refused, and the lane goes on.
    await expect(db.write(async (manager) => db.write(async () => manager.count(Counter)))).rejects.toThrow(/nested inside another/);
    expect(await db.write((manager) => manager.count(Counter))).toBe(ROUNDS);
  } finally {
    await db.close();
  }
  const check = new Database(file, { readonly: true });
  const rows = check.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[];
  check.close();
  expect(rows.filter((r) => r.name.startsWith('kept-'))).toHaveLength(ROUNDS);
  expect(rows.filter((r) => r.value === -1)).toHaveLength(0);
  expect(sawUncommitted).toBe(0);
});

it('runs a write marked ahead before the background writes already waiting, and in order among its kind (storage)', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'grid-bot-lane-')), 'db.sqlite');
  const db = await openDatabase({ type: 'better-sqlite3', file });
  const order: string[] = [];
  const record = (name: string, options?: { ahead: boolean }) => db.write(async (manager) => {
    order.push(name);
    await manager.insert(Counter, { name, value: order.length });
  }, options);
  try {
    let release!: () => void;
    const running = db.write(() => new Promise<void>((resolve) => (release = resolve)));
    const writes = [record('background 1'), record('background 2'), record('ack 1', { ahead: true }), record('ack 2', { ahead: true })];
    await pause();
    release();
    await Promise.all([running, ...writes]);
    expect(order).toEqual(['ack 1', 'ack 2', 'background 1', 'background 2']);
    expect(await db.read.count(Counter)).toBe(4);
  } finally {
    await db.close();
  }
});

it('keeps every delivery marked sent while refused card actions roll back around it (whole bot, 40 reports)', async () => {
  const bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '1000' });
  try {
    const groups = (await bot.call('GET', '/sandbox/groups')).body.groups as { id: string; kind: string; members: { userId: string; posts: string[] }[] }[];
    const residentGroups = groups.filter((g) => g.kind === 'resident');
    const post = (i: number, text: string) => {
      const group = residentGroups[i % residentGroups.length];
      const residents = group.members.filter((m) => m.posts.length === 0);
      return bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: residents[i % residents.length].userId, text });
    };
    await post(0, '4栋外墙的瓷砖掉下来了，差点砸到人');
    await bot.settle();
    const incident = (await bot.call('GET', '/api/incidents')).body.items[0];
    const leadGroup = groups.find((g) => g.kind === 'worker' && (g as { post?: string }).post === incident.leadPost)!;
    const leadMessages = (await bot.call('GET', `/sandbox/groups/${leadGroup.id}/messages`)).body.messages as { card: { id: string; incidentId: string } | null }[];
    const cardId = leadMessages.find((m) => m.card?.incidentId === incident.id)!.card!.id;
    const outsider = residentGroups[0].members.find((m) => m.posts.length === 0)!.userId;

    // While every report is classified, dispatched and delivered, transactions keep opening and failing:
    // refused clicks over HTTP, and a transaction held open a few milliseconds before it throws.
    const ROUNDS = 40;
    let delivering = true;
    let refused = 0;
    let rolledBack = 0;
    const clicking = (async () => {
      while (delivering) {
        const answers = await Promise.all(Array.from({ length: 4 }, () => bot.call('POST', `/sandbox/cards/${cardId}/actions`, { userId: outsider, key: 'accept' })));
        refused += answers.filter((a) => a.status === 403).length;
      }
    })();
    const failing = (async () => {
      while (delivering) {
        await bot.runtime.context.db
          .write(async () => {
            await new Promise((resolve) => setTimeout(resolve, 3));
            throw new Error('refused');
          })
          .catch(() => (rolledBack += 1));
      }
    })();
    await Promise.all(Array.from({ length: ROUNDS }, (_, round) => post(round + 1, `${round + 1}栋楼道的灯坏了，晚上黑黢黢的（第${round + 1}次反映）`)));
    await bot.settle();
    delivering = false;
    await Promise.all([clicking, failing]);
    await bot.settle();
    expect(refused).toBeGreaterThan(0);
    expect(rolledBack).toBeGreaterThan(0);
    const file = path.join(bot.runtime.config.dataDir, 'grid-bot.sqlite');
    const check = new Database(file, { readonly: true });
    const unsent = check.prepare("SELECT status, count(*) AS n FROM outbound_messages WHERE status != 'sent' GROUP BY status").all();
    const sent = (check.prepare("SELECT count(*) AS n FROM outbound_messages WHERE status = 'sent'").get() as { n: number }).n;
    const unhandled = (check.prepare("SELECT count(*) AS n FROM inbound_messages WHERE status = 'received'").get() as { n: number }).n;
    check.close();
    expect(unsent).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(ROUNDS * 2);
    expect(unhandled).toBe(0);
  } finally {
    await bot.stop();
  }
});
