// 6+1 任务清单: the morning job gives every grid worker one list a day for their grid, as a card in the GRID
// group naming them, however often it runs; only the list's worker ticks an item (recorded, the card updated),
// a second tick changes nothing; the evening job tells the GRID group the unfinished lists once; the completion
// figures count what was done.
import { dailyTaskCompletion, loadDailyTaskPlan } from '../../handlers/grid/dailyTasks';
import { DailyTaskItem, DailyTaskList, Person } from '../../storage/entities';
import { createDataSource } from '../../storage/dataSource';
import { startTestBot, type TestBot } from '../support/testRuntime';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface DailyCard { kind: 'daily_tasks'; id: string; workerName: string; workerUserId: string; day: string; items: { position: number; title: string; done: boolean; doneAt: string | null }[]; statusLine: string }

describe('the grid worker\'s day (6+1 任务清单)', () => {
  let bot: TestBot;
  let groups: Group[];
  // 2026-12-03 08:00 in the street.
  let now = Date.parse('2026-12-03T00:00:00Z');
  beforeAll(async () => {
    bot = await startTestBot({ QUIET_HOURS: 'off', DAILY_TASKS_CRON: 'off', DAILY_TASKS_EVENING_CRON: 'off' }, false, { clock: () => new Date(now) });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot?.stop());

  const gridGroup = () => groups.find((g) => g.kind === 'worker' && g.post === 'GRID')!;
  const messages = async () => (await bot.call('GET', `/sandbox/groups/${gridGroup().id}/messages?limit=500`)).body.messages as { from: string; text: string; card: DailyCard | null }[];
  const cards = async () => (await messages()).map((m) => m.card).filter((c): c is DailyCard => c?.kind === 'daily_tasks');
  const run = async (job: 'dailyTasks' | 'dailyTasksEvening') => {
    now += 1000;
    await bot.runtime.context.jobs.enqueue(job, { tick: new Date(now).toISOString() });
    await bot.settle();
  };
  const tick = async (card: DailyCard, userId: string, item: number) => {
    now += 1000;
    const answer = await bot.call('POST', `/sandbox/daily-tasks/${card.id}/actions`, { userId, item });
    await bot.settle();
    return answer;
  };

  it('gives every grid worker one list a day with their grid\'s items, one card each, however often the morning job runs', async () => {
    await run('dailyTasks');
    await run('dailyTasks');
    const plan = loadDailyTaskPlan();
    const read = bot.runtime.context.db.read;
    const lists = await read.find(DailyTaskList, {});
    expect(lists).toHaveLength(6);
    for (const list of lists) {
      const worker = await read.findOneByOrFail(Person, { id: list.workerId });
      expect(list.grid).toBe(worker.homeOrgUnitCode);
      expect(list.day).toBe('2026-12-03');
      const items = (await read.findBy(DailyTaskItem, { listId: list.id })).sort((a, b) => a.position - b.position);
      expect(items.map((i) => i.title)).toEqual(plan.get(list.grid));
    }
    const shown = await cards();
    expect(shown).toHaveLength(6);
    expect(new Set(shown.map((c) => c.workerName)).size).toBe(6);
    expect(shown.find((c) => c.workerUserId === 'w-grid-1')!.items[0].title).toContain('张奶奶');
  });

  it('records the worker\'s tick and shows it on the card; anyone else is refused; a second tick changes nothing', async () => {
    const card = (await cards()).find((c) => c.workerUserId === 'w-grid-1')!;
    const first = await tick(card, 'w-grid-1', 1);
    expect(first.status).toBe(200);
    expect(first.body.changed).toBe(true);
    const item = await bot.runtime.context.db.read.findOneByOrFail(DailyTaskItem, { listId: card.id, position: 1 });
    const worker = await bot.runtime.context.db.read.findOneByOrFail(Person, { platformUserId: 'w-grid-1' });
    expect(item.doneById).toBe(worker.id);
    expect(item.doneAt?.getTime()).toBe(now);
    const updated = (await cards()).find((c) => c.id === card.id)!;
    expect(updated.items[0].done).toBe(true);
    expect(updated.statusLine).toBe('已完成 1/7');

    const someoneElse = await tick(card, 'w-grid-2', 2);
    expect(someoneElse.status).toBe(403);
    expect((await cards()).find((c) => c.id === card.id)!.items[1].done).toBe(false);

    const again = await tick(card, 'w-grid-1', 1);
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect((await bot.runtime.context.db.read.findOneByOrFail(DailyTaskItem, { id: item.id })).doneAt?.getTime()).toBe(item.doneAt!.getTime());
  });

  it('tells the GRID group the unfinished lists once in the evening', async () => {
    const card = (await cards()).find((c) => c.workerUserId === 'w-grid-6')!;
    for (let i = 1; i <= card.items.length; i += 1) expect((await tick(card, 'w-grid-6', i)).status).toBe(200);
    now = Date.parse('2026-12-03T10:00:00Z');
    await run('dailyTasksEvening');
    await run('dailyTasksEvening');
    const notices = (await messages()).filter((m) => m.from === 'bot' && !m.card && m.text.includes('未完成的清单'));
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain('未完成的清单 5 份');
    expect(notices[0].text).toContain('宋佳：还剩 6 项');
    expect(notices[0].text).not.toContain('曹杰');
  });

  it('counts each worker\'s done and total items over a period', async () => {
    const read = bot.runtime.context.db.read;
    const byId = new Map((await read.find(Person, {})).map((p) => [p.id, p.platformUserId]));
    const figures = await dailyTaskCompletion(read, { from: '2026-12-01', to: '2026-12-07' });
    const of = (userId: string) => figures.find((f) => byId.get(f.personId) === userId);
    expect(figures).toHaveLength(6);
    expect(of('w-grid-1')).toMatchObject({ done: 1, total: 7 });
    expect(of('w-grid-6')).toMatchObject({ done: 7, total: 7 });
    expect(of('w-grid-2')).toMatchObject({ done: 0, total: 7 });
    expect(await dailyTaskCompletion(read, { from: '2026-12-04', to: '2026-12-07' })).toEqual([]);
  });

  it('shows in the next morning\'s 日调度 and in the grid workers\' stars', async () => {
    const commandGroup = groups.find((g) => g.kind === 'command')!;
    now = Date.parse('2026-12-04T01:00:00Z'); // 09:00 the next day
    await bot.runtime.context.jobs.enqueue('dailyDigest', { tick: new Date(now).toISOString() });
    await bot.settle();
    const digest = ((await bot.call('GET', `/sandbox/groups/${commandGroup.id}/messages?limit=500`)).body.messages as { from: string; text: string }[])
      .find((m) => m.from === 'bot' && m.text.startsWith('【日调度】2026-12-03'))!;
    expect(digest.text).toContain('6+1 任务清单：完成 8/42 项');
    expect(digest.text).toMatch(/未完成：.*（剩 6 项）/);
    const ratings = (await bot.call('GET', '/api/ratings?from=2026-12-03&to=2026-12-03')).body;
    const workers = ratings.workers as { name: string; parts: { dailyTasks: number | null }; stars: number | null }[];
    const byShare = workers.filter((w) => w.parts.dailyTasks !== null).map((w) => w.parts.dailyTasks).sort();
    expect(byShare).toEqual([0, 0, 0, 0, 1 / 7, 1]);
    expect(workers.find((w) => w.parts.dailyTasks === 1)!.stars).toBe(5);
  });

  it('refuses a list file naming a grid that is not in the street', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'daily-tasks-')), 'daily-tasks.json');
    writeFileSync(file, JSON.stringify({ grids: [{ grid: 'g.nowhere.9', items: ['走访独居老人'] }] }));
    expect(() => loadDailyTaskPlan(file)).toThrow(/grids\[0\] "g\.nowhere\.9" is not a grid of the demo street/);
  });

  it('has its tables made by the migration exactly as the entities describe them (SQLite)', async () => {
    const dataSource = createDataSource({ type: 'better-sqlite3', file: join(mkdtempSync(join(tmpdir(), 'daily-tasks-schema-')), 'db.sqlite') });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      const pending = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
      expect(pending.filter((q) => q.includes('daily_task'))).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
