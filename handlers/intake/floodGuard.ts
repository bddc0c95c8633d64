// Floods: a sender or a group posting faster than any real report needs. Every message is still stored; one
// over its limit is marked throttled instead of being classified into a new incident, and the grid worker's
// group hears once per flood, not once per message. Limits count stored rows, so any number of instances agree.
import { LessThan, MoreThan, LessThanOrEqual, And } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { GRID_POST } from '../../seeds/taxonomy';
import { ChatGroup, Flood, InboundMessage, type FloodScope, type Person } from '../../storage/entities';
import { claimMessage } from './claimMessage';
import type { HandlerContext } from '../context';
import { floodNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';

export const FLOOD_WINDOW_MS = 60_000;
/** A flood is over when nothing was throttled for this long; the next throttled message starts a new one. */
export const FLOOD_QUIET_GAP_MS = 10 * 60_000;

export interface FloodVerdict {
  scope: FloodScope;
  /** Messages in the minute up to this one, this one included. */
  count: number;
  limit: number;
}

/** Is this message over its sender's or its group's per-minute limit? */
export async function floodVerdict(message: InboundMessage, context: HandlerContext): Promise<FloodVerdict | null> {
  const window = And(MoreThan(new Date(message.receivedAt.getTime() - FLOOD_WINDOW_MS)), LessThanOrEqual(message.receivedAt));
  const { floodSenderPerMinute, floodGroupPerMinute } = context.policy;
  const bySender = await context.db.read.countBy(InboundMessage, { senderId: message.senderId, receivedAt: window });
  if (bySender > floodSenderPerMinute) return { scope: 'sender', count: bySender, limit: floodSenderPerMinute };
  const byGroup = await context.db.read.countBy(InboundMessage, { groupId: message.groupId, receivedAt: window });
  if (byGroup > floodGroupPerMinute) return { scope: 'group', count: byGroup, limit: floodGroupPerMinute };
  return null;
}

/** Marks the message throttled; the first throttled message of a flood tells the grid worker's group. */
export async function throttleMessage(
  message: InboundMessage,
  where: { group: ChatGroup; sender: Person },
  verdict: FloodVerdict,
  context: HandlerContext,
): Promise<void> {
  const now = context.clock();
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, {
      status: 'throttled',
      code: null,
      classifiedBy: `flood guard: ${verdict.count} messages in a minute from this ${verdict.scope} (limit ${verdict.limit})`,
      at: now,
    });
    if (!claimed) return null;
    const scopeId = verdict.scope === 'sender' ? message.senderId : message.groupId;
    if (!(await startsNewFlood(manager, verdict.scope, scopeId, now))) return null;
    const gridGroup = await context.groups.workerGroupOf(GRID_POST, message);
    if (!gridGroup) return null;
    const outbox = new Outbox(manager, now);
    await outbox.add('text', gridGroup.id, floodNotice(where.group.name, verdict.scope === 'sender' ? where.sender.name : null, verdict), {
      replyToMessageId: message.id,
    });
    return outbox;
  });
  await outbox?.flush(context);
  context.log.warn({ messageId: message.id, ...verdict, newFlood: Boolean(outbox) }, 'message throttled');
}

/** Records a throttled message against its flood row; true when it opens a new flood. The conditional
 * update is the guard: of two messages racing to open the same flood, one sees the old lastAt. */
async function startsNewFlood(manager: EntityManager, scope: FloodScope, scopeId: string, now: Date): Promise<boolean> {
  const key = { scope, scopeId };
  if (!(await manager.existsBy(Flood, key))) {
    await manager.insert(Flood, { ...key, lastAt: now });
    return true;
  }
  const quietSince = new Date(now.getTime() - FLOOD_QUIET_GAP_MS);
  const reopened = await manager.update(Flood, { ...key, lastAt: LessThan(quietSince) }, { lastAt: now });
  if (reopened.affected === 1) return true;
  await manager.update(Flood, { ...key, lastAt: LessThan(now) }, { lastAt: now });
  return false;
}
