// Writes a digest and its message to the command group once per kind and period: a digest already recorded
// for the period is not sent again, and two schedulers racing are settled at uq_digests_kind_period — the
// loser's transaction (with its outbox row) rolls back, so the group gets one message.
import { randomUUID } from 'node:crypto';
import { Digest, type DigestKind } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { Outbox } from '../delivery/outbox';

export interface DigestSent {
  kind: DigestKind;
  period: string;
  /** False: already sent for this period (or no command group is bound), nothing written. */
  sent: boolean;
}

export async function sendDigestOnce(context: HandlerContext, kind: DigestKind, period: string, compose: () => Promise<string>): Promise<DigestSent> {
  if (await context.db.read.existsBy(Digest, { kind, period })) return { kind, period, sent: false };
  const group = await context.groups.commandGroup();
  if (!group) {
    context.log.warn({ digest: kind, period }, 'no command group bound; digest not sent');
    return { kind, period, sent: false };
  }
  const text = await compose();
  const now = context.clock();
  const outbox = await context.db.write(async (manager) => {
    if (await manager.existsBy(Digest, { kind, period })) return null;
    await manager.insert(Digest, { id: randomUUID(), kind, period, text, createdAt: now });
    const written = new Outbox(manager, now);
    await written.add('text', group.id, text);
    return written;
  });
  if (!outbox) return { kind, period, sent: false };
  await outbox.flush(context);
  context.log.info({ digest: kind, period }, 'digest sent to the command group');
  return { kind, period, sent: true };
}
