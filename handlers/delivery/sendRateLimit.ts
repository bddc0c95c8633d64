// Platforms limit how fast a bot may post into one chat (a WeCom group robot: 20 messages a minute; see
// docs/platforms.md), and going over gets the bot throttled for everyone. So a delivery to a chat whose
// last minute is full waits (status retrying) until the oldest of those sends is a minute old; the retry
// sweep releases it then. Counted from the outbox's own sent rows, so every worker process agrees. Within
// a process, sends to one limited chat take turns (check, send, mark sent), so concurrent jobs cannot all
// see room; across processes each can overshoot by one at the same instant, which the platform refuses and
// the queue retries.
import { MoreThan } from 'typeorm';
import { OutboundMessage } from '../../storage/entities';
import type { HandlerContext } from '../context';

const WINDOW_MS = 60_000;

const turns = new Map<string, Promise<unknown>>();

/** Runs `work` after the previous work for the same chat in this process has finished. */
export function inTurnForChat<T>(groupId: string, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(groupId) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const settled = mine.catch(() => undefined);
  turns.set(groupId, settled);
  void settled.then(() => {
    if (turns.get(groupId) === settled) turns.delete(groupId);
  });
  return mine;
}

/** When the chat has room for one more send, or null if it has room now. */
export async function chatFullUntil(context: HandlerContext, groupId: string, perMinute: number): Promise<Date | null> {
  const now = context.clock();
  const recent = await context.db.read.find(OutboundMessage, {
    where: { groupId, status: 'sent', sentAt: MoreThan(new Date(now.getTime() - WINDOW_MS)) },
    select: { id: true, sentAt: true },
    order: { sentAt: 'DESC' },
    take: perMinute,
  });
  if (recent.length < perMinute) return null;
  return new Date(recent[recent.length - 1].sentAt!.getTime() + WINDOW_MS);
}

/** Holds the delivery back until then; not a failure, so nothing is counted against it. */
export async function holdForRateLimit(context: HandlerContext, outboundId: string, until: Date, perMinute: number): Promise<void> {
  await holdDelivery(context, outboundId, until, `the chat had ${perMinute} messages in the last minute, the platform's limit`);
}

/** The retry sweep releases a held delivery at `until`; `reason` shows in the outbox why it waits. */
export async function holdDelivery(context: HandlerContext, outboundId: string, until: Date, reason: string): Promise<void> {
  await context.db.write((manager) =>
    manager.update(OutboundMessage, { id: outboundId, status: 'pending' }, { status: 'retrying', nextAttemptAt: until, lastError: `held back: ${reason}` }),
  );
}
