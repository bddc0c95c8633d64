// 上报: the lead post cannot close the case at this level; it goes one level up (grid → community → street →
// district), that level's handling group is told, and so is the resident. The lead post keeps the case: the
// level says who coordinates, the status still says whether it was accepted.
import { LEVEL_NAME, levelAbove } from '../../seeds/taxonomy';
import { escalatedLevelNotice, escalatedResidentNotice } from '../delivery/notices';
import { conflict } from '../errors';
import type { CardClick } from './actOnCard';
import { moveIncident, refreshCards, reporterOf, tellReporter } from './caseChanges';
import { recordTimeline } from './timeline';

export async function escalateLevel(click: CardClick): Promise<void> {
  const { manager, incident, worker, postName, note, outbox, context, now } = click;
  const from = incident.level;
  const to = levelAbove(from);
  if (!to) throw conflict(`incident ${incident.number} is already handled at the top level (${LEVEL_NAME[from]})`);
  await moveIncident(manager, incident, { level: to }, now);
  const reason = note ?? '';
  await recordTimeline(manager, incident.id, now, 'level_escalated', click.actor, `${LEVEL_NAME[from]} → ${LEVEL_NAME[to]}：${reason}`);

  const group = (await context.groups.levelGroupOf(to)) ?? (await context.groups.commandGroup());
  const names = { categoryName: context.taxonomy.category(incident.category).name, fromLevel: LEVEL_NAME[from], toLevel: LEVEL_NAME[to], postName, workerName: worker.name };
  if (group) await outbox.add('text', group.id, escalatedLevelNotice(incident, names, reason), { incidentId: incident.id });
  else context.log.error({ incident: incident.number, level: to }, 'no group handles this level and no command group: 上报 not announced');
  await tellReporter(outbox, incident, escalatedResidentNotice(incident, LEVEL_NAME[to], await reporterOf(manager, incident)));
  await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.id !== click.assignment.id });
}
