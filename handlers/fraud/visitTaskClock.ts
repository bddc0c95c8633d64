// The clock of door-to-door tasks (上门劝阻), one step of the service clock's sweep: an open task past its
// by-when is reminded in the riders' group once, and more than ESCALATE_AFTER_MS past it the police group is
// told once. Each step is a conditional update of its own column (remindedAt, escalatedAt) from null, under
// the task's row lock: however many sweeps run, on however many schedulers, each is sent exactly once.
import { In, IsNull, type EntityManager } from 'typeorm';
import { Person, VisitTask } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';
import { OPEN_VISIT_STATUSES, openVisitTasksPastDue } from '../../storage/queries/visitTasks';
import type { HandlerContext } from '../context';
import { Outbox } from '../delivery/outbox';
import { buildVisitTaskView, isOpenVisitTask, visitEscalationNotice, visitReminderNotice, visitTaskAsText } from '../delivery/visitTaskView';
import { policeGroupFor } from './visitTasks';

export type VisitStepName = 'visit_reminder' | 'visit_escalation';

export interface VisitStepTaken {
  task: string;
  step: VisitStepName;
}

/**
 * Two hours past the by-when the police hear of it. The riders' reminder comes first and a visit takes about
 * an hour (ride there, talk, ride back); two hours without a report means nobody is going, and the household
 * at risk should still be reached the same day, by the officer if need be. SLA_SCALE shortens it too.
 */
export const ESCALATE_AFTER_MS = 2 * 3_600_000;

/** The steps due for a task at `now`, in order (pure). A sweep that missed both takes both. */
export function dueVisitSteps(task: Pick<VisitTask, 'status' | 'dueAt' | 'remindedAt' | 'escalatedAt'>, now: Date, escalateAfterMs: number): VisitStepName[] {
  const lateMs = now.getTime() - task.dueAt.getTime();
  if (!isOpenVisitTask(task) || lateMs <= 0) return [];
  return [
    ...(task.remindedAt ? [] : ['visit_reminder' as const]),
    ...(task.escalatedAt || lateMs <= escalateAfterMs ? [] : ['visit_escalation' as const]),
  ];
}

/** Returns the steps this sweep took. */
export async function sweepOverdueVisitTasks(context: HandlerContext): Promise<VisitStepTaken[]> {
  const now = context.clock();
  const escalateAfterMs = ESCALATE_AFTER_MS * context.policy.slaScale;
  const taken: VisitStepTaken[] = [];
  for (const seen of await openVisitTasksPastDue(context.db.read, now)) {
    for (const step of dueVisitSteps(seen, now, escalateAfterMs)) {
      const outbox = await context.db.write((manager) => takeVisitStep(manager, seen.id, step, context, now, escalateAfterMs));
      if (!outbox) continue;
      await outbox.flush(context);
      taken.push({ task: seen.number, step });
      context.log.warn({ visitTask: seen.number, step, dueAt: seen.dueAt }, 'visit task past its by-when: clock step taken');
    }
  }
  return taken;
}

async function takeVisitStep(manager: EntityManager, id: string, step: VisitStepName, context: HandlerContext, now: Date, escalateAfterMs: number): Promise<Outbox | null> {
  // The step still applies to the task as it is now: a 完成 committed first, or another sweep's step, stops it.
  const task = await findForUpdate(manager, VisitTask, { id });
  if (!task || !dueVisitSteps(task, now, escalateAfterMs).includes(step)) return null;
  const column = step === 'visit_reminder' ? 'remindedAt' : 'escalatedAt';
  const changes = { [column]: now, updatedAt: now };
  const moved = await manager.update(VisitTask, { id, status: In(OPEN_VISIT_STATUSES), [column]: IsNull() }, changes);
  if (moved.affected !== 1) return null;
  Object.assign(task, changes);

  const takerName = task.takenById ? (await manager.findOneBy(Person, { id: task.takenById }))?.name ?? null : null;
  const lateMs = now.getTime() - task.dueAt.getTime();
  const outbox = new Outbox(manager, now);
  if (step === 'visit_reminder') {
    await outbox.add('text', task.cardGroupId, visitReminderNotice(task, takerName, lateMs));
  } else {
    const police = await policeGroupFor(context, task.cardGroupId);
    if (police) await outbox.add('text', police.id, visitEscalationNotice(task, takerName, lateMs));
    else context.log.error({ visitTask: task.number }, 'no police or command group to tell of an overdue 上门 task');
  }
  // The card reads 已超时 (and, once escalated, 已告知民警).
  await outbox.add('visit_task_update', task.cardGroupId, visitTaskAsText(buildVisitTaskView(task, { takerName }, context.timeZone)), { cardId: task.id });
  return outbox;
}
