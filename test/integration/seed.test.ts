import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDemoStreet } from '../../seeds/demoStreet';
import { seedDatabase } from '../../seeds/seed';
import { loadTaxonomy } from '../../seeds/taxonomy';
import { openDatabase } from '../../storage/dataSource';
import { ALL_ENTITIES, Person } from '../../storage/entities';

describe('seeding', () => {
  it('is idempotent: a second run changes nothing, an edited name is updated in place', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-seed-'));
    const db = await openDatabase({ type: 'better-sqlite3', file: path.join(dir, 'db.sqlite') });
    try {
      const taxonomy = loadTaxonomy();
      const demo = loadDemoStreet();
      const counts = async () =>
        Object.fromEntries(await Promise.all(ALL_ENTITIES.map(async (e) => [e.name, await db.read.count(e)])));

      const report = await seedDatabase(db, taxonomy, demo);
      expect(report).toMatchObject({ posts: taxonomy.data.posts.length, groups: demo.groups.length });
      const afterFirst = await counts();
      expect(afterFirst.Post).toBe(taxonomy.data.posts.length);
      expect(afterFirst.ChatGroup).toBe(demo.groups.length);

      await seedDatabase(db, taxonomy, demo);
      expect(await counts()).toEqual(afterFirst);

      const renamed = structuredClone(demo);
      renamed.groups[0].members[0].name = '王秀英（已改名）';
      await seedDatabase(db, taxonomy, renamed);
      expect(await counts()).toEqual(afterFirst);
      const person = await db.read.findOneByOrFail(Person, { platformUserId: demo.groups[0].members[0].userId });
      expect(person.name).toBe('王秀英（已改名）');
    } finally {
      await db.close();
    }
  });

  it('refuses a demo street that names a post the taxonomy does not have', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-seed-'));
    const db = await openDatabase({ type: 'better-sqlite3', file: path.join(dir, 'db.sqlite') });
    try {
      const broken = structuredClone(loadDemoStreet());
      broken.groups.find((g) => g.kind === 'worker')!.post = 'ASTRONAUT';
      await expect(seedDatabase(db, loadTaxonomy(), broken)).rejects.toThrow(/unknown post ASTRONAUT/);
    } finally {
      await db.close();
    }
  });
});
