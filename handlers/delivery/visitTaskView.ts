// A door-to-door task (上门劝阻) as the card the riders see, and the words the bot says about it in the riders'
// group and the police group. The card shows where, why and by when, who took it and what they found, and
// 接单 while it is offered, 完成 (choosing the outcome) once taken. Platform adapters render it; they decide nothing.
import { VISIT_OUTCOMES, type VisitOutcome, type VisitTask, type VisitTaskStatus } from '../../storage/entities';
import type { VisitTaskView } from '../events';
import { humanDuration, localShortTime } from '../localTime';

export const OUTCOME_NAME: Record<VisitOutcome, string> = { dissuaded: '劝阻成功', not_home: '未见到人', needs_police: '需民警上门' };

const STATE_TEXT: Record<VisitTaskStatus, string> = { offered: '待接单', taken: '已接单', done: '已完成', cancelled: '已取消' };

export const isOpenVisitTask = (task: Pick<VisitTask, 'status'>) => task.status === 'offered' || task.status === 'taken';

/**
 * The card as of its last update (task.updatedAt), as a platform's card shows it: the time left or over is
 * what it said when last sent, and every change (a click, the overdue reminder) refreshes it.
 */
export function buildVisitTaskView(task: VisitTask, about: { takerName: string | null }, timeZone: string): VisitTaskView {
  const at = (date: Date) => localShortTime(date, timeZone);
  const open = isOpenVisitTask(task);
  const leftMs = task.dueAt.getTime() - task.updatedAt.getTime();
  const overdue = open && leftMs < 0;
  const outcome = task.outcome ? { code: task.outcome, name: OUTCOME_NAME[task.outcome] } : null;
  const fields = [
    { label: '编号', value: task.number },
    { label: '地址', value: task.address },
    { label: '原因', value: task.reason },
    { label: '截止', value: at(task.dueAt) + (open ? `（${leftMs >= 0 ? `剩余 ${humanDuration(leftMs)}` : `已超时 ${humanDuration(-leftMs)}`}）` : '') },
    { label: '发布', value: task.createdBy },
    ...(about.takerName && task.takenAt ? [{ label: '接单', value: `${about.takerName} ${at(task.takenAt)}` }] : []),
    ...(outcome ? [{ label: '结果', value: outcome.name }] : []),
    ...(task.note ? [{ label: '说明', value: task.note }] : []),
  ];
  const who = task.status === 'taken' || task.status === 'done' ? about.takerName : null;
  const when = task.status === 'done' ? task.doneAt : task.status === 'taken' ? task.takenAt : null;
  const statusLine = [
    who && when ? `${who} ${STATE_TEXT[task.status]} ${at(when)}` : STATE_TEXT[task.status],
    outcome?.name,
    overdue ? (task.escalatedAt ? '已超时，已告知民警' : '已超时') : null,
  ].filter(Boolean).join(' · ');
  return {
    kind: 'visit_task',
    id: task.id,
    number: task.number,
    title: `上门劝阻 · ${task.number}`,
    address: task.address,
    reason: task.reason,
    dueAt: at(task.dueAt),
    overdue,
    fields,
    state: task.status,
    takerName: about.takerName,
    outcome,
    note: task.note,
    statusLine,
    outcomes: VISIT_OUTCOMES.map((code) => ({ code, name: OUTCOME_NAME[code] })),
    buttons:
      task.status === 'offered' ? [{ key: 'take', text: '接单', choosesOutcome: false }]
      : task.status === 'taken' ? [{ key: 'done', text: '完成', choosesOutcome: true }]
      : [],
  };
}

/** The card as plain text, for the outbox record and platforms or channels without cards. */
export function visitTaskAsText(view: VisitTaskView): string {
  const lines = [`【上门任务】${view.title}`, ...view.fields.filter((f) => f.label !== '编号').map((f) => `${f.label}：${f.value}`), `状态：${view.statusLine}`];
  if (view.state === 'offered') lines.push('操作：接单（先到先得）');
  if (view.state === 'taken') lines.push(`操作：完成（${view.outcomes.map((o) => o.name).join(' / ')}），仅接单人`);
  return lines.join('\n');
}

type TaskLine = Pick<VisitTask, 'number' | 'address'>;
const taskLine = (task: TaskLine) => `${task.number} ${task.address}`;

/** To the police group, when a task it asked for is out to the riders. */
export function visitOfferedNotice(task: VisitTask, riderGroupName: string, timeZone: string): string {
  return `【上门任务】${taskLine(task)} 已发到 ${riderGroupName}，截止 ${localShortTime(task.dueAt, timeZone)}。骑手接单和完成后会在这里告诉您。`;
}

/** To the riders' group (the others need not go) and the police group. */
export function visitTakenNotice(task: TaskLine, takerName: string): string {
  return `【上门任务】${taskLine(task)} 已由 ${takerName} 接单，其他骑手无需前往。`;
}

/** To the riders' group, with thanks. */
export function visitDoneRidersNotice(task: TaskLine & Pick<VisitTask, 'outcome'>, takerName: string): string {
  return `【上门任务】${taskLine(task)} 已完成：${OUTCOME_NAME[task.outcome!]}。谢谢 ${takerName}！`;
}

/** To the police group: what the rider found, and for 需民警上门 that it is theirs now. */
export function visitOutcomeNotice(task: VisitTask, takerName: string): string {
  const note = task.note ? `\n骑手说明：${task.note}` : '';
  if (task.outcome === 'needs_police') {
    return `🔴【上门任务】${taskLine(task)} 需民警上门：${takerName} 上门后认为需要民警处置。\n原因：${task.reason}${note}\n请尽快安排民警上门。`;
  }
  return `【上门任务】${taskLine(task)} ${takerName} 已上门，结果：${OUTCOME_NAME[task.outcome!]}。${note}`;
}

/** To the riders' group, when police withdraw it. */
export function visitCancelledNotice(task: TaskLine): string {
  return `【上门任务】${taskLine(task)} 已取消，无需前往。`;
}

/** To the riders' group, once, past the by-when: nobody has it yet, or the rider who has it has not reported. */
export function visitReminderNotice(task: VisitTask, takerName: string | null, lateMs: number): string {
  const late = `已过截止时间 ${humanDuration(lateMs)}`;
  return takerName
    ? `【上门任务】${taskLine(task)} ${late}，@${takerName} 请尽快上门，完成后在卡片上点「完成」报告结果。`
    : `【上门任务】${taskLine(task)} ${late}，仍无人接单。附近的骑手请接单：${task.reason}`;
}

/** To the police group, once, well past the by-when: the household may not be visited unless they act. */
export function visitEscalationNotice(task: VisitTask, takerName: string | null, lateMs: number): string {
  const state = takerName ? `${takerName} 已接单但仍未报告结果` : '仍无骑手接单';
  return `🔴【上门任务】${taskLine(task)} 超过截止时间 ${humanDuration(lateMs)}，${state}。\n原因：${task.reason}\n请民警安排上门或联系住户。`;
}

/** To the officer whose 上门 could not be read: what is wrong and how to write it. */
export function visitCommandProblemNotice(officerName: string, problem: string, defaultWindow: string): string {
  return `@${officerName} 上门任务未发布：${problem}\n格式：上门 <地址> <原因> [截止 <时间>]，截止可写 今天18点前、明天 9:30、2小时内，不写默认 ${defaultWindow}。`;
}
