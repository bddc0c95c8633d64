// The answer to 在哪个小区哪一栋？: when a report named no place a worker could find, its receipt asked once;
// the reporter's next message in that chat naming a usable place (and little else: "8栋2单元", "就在桂香苑
// 南门") is that answer. It joins the case — its place, grid and cards follow it — instead of being a report.
import { In, MoreThanOrEqual, Not } from 'typeorm';
import { Incident, OrgUnit, type ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import { FINISHED } from '../../storage/queries/openIncidents';
import type { HandlerContext } from '../context';
import { placeGivenNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { moveIncident, refreshCards } from '../incidents/caseChanges';
import { locateReport } from '../incidents/locateReport';
import { describePlace } from '../incidents/place';
import { recordTimeline } from '../incidents/timeline';
import type { PlaceMention } from '../place/extractPlace';
import { claimMessage } from './claimMessage';

/** How long after the question a place is still taken as its answer. */
export const PLACE_ANSWER_WINDOW_MS = 2 * 3_600_000;
/** Words besides the place an answer may have (在, 就在, 是, 那边 …); more and it is a message of its own. */
const OTHER_WORDS_AT_MOST = 4;
const FILLER = /[在是的那这边里儿呀啊哈呢吧哦嘛就位置地址，。,.!！?？~\s]/gu;

export async function answerPlaceQuestion(message: InboundMessage, where: { group: ChatGroup; sender: Person }, context: HandlerContext): Promise<boolean> {
  const { group, sender } = where;
  // Only a message that is mostly a place can be an answer: most messages are not, and cost no query here.
  const place = locateReport(message.text, group, context.gazetteer);
  if (!place.usable || !isMostlyPlace(message.text, place.mention)) return false;
  const asked = await context.db.read.findOne(Incident, {
    where: {
      reporterId: sender.id, groupId: group.id, status: Not(In(FINISHED)),
      placeAskedAt: MoreThanOrEqual(new Date(message.receivedAt.getTime() - PLACE_ANSWER_WINDOW_MS)),
    },
    order: { placeAskedAt: 'DESC' },
  });
  if (!asked) return false;

  const now = context.clock();
  const outbox = await context.db.write(async (manager) => {
    const incident = await manager.findOneByOrFail(Incident, { id: asked.id });
    if (!incident.placeAskedAt) return null; // answered meanwhile
    const claimed = await claimMessage(manager, message.id, {
      status: 'done', code: incident.category, classifiedBy: `place for ${incident.number}`, incidentId: incident.id, at: now,
    });
    if (!claimed) return null;
    const orgUnitCode = place.located?.orgUnitCode ?? incident.orgUnitCode;
    const orgUnit = orgUnitCode ? await manager.findOneBy(OrgUnit, { code: orgUnitCode }) : null;
    const described = describePlace(orgUnit?.name ?? null, message.text).slice(0, 200);
    await moveIncident(manager, incident, { place: described, placeKey: place.located?.key ?? null, placeAskedAt: null, orgUnitCode }, now);
    await recordTimeline(manager, incident.id, now, 'place_given', { name: sender.name, userId: sender.platformUserId }, message.text);
    const out = new Outbox(manager, now);
    await out.add('text', group.id, placeGivenNotice(incident, sender.name), { incidentId: incident.id, replyToMessageId: message.id });
    await refreshCards(manager, incident, out, context, now);
    return out;
  });
  if (!outbox) return false;
  await outbox.flush(context);
  context.log.info({ messageId: message.id, incident: asked.number }, 'the reporter said where it is; the case follows');
  return true;
}

function isMostlyPlace(text: string, mention: PlaceMention | null): boolean {
  if (!mention) return false;
  const rest = text.replace(/@\S+\s*/gu, '').replace(mention.text, '').replace(FILLER, '');
  return [...rest].length <= OTHER_WORDS_AT_MOST;
}
