// Growth: the open-past-deadline query over a large incidents table (default 1,000,000 rows, 10,000 of them
// open), on SQLite, with its query plan. The rows are written straight through better-sqlite3 in one
// transaction, as a seeding script would, after the migrations made the schema.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../storage/dataSource';
import { AWAITING_ACCEPT, AWAITING_RESOLUTION, casesWithStepsLeft } from '../storage/queries/openIncidents';

const sqliteTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Writes `rows` incidents into a migrated SQLite file, one in every `rows / 10,000` still open (the rest
 * closed), created 30 s apart up to now, as a seeding script would: straight through better-sqlite3, in one
 * transaction. Returns how long it took.
 */
export function seedIncidents(file: string, rows: number, now = Date.now()): number {
  const started = performance.now();
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  const insert = raw.prepare(
    `INSERT INTO incidents (id, number, category, urgency, status, confidence, classifiedBy, text, place, orgUnitCode, groupId, reporterId,
      sourceMessageId, leadPost, acceptBy, arriveBy, resolveBy, acceptedAt, resolvedAt, createdAt, updatedAt, version)
     VALUES (?, ?, 'fire_hazard', 'high', ?, 0.9, 'rules', '楼道飞线充电', '3栋', NULL, 'g', 'p', ?, 'FIRE', ?, NULL, ?, NULL, NULL, ?, ?, 1)`,
  );
  const openEvery = Math.max(1, Math.round(rows / 10_000));
  raw.transaction(() => {
    for (let i = 0; i < rows; i += 1) {
      const created = new Date(now - (rows - i) * 30_000);
      const status = i % openEvery === 0 ? 'dispatched' : 'closed';
      insert.run(randomUUID(), `S-${i}`, status, randomUUID(), sqliteTime(new Date(created.getTime() + 600_000)), sqliteTime(new Date(created.getTime() + 86_400_000)), sqliteTime(created), sqliteTime(created));
    }
  })();
  raw.close();
  return (performance.now() - started) / 1000;
}

export async function benchDeadlineQuery(rows: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-growth-'));
  const file = path.join(dir, 'growth.sqlite');
  try {
    const migrated = await openDatabase({ type: 'better-sqlite3', file });
    await migrated.close();
    const now = Date.now();
    const seededIn = seedIncidents(file, rows, now);
    const raw = new Database(file);
    const open = (raw.prepare("SELECT count(*) AS n FROM incidents WHERE status = 'dispatched'").get() as { n: number }).n;
    const plan = raw
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM incidents WHERE status IN ('dispatched','returned') AND acceptBy < ? ORDER BY acceptBy ASC LIMIT 500")
      .all(sqliteTime(new Date(now))) as { detail: string }[];
    raw.close();

    const db = await openDatabase({ type: 'better-sqlite3', file });
    try {
      console.log(`\ngrowth: ${rows.toLocaleString('en')} incidents (${open.toLocaleString('en')} open), seeded in ${seededIn.toFixed(1)} s`);
      // The two queries each clock tick starts with (handlers/clock/): cases with accept or resolve steps left.
      const sweeps = {
        'accept sweep (past accept deadline, ladder not complete)': () =>
          casesWithStepsLeft(db.read, { statuses: AWAITING_ACCEPT, deadline: 'acceptBy', horizon: new Date(now), steps: ['accept_reminder', 'accept_leader', 'accept_command'] }),
        'resolve sweep (within 20% of resolve deadline, no 督办 yet)': () =>
          casesWithStepsLeft(db.read, { statuses: AWAITING_RESOLUTION, deadline: 'resolveBy', horizon: new Date(now + 86_400_000), steps: ['resolve_overdue'] }),
      };
      for (const [name, query] of Object.entries(sweeps)) {
        await query(); // warm the page cache
        const times: number[] = [];
        let found = 0;
        for (let run = 0; run < 7; run += 1) {
          const started = performance.now();
          found = (await query()).length;
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        console.log(`  ${name}, first 500: median ${times[3].toFixed(2)} ms, max ${times[6].toFixed(2)} ms over 7 runs, ${found} rows   goal <= 50 ms`);
      }
      console.log(`  query plan (accept): ${plan.map((p) => p.detail).join(' | ')}`);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
