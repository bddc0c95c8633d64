// The dashboard's view of the alarm sources (智能预警 platforms): each configured source, when it last sent an
// alarm that passed its signature, how many it has sent, and how many of its cases are still open.
import { In, Not } from 'typeorm';
import { ChatGroup, InboundMessage, Incident } from '../../storage/entities';
import { FINISHED } from '../../storage/queries/openIncidents';
import type { Reader } from '../../storage/database';
import { DEVICE_PLATFORM } from './deviceAlarm';

export interface AlarmSourceSummary {
  source: string;
  /** null: never heard from. */
  lastContactAt: string | null;
  alarms: number;
  openIncidents: number;
}

export async function summariseAlarmSources(reader: Reader, sources: readonly string[]): Promise<AlarmSourceSummary[]> {
  const groups = sources.length ? await reader.find(ChatGroup, { where: { platform: DEVICE_PLATFORM, platformChatId: In([...sources]) } }) : [];
  const bySource = new Map(groups.map((group) => [group.platformChatId, group]));
  const summaries: AlarmSourceSummary[] = [];
  for (const source of [...sources].sort()) {
    const group = bySource.get(source);
    if (!group) {
      summaries.push({ source, lastContactAt: null, alarms: 0, openIncidents: 0 });
      continue;
    }
    const last = await reader.findOne(InboundMessage, { where: { groupId: group.id }, order: { receivedAt: 'DESC' }, select: { id: true, receivedAt: true } });
    summaries.push({
      source,
      lastContactAt: last ? last.receivedAt.toISOString() : null,
      alarms: await reader.count(InboundMessage, { where: { groupId: group.id } }),
      openIncidents: await reader.count(Incident, { where: { groupId: group.id, status: Not(In(FINISHED)) } }),
    });
  }
  return summaries;
}
