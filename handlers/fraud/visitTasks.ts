// 上门劝阻: community police ask a rider volunteer to visit a household at risk of fraud by a given time. A
// police member's "上门 <地址> <原因> [截止 <时间>]" in the police group (visitCommand.ts), or the admin API,
// offers the task as a card in the riders' group. The first rider to click 接单 takes it: the click locks the
// task's row and moves it only from `offered`, so two clicks at once give one taker and the other a refusal
// naming them. The rider who took it reports 完成 with what they found; the police group hears it, and
// 需民警上门 asks them to go themselves. Every change updates the card in place and is said in the riders' group.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { POLICE_POST } from '../../seeds/taxonomy';
import type { Reader } from '../../storage/database';
import { ChatGroup, Counter, GroupMember, InboundMessage, Person, PostMember, VisitTask, VISIT_OUTCOMES, type VisitOutcome } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';
import { riderGroupFor } from '../../storage/queries/visitTasks';
import type { HandlerContext } from '../context';
import { Outbox } from '../delivery/outbox';
import {
  buildVisitTaskView, OUTCOME_NAME, visitCancelledNotice, visitCommandProblemNotice, visitDoneRidersNotice, visitOfferedNotice,
  visitOutcomeNotice, visitTakenNotice, visitTaskAsText,
} from '../delivery/visitTaskView';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors';
import { awardVisitPoints } from '../volunteers/points';
import type { VisitTaskActionEvent, VisitTaskView } from '../events';
import { claimMessage } from '../intake/claimMessage';
import { humanDuration, localDateStamp } from '../localTime';
import { wellFormed } from '../wellFormedText';
import { MAX_ADDRESS_LENGTH, MAX_REASON_LENGTH, parseVisitCommand } from './visitCommand';

/** The outcome an inbound 上门 command is marked with. */
export const VISIT_TASK_OUTCOME = 'visit_task';
/**
 * Without a by-when, a day: a visit is no emergency (that is 110 and 96110), but a household being worked on
 * by scammers should not wait longer. SLA_SCALE shortens it as it does every limit.
 */
export const DEFAULT_VISIT_WINDOW_MS = 24 * 3_600_000;
export const MAX_VISIT_NOTE_LENGTH = 1000;

export interface VisitTaskRequest {
  address: string;
  reason: string;
  /** null or absent: DEFAULT_VISIT_WINDOW_MS from now. */
  dueAt?: Date | null;
  /** Who asks: a police member's name and post, or the admin API caller. */
  createdBy: string;
  sourceMessage?: InboundMessage;
}

export interface VisitTaskOutcome {
  card: VisitTaskView;
  task: VisitTask;
  /** false when the click repeated what was already done. */
  changed: boolean;
}

/**
 * A 上门 command from a police member in the police group: offered to the riders, or the officer told what is
 * wrong with it. False when the message is no such command (anyone else's 上门 is recorded like other talk).
 */
export async function offerVisitTaskFromChat(message: InboundMessage, group: ChatGroup, sender: Person, context: HandlerContext): Promise<boolean> {
  if (group.kind !== 'worker' || group.postCode !== POLICE_POST) return false;
  // Relative times (今天, 2小时内) are read from when the officer wrote them.
  const parsed = parseVisitCommand(message.text, message.receivedAt, context.timeZone);
  if (!parsed) return false;
  if (!(await context.db.read.existsBy(PostMember, { personId: sender.id, postCode: POLICE_POST }))) return false;
  let problem = parsed.ok ? null : parsed.problem;
  if (parsed.ok) {
    try {
      const createdBy = `${sender.name}（${context.taxonomy.post(POLICE_POST).name}）`;
      await offerVisitTask({ address: parsed.address, reason: parsed.reason, dueAt: parsed.dueAt, createdBy, sourceMessage: message }, context);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problem = error.message;
    }
  }
  if (problem) await refuseCommand(message, group, sender, problem, context);
  return true;
}

/** Never silent: the officer hears why the task was not offered, in the same transaction as the message's claim. */
async function refuseCommand(message: InboundMessage, group: ChatGroup, sender: Person, problem: string, context: HandlerContext): Promise<void> {
  const now = context.clock();
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, { status: 'ignored', code: VISIT_TASK_OUTCOME, classifiedBy: `上门 command refused: ${problem}`.slice(0, 200), at: now });
    if (!claimed) return null;
    const outbox = new Outbox(manager, now);
    const defaultWindow = humanDuration(DEFAULT_VISIT_WINDOW_MS * context.policy.slaScale);
    await outbox.add('text', group.id, visitCommandProblemNotice(sender.name, problem, defaultWindow), { replyToMessageId: message.id });
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ messageId: message.id, problem }, '上门 command refused; the officer is told why');
}

/**
 * Records the task and offers its card in the riders' group; the police group is told it is out. With a
 * source message, the message's claim is in the same transaction: a repeated delivery offers nothing twice
 * (null).
 */
export async function offerVisitTask(request: VisitTaskRequest, context: HandlerContext): Promise<VisitTask | null> {
  const address = wellFormed(request.address).trim();
  const reason = wellFormed(request.reason).trim();
  if (!address) throw invalid('a 上门 task needs the household\'s address');
  if (!reason) throw invalid('a 上门 task needs the reason for the visit');
  if (address.length > MAX_ADDRESS_LENGTH) throw invalid(`the address is at most ${MAX_ADDRESS_LENGTH} characters; this one is ${address.length}`);
  if (reason.length > MAX_REASON_LENGTH) throw invalid(`the reason is at most ${MAX_REASON_LENGTH} characters; this one is ${reason.length}`);
  const now = context.clock();
  const dueAt = request.dueAt ?? new Date(now.getTime() + DEFAULT_VISIT_WINDOW_MS * context.policy.slaScale);
  if (dueAt <= now) throw invalid(`the by-when ${dueAt.toISOString()} has passed; a 上门 task is due in the future`);

  const near = request.sourceMessage ? await context.groups.group(request.sourceMessage.groupId) : null;
  const riders = await riderGroupFor(context.db.read, near?.platform);
  if (!riders) throw conflict('the street has no riders\' group: bind one as kind volunteer (PUT /api/chats/:platform/:chatId/binding) before offering 上门 tasks');
  const police = await policeGroupFor(context, riders.id);
  const source = request.sourceMessage;

  const offered = await context.db.write(async (manager) => {
    if (source) {
      const claimed = await claimMessage(manager, source.id, { status: 'done', code: VISIT_TASK_OUTCOME, classifiedBy: 'visit task (上门)', at: now });
      if (!claimed) return null;
    }
    const task: VisitTask = {
      id: randomUUID(), number: await nextVisitTaskNumber(manager, now, context.timeZone), address, reason, dueAt, status: 'offered',
      createdBy: request.createdBy.slice(0, 200), createdFromMessageId: source?.id ?? null, takenById: null, takenAt: null, outcome: null,
      note: null, doneAt: null, cardGroupId: riders.id, platformRef: null, remindedAt: null, escalatedAt: null, createdAt: now, updatedAt: now,
    };
    await manager.insert(VisitTask, task);
    const outbox = new Outbox(manager, now);
    await outbox.add('visit_task_card', riders.id, visitTaskAsText(buildVisitTaskView(task, { takerName: null }, context.timeZone)), { cardId: task.id });
    if (police) {
      await outbox.add('text', police.id, visitOfferedNotice(task, riders.name, context.timeZone), source?.groupId === police.id ? { replyToMessageId: source.id } : {});
    }
    return { task, outbox };
  });
  if (!offered) return null;
  await offered.outbox.flush(context);
  context.log.info({ visitTask: offered.task.number, messageId: source?.id, riders: riders.name, dueAt: dueAt.toISOString() }, 'visit task offered to the riders');
  return offered.task;
}

/** Everything one click acts with, inside its transaction. */
interface VisitClick {
  manager: EntityManager;
  task: VisitTask;
  person: Person | null;
  event: VisitTaskActionEvent;
  now: Date;
  context: HandlerContext;
}

/** 接单 or 完成 on a task's card, from any platform. */
export async function actOnVisitTask(event: VisitTaskActionEvent, context: HandlerContext): Promise<VisitTaskOutcome> {
  const note = (event.note && wellFormed(event.note).trim()) || null;
  if (note && note.length > MAX_VISIT_NOTE_LENGTH) throw invalid(`note is ${note.length} characters; at most ${MAX_VISIT_NOTE_LENGTH}`);
  if (event.action === 'done' && (!event.outcome || !VISIT_OUTCOMES.includes(event.outcome))) {
    throw invalid('完成 (done) needs "outcome": dissuaded (劝阻成功), not_home (未见到人) or needs_police (需民警上门)');
  }
  const now = context.clock();
  const police = await policeGroupFor(context, (await context.db.read.findOne(VisitTask, { where: { id: event.taskId }, select: { cardGroupId: true } }))?.cardGroupId);

  const result = await context.db.write(async (manager) => {
    // Locked first: two clicks on one task wait for each other, and the second sees what the first did.
    const task = await findForUpdate(manager, VisitTask, { id: event.taskId });
    if (!task) throw notFound(`visit task ${event.taskId} does not exist`);
    const person = await manager.findOneBy(Person, { platform: event.platform, platformUserId: event.userId });
    const click: VisitClick = { manager, task, person, event, now, context };
    const changed = event.action === 'take' ? await takeTask(click) : await reportDone(click, event.outcome!, note);
    const takerName = await takerNameOf(manager, task);
    if (!changed) return { task, takerName, outbox: null };

    const outbox = new Outbox(manager, now);
    await outbox.add('visit_task_update', task.cardGroupId, visitTaskAsText(buildVisitTaskView(task, { takerName }, context.timeZone)), { cardId: task.id });
    if (event.action === 'take') {
      const notice = visitTakenNotice(task, takerName!);
      await outbox.add('text', task.cardGroupId, notice);
      if (police) await outbox.add('text', police.id, notice);
    } else {
      await outbox.add('text', task.cardGroupId, visitDoneRidersNotice(task, takerName!));
      if (police) await outbox.add('text', police.id, visitOutcomeNotice(task, takerName!));
      else context.log.error({ visitTask: task.number }, 'no police or command group to tell the outcome of a 上门 task');
    }
    return { task, takerName, outbox };
  });
  await result.outbox?.flush(context);
  if (result.outbox) {
    context.log.info({ visitTask: result.task.number, action: event.action, outcome: event.outcome, by: event.userId }, 'visit task action applied');
  }
  return { card: buildVisitTaskView(result.task, { takerName: result.takerName }, context.timeZone), task: result.task, changed: result.outbox !== null };
}

/** 接单: any rider volunteer of the task's group (a member holding no post), while nobody has it. */
async function takeTask({ manager, task, person, event, now, context }: VisitClick): Promise<boolean> {
  const group = await context.groups.group(task.cardGroupId);
  const isRider = person !== null
    && (await manager.existsBy(GroupMember, { groupId: group.id, personId: person.id }))
    && !(await manager.existsBy(PostMember, { personId: person.id }));
  if (!isRider) throw forbidden(`${event.userId} is not a rider volunteer of ${group.name}: 上门 tasks are taken by its members who hold no post`);
  if (task.status === 'taken' && task.takenById === person!.id) return false;
  if (task.status !== 'offered') throw conflict(await whyNotOpen(manager, task));
  const changes = { status: 'taken' as const, takenById: person!.id, takenAt: now, updatedAt: now, ...(event.replyRef ? { platformRef: event.replyRef } : {}) };
  // Conditional on `offered`: whatever the database's locking, only one click moves it.
  const moved = await manager.update(VisitTask, { id: task.id, status: 'offered' }, changes);
  if (moved.affected !== 1) throw conflict(await whyNotOpen(manager, await manager.findOneByOrFail(VisitTask, { id: task.id })));
  Object.assign(task, changes);
  return true;
}

/** 完成: only the rider who took it, once; the same outcome again changes nothing. */
async function reportDone({ manager, task, person, event, now, context }: VisitClick, outcome: VisitOutcome, note: string | null): Promise<boolean> {
  if (task.status === 'offered') throw conflict(`上门任务 ${task.number} 还没有人接单：先点「接单」，上门后再报告完成`);
  if (task.status === 'cancelled') throw conflict(`上门任务 ${task.number} 已取消`);
  if (!person || task.takenById !== person.id) {
    throw forbidden(`上门任务 ${task.number} 由 ${(await takerNameOf(manager, task)) ?? '他人'} 接单，只有接单人能报告完成（${event.userId} 不是）`);
  }
  if (task.status === 'done') {
    if (task.outcome === outcome) return false;
    throw conflict(`上门任务 ${task.number} 已报告完成（${OUTCOME_NAME[task.outcome!]}）`);
  }
  const changes = { status: 'done' as const, outcome, note, doneAt: now, updatedAt: now, ...(event.replyRef ? { platformRef: event.replyRef } : {}) };
  const moved = await manager.update(VisitTask, { id: task.id, status: 'taken', takenById: person.id }, changes);
  if (moved.affected !== 1) throw conflict(`上门任务 ${task.number} was changed by someone else just now; reload and try again`);
  Object.assign(task, changes);
  await awardVisitPoints(manager, { id: task.id, takenById: person.id, outcome }, context.pointRules, now);
  return true;
}

/** Police withdraw a task (the family was reached another way): the card loses its buttons, the riders are told. */
export async function cancelVisitTask(taskId: string, by: string, context: HandlerContext): Promise<VisitTaskOutcome> {
  const now = context.clock();
  const result = await context.db.write(async (manager) => {
    const task = await findForUpdate(manager, VisitTask, { id: taskId });
    if (!task) throw notFound(`visit task ${taskId} does not exist`);
    if (task.status === 'cancelled') return { task, outbox: null };
    if (task.status === 'done') throw conflict(`上门任务 ${task.number} 已完成（${OUTCOME_NAME[task.outcome!]}），不能取消`);
    const changes = { status: 'cancelled' as const, updatedAt: now };
    const moved = await manager.update(VisitTask, { id: task.id, status: task.status }, changes);
    if (moved.affected !== 1) throw conflict(`上门任务 ${task.number} was changed by someone else just now; reload and try again`);
    Object.assign(task, changes);
    const outbox = new Outbox(manager, now);
    const takerName = await takerNameOf(manager, task);
    await outbox.add('visit_task_update', task.cardGroupId, visitTaskAsText(buildVisitTaskView(task, { takerName }, context.timeZone)), { cardId: task.id });
    await outbox.add('text', task.cardGroupId, visitCancelledNotice(task));
    return { task, outbox };
  });
  await result.outbox?.flush(context);
  if (result.outbox) context.log.info({ visitTask: result.task.number, by }, 'visit task cancelled');
  return { card: await loadVisitTaskView(context, result.task), task: result.task, changed: result.outbox !== null };
}

/** The card as it is now. */
export async function loadVisitTaskView(context: Pick<HandlerContext, 'db' | 'timeZone'>, task: VisitTask): Promise<VisitTaskView> {
  return buildVisitTaskView(task, { takerName: await takerNameOf(context.db.read, task) }, context.timeZone);
}

async function takerNameOf(reader: Pick<Reader, 'findOne'>, task: VisitTask): Promise<string | null> {
  if (!task.takenById) return null;
  return (await reader.findOne(Person, { where: { id: task.takenById }, select: { name: true } }))?.name ?? null;
}

/** Why a task cannot be taken, in the words the rider sees. */
async function whyNotOpen(reader: Pick<Reader, 'findOne'>, task: VisitTask): Promise<string> {
  if (task.status === 'taken') return `上门任务 ${task.number} 已被 ${(await takerNameOf(reader, task)) ?? '其他骑手'} 接走`;
  if (task.status === 'done') return `上门任务 ${task.number} 已完成（${OUTCOME_NAME[task.outcome!]}）`;
  return `上门任务 ${task.number} 已取消`;
}

/** Where police hear about a task: the police post's group (on the riders' platform), else the command centre. */
export async function policeGroupFor(context: Pick<HandlerContext, 'groups'>, riderGroupId: string | undefined): Promise<ChatGroup | null> {
  return (await context.groups.workerGroupOf(POLICE_POST, riderGroupId ? { groupId: riderGroupId } : undefined)) ?? (await context.groups.commandGroup());
}

/** H-20261203-0001: the street's local date and that day's running count, advanced in the creating transaction. */
async function nextVisitTaskNumber(manager: EntityManager, now: Date, timeZone: string): Promise<string> {
  const day = localDateStamp(now, timeZone);
  const name = `visit_task:${day}`;
  await manager.createQueryBuilder().insert().into(Counter).values({ name, value: 0 }).orIgnore().execute();
  await manager.increment(Counter, { name }, 'value', 1);
  const counter = await manager.findOneByOrFail(Counter, { name });
  return `H-${day}-${String(counter.value).padStart(4, '0')}`;
}
