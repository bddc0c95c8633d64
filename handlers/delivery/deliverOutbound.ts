// The outbound job: deliver one outbox message through its group's platform adapter. Cards are rendered
// fresh from the database, so a card sent late still shows the case as it is now.
import { Card, ChatGroup, DailyTaskList, Incident, InboundMessage, OutboundMessage, TriageItem, VisitTask } from '../../storage/entities';
import { loadTriageView } from '../intake/triage';
import { loadVisitTaskView } from '../fraud/visitTasks';
import { loadDailyTasksView } from '../grid/dailyTasks';
import { loadCardViews } from './cardView';
import type { HandlerContext, OutboundJob } from '../context';
import { afterLastAttempt } from './deliveryRetries';
import { DeliveryDeferred, DeliveryRefused, PlatformUnreachable, type ChatDelivery, type ChatTarget, type ReplyTo } from '../events';
import { describeFailure, noticeToCommandCentre } from './commandCentre';
import { deliveryFailedNotice } from './notices';
import { chatFullUntil, holdForRateLimit, inTurnForChat } from './sendRateLimit';
import type { Delivered, MarkSent } from './sentLog';

export type Deliveries = ReadonlyMap<string, ChatDelivery>;

export async function deliverOutbound(job: OutboundJob, context: HandlerContext, deliveries: Deliveries, markSent: MarkSent): Promise<void> {
  const message = await context.db.read.findOneBy(OutboundMessage, { id: job.outboundId });
  if (!message || message.status !== 'pending') return; // delivered by an earlier run, or never stored
  const group = await context.groups.group(message.groupId);
  const adapter = deliveries.get(group.platform);
  if (!adapter) throw new Error(`no platform adapter for ${group.platform} (group ${group.name})`);
  const perMinute = adapter.sendsPerMinutePerChat;
  if (!perMinute) return send(message, group, adapter, context, markSent);
  return inTurnForChat(group.id, async () => {
    const fullUntil = await chatFullUntil(context, group.id, perMinute);
    if (fullUntil) return holdForRateLimit(context, message.id, fullUntil, perMinute);
    return send(message, group, adapter, context, markSent);
  });
}

async function send(message: OutboundMessage, group: ChatGroup, adapter: ChatDelivery, context: HandlerContext, markSent: MarkSent): Promise<void> {
  const { read } = context.db;
  const target: ChatTarget = { platform: group.platform, chatId: group.platformChatId, name: group.name, ...(group.postCode ? { post: group.postCode } : {}) };
  /** Whatever the platform says, except a refusal, means "not now": see afterLastAttempt. */
  const onPlatform = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw error instanceof DeliveryRefused || error instanceof DeliveryDeferred ? error : new PlatformUnreachable(group.platform, error);
    }
  };

  let cardRef: Delivered['card'] = null;
  try {
    if (message.kind === 'text') {
      const replyTo = adapter.answersThroughHandles ? await replyToOf(context, message) : undefined;
      await onPlatform(() => adapter.sendText(target, message.text, replyTo));
    } else if (message.kind === 'triage_card' || message.kind === 'triage_update') {
      const item = await read.findOneByOrFail(TriageItem, { id: message.cardId ?? '' });
      const view = await loadTriageView(context, item);
      const next = message.kind === 'triage_card'
        ? await onPlatform(() => adapter.sendCard(target, view))
        : await onPlatform(() => adapter.updateCard(target, view, item.platformRef));
      if (next !== item.platformRef && (next || message.kind === 'triage_update')) cardRef = { cardId: item.id, platformRef: next, replaces: item.platformRef, triage: true };
    } else if (message.kind === 'visit_task_card' || message.kind === 'visit_task_update') {
      const task = await read.findOneByOrFail(VisitTask, { id: message.cardId ?? '' });
      const view = await loadVisitTaskView(context, task);
      const next = message.kind === 'visit_task_card'
        ? await onPlatform(() => adapter.sendCard(target, view))
        : await onPlatform(() => adapter.updateCard(target, view, task.platformRef));
      if (next !== task.platformRef && (next || message.kind === 'visit_task_update')) cardRef = { cardId: task.id, platformRef: next, replaces: task.platformRef, visitTask: true };
    } else if (message.kind === 'daily_tasks_card' || message.kind === 'daily_tasks_update') {
      const list = await read.findOneByOrFail(DailyTaskList, { id: message.cardId ?? '' });
      const view = await loadDailyTasksView(context, list);
      const next = message.kind === 'daily_tasks_card'
        ? await onPlatform(() => adapter.sendCard(target, view))
        : await onPlatform(() => adapter.updateCard(target, view, list.platformRef));
      if (next !== list.platformRef && (next || message.kind === 'daily_tasks_update')) cardRef = { cardId: list.id, platformRef: next, replaces: list.platformRef, dailyTasks: true };
    } else {
      const card = await read.findOneByOrFail(Card, { id: message.cardId ?? '' });
      const view = (await loadCardViews(read, [card], context)).get(card.id)!;
      if (message.kind === 'card') {
        const platformRef = await onPlatform(() => adapter.sendCard(target, view));
        if (platformRef) cardRef = { cardId: card.id, platformRef, replaces: card.platformRef };
      } else {
        const next = await onPlatform(() => adapter.updateCard(target, view, card.platformRef));
        if (next !== card.platformRef) cardRef = { cardId: card.id, platformRef: next, replaces: card.platformRef };
      }
    }
  } catch (error) {
    if (!(error instanceof DeliveryDeferred)) throw error;
    return markSent({ outboundId: message.id, card: null, held: { until: error.until, reason: error.message } });
  }
  await markSent({ outboundId: message.id, card: cardRef });
  context.metrics.delivery(group.platform, 'sent');
}

/** The inbound message a text answers, or the report that opened the case it is about, with its handle. */
async function replyToOf(context: HandlerContext, message: OutboundMessage): Promise<ReplyTo | undefined> {
  const { read } = context.db;
  let answeredId = message.replyToMessageId;
  if (!answeredId && message.incidentId) {
    answeredId = (await read.findOne(Incident, { where: { id: message.incidentId }, select: { sourceMessageId: true } }))?.sourceMessageId ?? null;
  }
  if (!answeredId) return undefined;
  const answered = await read.findOne(InboundMessage, { where: { id: answeredId }, select: { groupId: true, replyRef: true, receivedAt: true } });
  // A notice about a message to another chat (the command centre told of a failure) is no reply to it.
  if (!answered || answered.groupId !== message.groupId) return undefined;
  return { replyRef: answered.replyRef, receivedAt: answered.receivedAt, direct: answeredId === message.replyToMessageId };
}

/**
 * A failed delivery: remember why and since when. After the queue's last attempt, an unreachable platform
 * is waited out (retrying); a refusal, or an outage past the give-up horizon, marks the row failed and
 * tells the command centre. If the failing group is the command centre's own, the row stays failed where
 * /healthz and GET /api/outbox?status=failed show it.
 */
export async function recordOutboundFailure(job: OutboundJob, error: Error, isFinal: boolean, context: HandlerContext): Promise<void> {
  const reason = describeFailure(error);
  const now = context.clock();
  const outcome = await context.db.write(async (manager) => {
    const message = await manager.findOneBy(OutboundMessage, { id: job.outboundId });
    if (!message || message.status !== 'pending') return null;
    const failingSince = message.failingSince ?? now;
    await manager.increment(OutboundMessage, { id: message.id }, 'attempts', 1);
    if (!isFinal) {
      await manager.update(OutboundMessage, { id: message.id }, { lastError: reason, failingSince });
      return null;
    }
    const next = afterLastAttempt(error, failingSince, now, context.policy.deliveryGiveUpAfterMs);
    const group = await manager.findOneByOrFail(ChatGroup, { id: message.groupId });
    if (next.kind === 'retry_at') {
      await manager.update(OutboundMessage, { id: message.id }, { status: 'retrying', lastError: reason, failingSince, nextAttemptAt: next.at });
      return { retryAt: next.at, outbox: null, platform: group.platform };
    }
    await manager.update(OutboundMessage, { id: message.id }, { status: 'failed', lastError: reason, failingSince, nextAttemptAt: null });
    const outbox = await noticeToCommandCentre(manager, now, deliveryFailedNotice(group.name, message.text, reason), {
      incidentId: message.incidentId ?? undefined,
      aboutGroupId: group.id,
    });
    return { retryAt: null, outbox, platform: group.platform };
  });
  if (!outcome) return;
  context.metrics.delivery(outcome.platform, outcome.retryAt ? 'retrying' : 'failed');
  await outcome.outbox?.flush(context);
  if (outcome.retryAt) {
    context.log.warn({ outboundId: job.outboundId, retryAt: outcome.retryAt, err: error }, 'platform unreachable; delivery waits and retries');
  } else {
    context.log.error({ outboundId: job.outboundId, err: error }, 'outbound message given up after all attempts');
  }
}
