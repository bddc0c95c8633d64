// Marks an inbound message handled, once. The conditional update is the guard that makes the inbound
// job idempotent: a retried or doubled job finds the message already claimed and does nothing.
import type { EntityManager } from 'typeorm';
import { InboundMessage, type InboundStatus } from '../../storage/entities';

/** The outcome of a message put before the grid worker (triage), until the worker decides. */
export const TRIAGE_OUTCOME = 'triage';

export async function claimMessage(
  manager: EntityManager,
  messageId: string,
  outcome: { status: Exclude<InboundStatus, 'received' | 'failed'>; code: string | null; classifiedBy: string | null; incidentId?: string; at: Date },
  /** `triage`: claims a message waiting in triage (立案) instead of one just received. */
  from: 'received' | 'triage' = 'received',
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
    .where(from === 'received' ? 'id = :id AND status = :received' : 'id = :id AND status = :done AND outcome = :triage', {
      id: messageId, received: 'received', done: 'done', triage: TRIAGE_OUTCOME,
    })
    .execute();
  return result.affected === 1;
}
