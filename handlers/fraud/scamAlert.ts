// Scam bait posted into a group (涉诈信息): the group is warned, naming the scam and what to do, and community
// police get an alert card with the sender, the group and the text. One alert per sender and text per day:
// the same bait posted again by the same sender joins that alert (counted on its card), and a group that
// was already warned about it today is not warned again. Repeat offenders show on the card: how much bait
// this sender has posted, and in how many groups this text has been seen.
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Incident, ScamSighting, type ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { scamWarningNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { claimMessage } from '../intake/claimMessage';
import { refreshCards } from '../incidents/caseChanges';
import { BOT, recordTimeline } from '../incidents/timeline';
import { localDay } from '../localTime';
import { scamFingerprint, type ScamVerdict } from './scamBait';

/** What openIncident needs to open an alert: the detector's verdict, and this sighting's identity. */
export interface ScamBait {
  verdict: ScamVerdict;
  fingerprint: string;
  day: string;
}

export function scamBaitOf(text: string, verdict: ScamVerdict, at: Date, timeZone: string): ScamBait {
  return { verdict, fingerprint: createHash('sha256').update(scamFingerprint(text)).digest('hex'), day: localDay(at, timeZone) };
}

interface Sighting {
  message: InboundMessage;
  group: ChatGroup;
  sender: Person;
  bait: ScamBait;
}

/** The alert this sender's same bait opened today, if any. */
export async function alertOpenedToday(manager: EntityManager, sighting: Pick<Sighting, 'sender' | 'bait'>): Promise<Incident | null> {
  const earlier = await manager.findOne(ScamSighting, {
    where: { senderId: sighting.sender.id, fingerprint: sighting.bait.fingerprint, day: sighting.bait.day },
    order: { createdAt: 'ASC' },
  });
  return earlier ? manager.findOneBy(Incident, { id: earlier.incidentId }) : null;
}

/**
 * Records the sighting under its alert and writes the alert's line (sender, group, counts) onto the incident.
 * Returns whether this group was already warned about this bait today (then it is not warned again).
 */
export async function recordSighting(manager: EntityManager, sighting: Sighting, incident: Incident, now: Date): Promise<{ groupWarnedToday: boolean }> {
  const { message, group, sender, bait } = sighting;
  const groupWarnedToday = await manager.existsBy(ScamSighting, { fingerprint: bait.fingerprint, day: bait.day, groupId: group.id });
  await manager.insert(ScamSighting, {
    id: randomUUID(), messageId: message.id, senderId: sender.id, groupId: group.id, fingerprint: bait.fingerprint,
    scamType: bait.verdict.type?.code ?? null, day: bait.day, incidentId: incident.id, createdAt: now,
  });
  const bySender = await manager.countBy(ScamSighting, { senderId: sender.id });
  const sightings = await manager.find(ScamSighting, { where: { fingerprint: bait.fingerprint }, select: { groupId: true, senderId: true } });
  const groups = new Set(sightings.map((s) => s.groupId)).size;
  const senders = new Set(sightings.map((s) => s.senderId)).size;
  const alertLine = [
    `${sender.name}（${sender.platformUserId}）发在「${group.name}」`,
    bySender > 1 ? `该账号第 ${bySender} 次发布涉诈信息` : null,
    groups > 1 || senders > 1 ? `同一内容已见于 ${groups} 个群、${senders} 个账号` : null,
  ].filter(Boolean).join('；').slice(0, 200);
  incident.alertLine = alertLine;
  await manager.update(Incident, { id: incident.id }, { alertLine });
  return { groupWarnedToday };
}

/**
 * Inside the caller's transaction: the same sender's same bait again today, counted under the alert it
 * opened, the card refreshed with the counts, and the group warned unless it already was today.
 */
export async function joinScamAlert(manager: EntityManager, sighting: Sighting, alert: Incident, context: HandlerContext, now: Date): Promise<Outbox | null> {
  const claimed = await claimMessage(manager, sighting.message.id, {
    status: 'done', code: alert.category, classifiedBy: `scam bait, repost of ${alert.number}`, incidentId: alert.id, at: now,
  });
  if (!claimed) return null;
  const { groupWarnedToday } = await recordSighting(manager, sighting, alert, now);
  const poster = { name: sighting.sender.name, userId: sighting.sender.platformUserId };
  await recordTimeline(manager, alert.id, now, 'scam_repost', poster, `「${sighting.group.name}」：${sighting.message.text}`);
  const outbox = new Outbox(manager, now);
  if (!groupWarnedToday) await warnGroup(manager, outbox, sighting, alert, now);
  await refreshCards(manager, alert, outbox, context, now);
  return outbox;
}

/** 反诈提醒 in the group the bait was posted in, naming the scam and what to do. */
export async function warnGroup(manager: EntityManager, outbox: Outbox, sighting: Pick<Sighting, 'group' | 'message' | 'bait'>, alert: Incident, now: Date): Promise<void> {
  const notice = scamWarningNotice(alert, sighting.bait.verdict);
  await outbox.add('text', sighting.group.id, notice, { incidentId: alert.id, replyToMessageId: sighting.message.id });
  await recordTimeline(manager, alert.id, now, 'scam_warning_sent', BOT, notice);
}
