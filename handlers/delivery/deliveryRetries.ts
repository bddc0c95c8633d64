// When a platform is down, messages wait it out instead of failing after a minute: after the queue's quick
// retries a row goes to `retrying` with a due time that backs off (capped), and the retry sweep releases it
// when due, for hours, before it is given up and shown to a person. A person can also re-send any failed row.
import { LessThanOrEqual } from 'typeorm';
import { OutboundMessage } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { conflict, notFound } from '../errors';
import { PlatformUnreachable } from '../events';

export const RETRY_DELAY_MIN_MS = 60_000;
export const RETRY_DELAY_MAX_MS = 30 * 60_000;

export type AfterLastAttempt = { kind: 'retry_at'; at: Date } | { kind: 'give_up' };

/**
 * Pure: what to do with a row whose quick retries are used up. Only an unreachable platform is waited out;
 * the wait grows with how long it has been failing (so retries thin out geometrically) between a minute and
 * half an hour, and stops at the give-up horizon.
 */
export function afterLastAttempt(error: Error, failingSince: Date, now: Date, giveUpAfterMs: number): AfterLastAttempt {
  if (!(error instanceof PlatformUnreachable)) return { kind: 'give_up' };
  const failingFor = now.getTime() - failingSince.getTime();
  if (failingFor >= giveUpAfterMs) return { kind: 'give_up' };
  const delay = Math.min(Math.max(failingFor, RETRY_DELAY_MIN_MS), RETRY_DELAY_MAX_MS);
  return { kind: 'retry_at', at: new Date(now.getTime() + delay) };
}

/** The retry sweep: rows waiting out an outage whose time has come go back to the outbound queue. */
export async function releaseDueDeliveries(context: HandlerContext, batch = 500): Promise<number> {
  const now = context.clock();
  const due = await context.db.read.find(OutboundMessage, {
    where: { status: 'retrying', nextAttemptAt: LessThanOrEqual(now) },
    select: { id: true },
    order: { nextAttemptAt: 'ASC' },
    take: batch,
  });
  return requeue(context, due.map((row) => row.id), 'retrying');
}

/** A person re-sends one row: failed (given up) or still waiting out an outage. */
export async function retryDelivery(outboundId: string, context: HandlerContext): Promise<OutboundMessage> {
  const row = await context.db.read.findOneBy(OutboundMessage, { id: outboundId });
  if (!row) throw notFound(`outbound message ${outboundId} does not exist`);
  if (row.status === 'sent') throw conflict(`outbound message ${outboundId} was already sent at ${row.sentAt?.toISOString()}`);
  if (row.status === 'pending') throw conflict(`outbound message ${outboundId} is already queued for delivery`);
  await requeue(context, [row.id], row.status);
  return context.db.read.findOneByOrFail(OutboundMessage, { id: outboundId });
}

/** A person re-sends every given-up row (of one group, if named), oldest first. */
export async function retryFailedDeliveries(context: HandlerContext, filter: { groupId?: string }, batch = 1000) {
  const where = { status: 'failed' as const, ...(filter.groupId ? { groupId: filter.groupId } : {}) };
  const rows = await context.db.read.find(OutboundMessage, { where, select: { id: true }, order: { createdAt: 'ASC' }, take: batch });
  const retried = await requeue(context, rows.map((row) => row.id), 'failed');
  return { retried, remaining: await context.db.read.countBy(OutboundMessage, where) };
}

/** Back to pending, each row only if still in the state it was read in (a concurrent sweep or click
 * cannot queue it twice), then queued. A re-send starts a fresh give-up horizon. */
async function requeue(context: HandlerContext, ids: string[], from: 'retrying' | 'failed'): Promise<number> {
  if (ids.length === 0) return 0;
  const released = await context.db.write(async (manager) => {
    const mine: string[] = [];
    for (const id of ids) {
      const result = await manager.update(OutboundMessage, { id, status: from }, { status: 'pending', nextAttemptAt: null, ...(from === 'failed' ? { failingSince: null } : {}) });
      if (result.affected === 1) mine.push(id);
    }
    return mine;
  });
  for (const outboundId of released) {
    try {
      await context.jobs.enqueue('outbound', { outboundId });
    } catch (error) {
      context.log.error({ err: error, outboundId }, 'could not queue a released delivery; it stays pending and is queued at start-up');
    }
  }
  if (released.length) context.log.info({ released: released.length, from }, 'deliveries queued again');
  return released.length;
}

/** What /healthz and the admin API show of the outbox. */
export async function outboxHealth(context: Pick<HandlerContext, 'db'>) {
  const count = (status: OutboundMessage['status']) => context.db.read.countBy(OutboundMessage, { status });
  const [pending, retrying, failed] = await Promise.all([count('pending'), count('retrying'), count('failed')]);
  const oldestFailed = failed
    ? await context.db.read.findOne(OutboundMessage, { where: { status: 'failed' }, order: { createdAt: 'ASC' }, select: { createdAt: true } })
    : null;
  return { pending, retrying, failed, oldestFailedAt: oldestFailed?.createdAt.toISOString() ?? null };
}
