// 6+1 任务清单: each morning every grid worker (a GRID post member, whose grid is their home grid) gets the
// day's list for their grid from seeds/daily-tasks.json, as a card in the GRID post's worker group naming
// them; only that worker ticks items off (who and when recorded, the card updated in place); in the evening
// the group hears which lists are unfinished. Each is once per worker / day whatever the ticks or retries.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { In } from 'typeorm';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { loadDemoStreet } from '../../seeds/demoStreet';
import { GRID_POST } from '../../seeds/taxonomy';
import type { Reader } from '../../storage/database';
import { Counter, DailyTaskItem, DailyTaskList, Person, PostMember } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';
import type { HandlerContext } from '../context';
import { buildDailyTasksView, dailyTasksAsText, unfinishedDailyTasksNotice } from '../delivery/dailyTasksView';
import { Outbox } from '../delivery/outbox';
import { forbidden, invalid, notFound } from '../errors';
import type { DailyTasksView } from '../events';
import { localDay } from '../localTime';

const dailyTasksFileSchema = z.object({
  grids: z.array(z.object({ grid: z.string().min(1), items: z.array(z.string().trim().min(1).max(200)).min(1).max(20) })).min(1),
});

/** Grid code → the day's items, in order. */
export type DailyTaskPlan = ReadonlyMap<string, readonly string[]>;

/** Reads and checks the street's lists: every grid must be a grid of the demo street, once. */
export function loadDailyTaskPlan(file = fromProjectRoot('seeds', 'daily-tasks.json'), gridCodes = demoGridCodes()): DailyTaskPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`daily tasks ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = dailyTasksFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`daily tasks ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  const plan = new Map<string, readonly string[]>();
  for (const [i, entry] of parsed.data.grids.entries()) {
    if (!gridCodes.has(entry.grid)) throw new Error(`daily tasks ${file}: grids[${i}] "${entry.grid}" is not a grid of the demo street (${[...gridCodes].join(', ')})`);
    if (plan.has(entry.grid)) throw new Error(`daily tasks ${file}: grids[${i}] "${entry.grid}" is listed twice`);
    plan.set(entry.grid, entry.items);
  }
  return plan;
}

function demoGridCodes(): Set<string> {
  return new Set(loadDemoStreet().orgUnits.filter((unit) => unit.kind === 'grid').map((unit) => unit.code));
}

export interface DailyTasksMorning { day: string; created: number }

/** The morning job: a list and its card for every grid worker without one today. */
export async function sendDailyTaskLists(plan: DailyTaskPlan, context: HandlerContext): Promise<DailyTasksMorning> {
  const now = context.clock();
  const day = localDay(now, context.timeZone);
  const group = await context.groups.workerGroupOf(GRID_POST);
  if (!group) {
    context.log.error({ day }, 'no GRID worker group is bound: the 6+1 lists cannot be sent');
    return { day, created: 0 };
  }
  const memberIds = (await context.db.read.findBy(PostMember, { postCode: GRID_POST })).map((m) => m.personId);
  const workers = memberIds.length ? await context.db.read.findBy(Person, { id: In(memberIds) }) : [];
  let created = 0;
  for (const worker of workers) {
    const items = worker.homeOrgUnitCode ? plan.get(worker.homeOrgUnitCode) : undefined;
    if (!items) continue;
    const outbox = await context.db.write(async (manager) => {
      if (await manager.existsBy(DailyTaskList, { workerId: worker.id, day })) return null;
      const list: DailyTaskList = { id: randomUUID(), workerId: worker.id, day, grid: worker.homeOrgUnitCode!, cardGroupId: group.id, platformRef: null, createdAt: now, updatedAt: now };
      // Two schedulers at once: the unique (worker, day) index lets one insert win; the other's transaction fails and retries into the check above.
      await manager.insert(DailyTaskList, list);
      const rows: DailyTaskItem[] = items.map((title, i) => ({ id: randomUUID(), listId: list.id, position: i + 1, title, doneById: null, doneAt: null }));
      await manager.insert(DailyTaskItem, rows);
      const outbox = new Outbox(manager, now);
      await outbox.add('daily_tasks_card', group.id, dailyTasksAsText(buildDailyTasksView(list, rows, worker, context.timeZone)), { cardId: list.id });
      return outbox;
    });
    if (!outbox) continue;
    await outbox.flush(context);
    created += 1;
  }
  context.log.info({ day, created, group: group.name }, '6+1 task lists sent');
  return { day, created };
}

export interface DailyTaskTick { card: DailyTasksView; changed: boolean }

/** A tick on item `position` of a list: only the list's own worker; a second tick changes nothing. */
export async function tickDailyTask(event: { platform: string; listId: string; userId: string; position: number }, context: HandlerContext): Promise<DailyTaskTick> {
  const now = context.clock();
  const result = await context.db.write(async (manager) => {
    const list = await findForUpdate(manager, DailyTaskList, { id: event.listId });
    if (!list) throw notFound(`daily task list ${event.listId} does not exist`);
    const worker = await manager.findOneByOrFail(Person, { id: list.workerId });
    const person = await manager.findOneBy(Person, { platform: event.platform, platformUserId: event.userId });
    if (!person || person.id !== list.workerId) throw forbidden(`6+1 任务清单 ${list.day} 是 ${worker.name} 的，只有本人能勾选（${event.userId} 不是）`);
    const item = await manager.findOneBy(DailyTaskItem, { listId: list.id, position: event.position });
    if (!item) throw invalid(`item ${event.position} is not on the list; it has items 1..${await manager.countBy(DailyTaskItem, { listId: list.id })}`);
    // Ticked already: nothing changes, the card is answered as it is (the list's row lock orders two ticks).
    if (item.doneAt) return { card: buildDailyTasksView(list, await manager.findBy(DailyTaskItem, { listId: list.id }), worker, context.timeZone), outbox: null };
    await manager.update(DailyTaskItem, { id: item.id }, { doneById: person.id, doneAt: now });
    await manager.update(DailyTaskList, { id: list.id }, { updatedAt: now });
    const card = buildDailyTasksView(list, await manager.findBy(DailyTaskItem, { listId: list.id }), worker, context.timeZone);
    const outbox = new Outbox(manager, now);
    await outbox.add('daily_tasks_update', list.cardGroupId, dailyTasksAsText(card), { cardId: list.id });
    return { card, outbox };
  });
  await result.outbox?.flush(context);
  if (result.outbox) context.log.info({ dailyTasks: event.listId, item: event.position, by: event.userId }, '6+1 item ticked');
  return { card: result.card, changed: result.outbox !== null };
}

/** The evening job: one notice to the GRID group listing today's unfinished lists, once a day. */
export async function sendUnfinishedDailyTasks(context: HandlerContext): Promise<{ day: string; unfinished: number } | null> {
  const now = context.clock();
  const day = localDay(now, context.timeZone);
  const group = await context.groups.workerGroupOf(GRID_POST);
  if (!group) return null;
  const outbox = await context.db.write(async (manager) => {
    // The day's counter is the once-a-day guard: the increment locks its row, so only the run that takes it to 1 sends.
    const name = `daily_tasks_evening:${day}`;
    await manager.createQueryBuilder().insert().into(Counter).values({ name, value: 0 }).orIgnore().execute();
    await manager.increment(Counter, { name }, 'value', 1);
    if ((await manager.findOneByOrFail(Counter, { name })).value !== 1) return null;
    const unfinished = await unfinishedLists(manager, day);
    if (!unfinished.length) return { outbox: null, count: 0 };
    const outbox = new Outbox(manager, now);
    await outbox.add('text', group.id, unfinishedDailyTasksNotice(day, unfinished));
    return { outbox, count: unfinished.length };
  });
  if (!outbox) return null;
  await outbox.outbox?.flush(context);
  context.log.info({ day, unfinished: outbox.count }, '6+1 unfinished lists told to the GRID group');
  return { day, unfinished: outbox.count };
}

async function unfinishedLists(reader: Reader, day: string): Promise<{ workerName: string; left: string[] }[]> {
  const lists = await reader.find(DailyTaskList, { where: { day }, order: { createdAt: 'ASC' } });
  if (!lists.length) return [];
  const items = await reader.findBy(DailyTaskItem, { listId: In(lists.map((l) => l.id)) });
  const names = new Map((await reader.findBy(Person, { id: In(lists.map((l) => l.workerId)) })).map((p) => [p.id, p.name]));
  return lists.flatMap((list) => {
    const left = items.filter((i) => i.listId === list.id && !i.doneAt).sort((a, b) => a.position - b.position).map((i) => i.title);
    return left.length ? [{ workerName: names.get(list.workerId) ?? list.workerId, left }] : [];
  });
}

/**
 * Per grid worker, the items done and given over the local days from `period.from` to `period.to` inclusive
 * ("2026-12-01".."2026-12-07"): for the digests and the five-star rating.
 */
export async function dailyTaskCompletion(reader: Reader, period: { from: string; to: string }): Promise<{ personId: string; done: number; total: number }[]> {
  const rows = await reader
    .createQueryBuilder(DailyTaskItem, 'item')
    .innerJoin(DailyTaskList, 'list', 'list.id = item.listId')
    .select('list.workerId', 'personId')
    .addSelect('COUNT(*)', 'total')
    .addSelect('SUM(CASE WHEN item.doneAt IS NULL THEN 0 ELSE 1 END)', 'done')
    .where('list.day >= :from AND list.day <= :to', period)
    .groupBy('list.workerId')
    .orderBy('list.workerId', 'ASC')
    .getRawMany<{ personId: string; total: string | number; done: string | number }>();
  return rows.map((r) => ({ personId: r.personId, done: Number(r.done), total: Number(r.total) }));
}

/** The card as it is now. */
export async function loadDailyTasksView(context: Pick<HandlerContext, 'db' | 'timeZone'>, list: DailyTaskList): Promise<DailyTasksView> {
  const items = await context.db.read.findBy(DailyTaskItem, { listId: list.id });
  const worker = await context.db.read.findOneBy(Person, { id: list.workerId });
  return buildDailyTasksView(list, items, worker ?? { name: list.workerId, platformUserId: '' }, context.timeZone);
}
