// A device alarm (智能预警: a gas sensor over its threshold, a wristband's heart rate falling) becomes an incident
// as a report does. Stored first, as an inbound message of the `device` platform (the chat is the alarm
// source, the sender the device), then opened by openIncident with a fixed classification (`alarm:<kind>`:
// the category and urgency of seeds/alarm-kinds.json), so deadlines, cards, the timeline and the command
// centre's copy of a red case apply unchanged. A repeat from the same device while its case is open joins it,
// as does an alarm about a problem an open case already tracks (another sensor there, a resident's report).
import { createHash } from 'node:crypto';
import { In, Not, type EntityManager } from 'typeorm';
import { Incident, InboundMessage, Person } from '../../storage/entities';
import { FINISHED } from '../../storage/queries/openIncidents';
import type { Reader } from '../../storage/database';
import type { HandlerContext } from '../context';
import { invalid } from '../errors';
import { claimMessage } from '../intake/claimMessage';
import { openIncident } from '../incidents/openIncident';
import { findSameProblem } from '../incidents/joinSameProblem';
import { locateReport } from '../incidents/locateReport';
import { recordTimeline } from '../incidents/timeline';
import { wellFormed } from '../wellFormedText';
import { describeAlarm, type AlarmKind, type AlarmKinds } from './alarmKinds';
import { alarmClassifier, DEVICE_PLATFORM } from './deviceAlarm';

export interface Alarm {
  source: string;
  deviceId: string;
  kind: string;
  value: number;
  threshold: number;
  /** Where the device is, as its platform names it (化粪池 3栋旁). */
  place: string;
  /** When the device raised it (ISO 8601). */
  at: string;
}

export type AlarmOutcome =
  | { outcome: 'opened' | 'joined'; incidentId: string; number: string; messageId: string }
  /** The same alarm delivered again (same source, device, kind and time): already stored, nothing more done. */
  | { outcome: 'duplicate'; incidentId: string | null; number: string | null; messageId: string };

/**
 * One source's alarms are handled one after another in this process, so a burst of repeats (or two sensors at
 * one place) finds the case the first one opened instead of opening one each (across web processes two may
 * still race; see the README). Alarms are rare: a queue per source costs nothing.
 */
const sourceTurns = new Map<string, Promise<unknown>>();

export async function receiveAlarm(alarm: Alarm, kinds: AlarmKinds, context: HandlerContext): Promise<AlarmOutcome> {
  const kind = kinds.get(alarm.kind);
  if (!kind) throw invalid(`kind ${alarm.kind} is not an alarm kind; known: ${[...kinds.keys()].join(', ')}`);
  const place = wellFormed(alarm.place).trim();
  const deviceId = wellFormed(alarm.deviceId).trim();
  const text = describeAlarm(kind, { ...alarm, place });

  const stored = await context.inbox({
    platform: DEVICE_PLATFORM,
    platformMessageId: alarmMessageId(alarm),
    chatId: alarm.source,
    chatName: `智能预警 ${alarm.source}`,
    sender: { userId: deviceId, name: deviceId },
    text,
    location: { name: place.slice(0, 100) },
    receivedAt: context.clock(),
  });
  context.metrics.inbound(DEVICE_PLATFORM, stored.duplicate ? 'duplicate' : 'received');
  if (stored.duplicate) {
    const first = await context.db.read.findOneByOrFail(InboundMessage, { id: stored.messageId });
    const incident = first.incidentId ? await context.db.read.findOneBy(Incident, { id: first.incidentId }) : null;
    return { outcome: 'duplicate', incidentId: incident?.id ?? null, number: incident?.number ?? null, messageId: stored.messageId };
  }

  const key = alarm.source;
  const turn = (sourceTurns.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => actOnAlarm(stored.messageId, kind, { source: alarm.source, deviceId, place }, context));
  sourceTurns.set(key, turn);
  try {
    return await turn;
  } finally {
    if (sourceTurns.get(key) === turn) sourceTurns.delete(key);
  }
}

/** Joins the device's open case of this kind, or opens one. */
async function actOnAlarm(messageId: string, kind: AlarmKind, alarm: { source: string; deviceId: string; place: string }, ctx: HandlerContext): Promise<AlarmOutcome> {
  const { read, write } = ctx.db;
  const message = await read.findOneByOrFail(InboundMessage, { id: messageId });
  const device = await read.findOneByOrFail(Person, { id: message.senderId });
  const group = await ctx.groups.group(message.groupId);
  const now = ctx.clock();
  // Joined here, silently, rather than by openIncident's own joining, which answers the reporter's chat:
  // the device's open case of this kind, else an open case of the same problem (another sensor, a resident).
  const joined = await write(async (manager) => {
    const open = await openAlarmIncident(manager, device.id, kind.kind);
    if (open) return (await joinAlarm(manager, { message, incident: open, device }, 'repeat_report', now)) && open;
    const place = locateReport(message.text, group, ctx.gazetteer, { name: message.locationName });
    const same = await findSameProblem(manager, { category: kind.category, placeKey: place.located?.key ?? null, groupId: group.id, text: message.text, at: message.receivedAt });
    if (same) return (await joinAlarm(manager, { message, incident: same.incident, device }, 'joined_report', now)) && same.incident;
    return null;
  });
  if (joined === false) throw new Error(`alarm message ${message.id} was handled by someone else meanwhile`);
  if (joined) {
    ctx.metrics.inbound(DEVICE_PLATFORM, 'joined');
    ctx.log.info({ incident: joined.number, messageId: message.id, source: alarm.source, device: alarm.deviceId }, 'alarm joined an open incident');
    return { outcome: 'joined', incidentId: joined.id, number: joined.number, messageId: message.id };
  }
  const incident = await openIncident({
    message,
    group,
    reporter: device,
    classification: {
      category: kind.category,
      urgency: kind.urgency,
      confidence: 1,
      source: alarmClassifier(kind.kind),
      summary: `${kind.name}${kind.trips === 'above' ? '超过' : '低于'}阈值`,
      place: alarm.place,
    },
  }, ctx);
  if (!incident) throw new Error(`alarm message ${message.id} was handled by someone else meanwhile`);
  // openIncident joins too (a case another process opened meanwhile): then it was not new.
  const isNew = incident.sourceMessageId === message.id;
  ctx.metrics.inbound(DEVICE_PLATFORM, isNew ? 'done' : 'joined');
  return { outcome: isNew ? 'opened' : 'joined', incidentId: incident.id, number: incident.number, messageId: message.id };
}

/** The alarm's identity as an inbound message id: the same alarm delivered twice is stored once. */
export function alarmMessageId(alarm: Pick<Alarm, 'source' | 'deviceId' | 'kind' | 'at'>): string {
  return createHash('sha256').update(JSON.stringify([alarm.source, alarm.deviceId, alarm.kind, alarm.at])).digest('hex');
}

/** The device's open incident opened by an alarm of this kind, if any (the latest). */
async function openAlarmIncident(reader: Reader | EntityManager, deviceId: string, kind: string): Promise<Incident | null> {
  return reader.findOne(Incident, {
    where: { reporterId: deviceId, classifiedBy: alarmClassifier(kind), status: Not(In(FINISHED)) },
    order: { createdAt: 'DESC' },
  });
}

/**
 * Inside the caller's transaction: claims the message for the open case and records it on its timeline
 * (`repeat_report`: the same device again; `joined_report`: the same problem). No one is told: a device reads nothing.
 */
async function joinAlarm(
  manager: EntityManager,
  joining: { message: InboundMessage; incident: Incident; device: Person },
  type: 'repeat_report' | 'joined_report',
  now: Date,
): Promise<boolean> {
  const { message, incident, device } = joining;
  const claimed = await claimMessage(manager, message.id, {
    status: 'done', code: incident.category, classifiedBy: `${type === 'repeat_report' ? 'repeat alarm' : 'same problem'} of ${incident.number}`, incidentId: incident.id, at: now,
  });
  if (!claimed) return false;
  await recordTimeline(manager, incident.id, now, type, { name: device.name, userId: device.platformUserId }, message.text);
  return true;
}
