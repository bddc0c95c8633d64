// The questions asked of door-to-door tasks (上门劝阻): which riders' group gets a new one, which open ones are
// past their by-when with a clock step still to take (served by ix_visit_tasks_status_due), the list and the
// figures of GET /api/visit-tasks.
import { In, IsNull, LessThan } from 'typeorm';
import type { Reader } from '../database';
import { ChatGroup, Person, VisitTask, VISIT_OUTCOMES, type VisitOutcome, type VisitTaskStatus } from '../entities';

export const OPEN_VISIT_STATUSES: VisitTaskStatus[] = ['offered', 'taken'];

/** The riders' group (kind volunteer) for a task: on the platform asked for if it has one there, else the first by name. */
export async function riderGroupFor(reader: Reader, platform?: string): Promise<ChatGroup | null> {
  const groups = await reader.find(ChatGroup, { where: { kind: 'volunteer' }, order: { name: 'ASC' } });
  return groups.find((group) => group.platform === platform) ?? groups[0] ?? null;
}

/** Open tasks due by `horizon` whose reminder or police notice has not been sent. */
export function openVisitTasksPastDue(reader: Reader, horizon: Date, limit = 500): Promise<VisitTask[]> {
  const pastDue = { status: In(OPEN_VISIT_STATUSES), dueAt: LessThan(horizon) };
  return reader.find(VisitTask, { where: [{ ...pastDue, remindedAt: IsNull() }, { ...pastDue, escalatedAt: IsNull() }], order: { dueAt: 'ASC' }, take: limit });
}

export interface VisitTaskItem {
  id: string;
  number: string;
  address: string;
  reason: string;
  dueAt: string;
  status: VisitTaskStatus;
  overdue: boolean;
  createdBy: string;
  takenBy: { userId: string; name: string } | null;
  takenAt: string | null;
  outcome: VisitOutcome | null;
  note: string | null;
  doneAt: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  createdAt: string;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
const isPastDue = (task: VisitTask, now: Date) => OPEN_VISIT_STATUSES.includes(task.status) && task.dueAt < now;

export async function presentVisitTasks(reader: Reader, tasks: VisitTask[], now: Date): Promise<VisitTaskItem[]> {
  const takerIds = [...new Set(tasks.flatMap((task) => (task.takenById ? [task.takenById] : [])))];
  const takers = new Map((takerIds.length ? await reader.findBy(Person, { id: In(takerIds) }) : []).map((person) => [person.id, person]));
  return tasks.map((task) => {
    const taker = task.takenById ? takers.get(task.takenById) : undefined;
    return {
      id: task.id, number: task.number, address: task.address, reason: task.reason, dueAt: task.dueAt.toISOString(), status: task.status,
      overdue: isPastDue(task, now), createdBy: task.createdBy, takenBy: taker ? { userId: taker.platformUserId, name: taker.name } : null,
      takenAt: iso(task.takenAt), outcome: task.outcome, note: task.note, doneAt: iso(task.doneAt), remindedAt: iso(task.remindedAt),
      escalatedAt: iso(task.escalatedAt), createdAt: task.createdAt.toISOString(),
    };
  });
}

/** Newest first, of one status or all. */
export function listVisitTasks(reader: Reader, query: { status?: VisitTaskStatus; limit: number }): Promise<VisitTask[]> {
  return reader.find(VisitTask, { where: query.status ? { status: query.status } : {}, order: { createdAt: 'DESC' }, take: query.limit });
}

export interface VisitTaskFigures {
  offered: number;
  taken: number;
  done: number;
  byOutcome: Record<VisitOutcome, number>;
  /** Offered or taken and past the by-when, as of now. */
  overdue: number;
}

/** Counted by status and outcome in one GROUP BY; the overdue ones by the status-and-due index. */
export async function visitTaskFigures(reader: Reader, now: Date): Promise<VisitTaskFigures> {
  const rows = await reader
    .createQueryBuilder(VisitTask, 'task')
    .select('task.status', 'status')
    .addSelect('task.outcome', 'outcome')
    .addSelect('COUNT(*)', 'count')
    .groupBy('task.status')
    .addGroupBy('task.outcome')
    .getRawMany<{ status: VisitTaskStatus; outcome: VisitOutcome | null; count: string | number }>();
  const figures: VisitTaskFigures = { offered: 0, taken: 0, done: 0, byOutcome: Object.fromEntries(VISIT_OUTCOMES.map((o) => [o, 0])) as Record<VisitOutcome, number>, overdue: 0 };
  for (const row of rows) {
    const count = Number(row.count);
    if (row.status === 'offered' || row.status === 'taken' || row.status === 'done') figures[row.status] += count;
    if (row.status === 'done' && row.outcome) figures.byOutcome[row.outcome] += count;
  }
  figures.overdue = await reader.countBy(VisitTask, { status: In(OPEN_VISIT_STATUSES), dueAt: LessThan(now) });
  return figures;
}
