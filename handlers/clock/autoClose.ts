// A resolved case the resident has not answered within AUTO_CLOSE_H is closed. The state change is its own
// guard: under the incident's lock only a case still resolved is closed, so two sweeps close it once.
import { Incident } from '../../storage/entities';
import { resolvedCasesUnanswered } from '../../storage/queries/openIncidents';
import { findForUpdate } from '../../storage/queries/rowLocks';
import type { HandlerContext } from '../context';
import { Outbox } from '../delivery/outbox';
import { closeCase } from '../incidents/closeTheLoop';

/** Returns the numbers of the cases closed. */
export async function closeUnansweredCases(context: HandlerContext): Promise<string[]> {
  const now = context.clock();
  const answerMs = context.policy.autoCloseMs * context.policy.slaScale;
  const closed: string[] = [];
  for (const seen of await resolvedCasesUnanswered(context.db.read, now, answerMs)) {
    const outbox = await context.db.write(async (manager) => {
      const incident = await findForUpdate(manager, Incident, { id: seen.id });
      if (!incident || incident.status !== 'resolved' || !incident.resolvedAt || now.getTime() - incident.resolvedAt.getTime() < answerMs) return null;
      const outbox = new Outbox(manager, now);
      await closeCase({ manager, incident, outbox, context, now }, null);
      return outbox;
    });
    if (!outbox) continue;
    await outbox.flush(context);
    closed.push(seen.number);
    context.log.info({ incident: seen.number }, 'resolved case unanswered: closed by the clock');
  }
  return closed;
}
