// Marking deliveries sent, many in one transaction (storage/groupCommit.ts). A report makes two to four
// deliveries (receipt, lead card, assisting cards), and each used to commit its "sent" on its own: most of
// a report's commits. Each caller still waits for its mark to be committed before its job ends.
import { In, IsNull } from 'typeorm';
import type { Database } from '../../storage/database';
import { Card, DailyTaskList, OutboundMessage, TriageItem, VisitTask } from '../../storage/entities';
import { groupCommit } from '../../storage/groupCommit';

export interface Delivered {
  outboundId: string;
  /**
   * The card's new platform handle (from sending it, or the next one an update gave back, null once spent),
   * written only where the card still holds `replaces`: a click's fresher handle stored meanwhile is kept.
   */
  card: { cardId: string; platformRef: string | null; replaces: string | null; triage?: boolean; visitTask?: boolean; dailyTasks?: boolean } | null;
  /**
   * Not sent but held for the platform to collect (DeliveryDeferred): waits, status retrying, until then.
   * Marked here rather than in a transaction of its own, since a report's receipt on WeCom is held each time.
   */
  held?: { until: Date; reason: string };
}

export type MarkSent = (delivered: Delivered) => Promise<void>;

export function createSentLog(db: Database, clock: () => Date): MarkSent {
  return groupCommit(async (delivered: Delivered[]) => {
    await db.write(async (manager) => {
      for (const { card } of delivered) {
        if (card) await manager.update(card.triage ? TriageItem : card.visitTask ? VisitTask : card.dailyTasks ? DailyTaskList : Card, { id: card.cardId, platformRef: card.replaces ?? IsNull() }, { platformRef: card.platformRef });
      }
      for (const { outboundId, held } of delivered) {
        if (held) await manager.update(OutboundMessage, { id: outboundId, status: 'pending' }, { status: 'retrying', nextAttemptAt: held.until, lastError: `held back: ${held.reason}` });
      }
      const sent = delivered.filter((d) => !d.held).map((d) => d.outboundId);
      if (sent.length) {
        await manager
          .createQueryBuilder()
          .update(OutboundMessage)
          // Attempts are counted when one ends (here, or in recordOutboundFailure).
          .set({ status: 'sent', sentAt: clock(), lastError: null, nextAttemptAt: null, attempts: () => 'attempts + 1' })
          .where({ id: In(sent) })
          .execute();
      }
      // `ahead`: finishing a delivery already made goes before starting new work, which keeps the time
      // from report to card short under load.
    }, { ahead: true });
    return delivered.map(() => undefined);
  });
}
