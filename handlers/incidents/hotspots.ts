// 从一件事到一类事: three or more cases of one kind at one place within 30 days are a problem with a cause
// (a lift that keeps trapping people, a drain that floods every rain). The dispatcher is told once per 30
// days for each kind and place, with the cases' numbers, so the cause is looked at and not only each case.
import { randomUUID } from 'node:crypto';
import { MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import { Hotspot, Incident } from '../../storage/entities';
import { DISPATCH_POST } from '../../seeds/taxonomy';
import type { HandlerContext } from '../context';
import { hotspotNotice } from '../delivery/notices';
import type { Outbox } from '../delivery/outbox';

export const HOTSPOT_CASES = 3;
export const HOTSPOT_WINDOW_MS = 30 * 86_400_000;

/** After a case opens: tells the dispatcher when its kind and place have become a hotspot. */
export async function noticeHotspot(manager: EntityManager, incident: Incident, outbox: Outbox, context: HandlerContext, now: Date): Promise<void> {
  if (!incident.placeKey) return;
  const since = new Date(now.getTime() - HOTSPOT_WINDOW_MS);
  const cases = await manager.find(Incident, {
    where: { category: incident.category, placeKey: incident.placeKey, createdAt: MoreThanOrEqual(since), status: Not('merged') },
    order: { createdAt: 'ASC' },
    select: { id: true, number: true, place: true },
  });
  if (cases.length < HOTSPOT_CASES) return;
  const known = await manager.findOneBy(Hotspot, { category: incident.category, placeKey: incident.placeKey });
  if (known && known.notifiedAt >= since) return;
  if (known) await manager.update(Hotspot, { id: known.id }, { cases: cases.length, notifiedAt: now });
  else await manager.insert(Hotspot, { id: randomUUID(), category: incident.category, placeKey: incident.placeKey, cases: cases.length, notifiedAt: now, createdAt: now });
  const dispatch = (await context.groups.workerGroupOf(DISPATCH_POST, incident)) ?? (await context.groups.commandGroup());
  if (!dispatch) return;
  const categoryName = context.taxonomy.category(incident.category).name;
  await outbox.add('text', dispatch.id, hotspotNotice(categoryName, incident.place, cases.map((c) => c.number), HOTSPOT_WINDOW_MS), { incidentId: incident.id });
}
