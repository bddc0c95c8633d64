// Marks an inbound message handled, once. The conditional update is the guard that makes the inbound
// job idempotent: a retried or doubled job finds the message already claimed and does nothing.
import type { EntityManager } from 'typeorm';
import { InboundMessage, type InboundStatus } from '../../storage/entities';

export async function claimMessage(
  manager: EntityManager,
  messageId: string,
  outcome: { status: Exclude<InboundStatus, 'received' | 'failed'>; code: string | null; classifiedBy: string | null; incidentId?: string; at: Date },
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(InboundMessage)
    .set({
      status: outcome.status,
      outcome: outcome.code,
      classifiedBy: outcome.classifiedBy,
      incidentId: outcome.incidentId ?? null,
      handledAt: outcome.at,
      // The attempt that handles it is counted with its outcome, in the same statement.
      attempts: () => 'attempts + 1',
    })
    .where('id = :id AND status = :received', { id: messageId, received: 'received' })
    .execute();
  return result.affected === 1;
}
