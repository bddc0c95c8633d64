// The labels people gave: cases whose category the dispatcher corrected (改类), messages a grid worker filed
// from triage (立案, with the category chosen) or ignored there (忽略: not an incident, labelled chat). Each is
// a labelled example in the evaluate format, for `npm run train` to learn from a street's own corrections.
import { In, Like } from 'typeorm';
import type { Reader } from '../database';
import { InboundMessage, Incident, TimelineEntry, TriageItem } from '../entities';

export interface LabelledExample {
  id: string;
  text: string;
  category: string;
  urgency: string | null;
  /** Who labelled it and how: 改类, 立案, 忽略. */
  labelledBy: string;
  at: string;
}

export async function labelledExamples(reader: Reader): Promise<LabelledExample[]> {
  const corrections = await reader.find(TimelineEntry, { where: { type: 'recategorised' }, order: { at: 'ASC' } });
  const corrected = await reader.findBy(Incident, { id: In([...new Set(corrections.map((entry) => entry.incidentId))]) });
  const filed = await reader.find(Incident, { where: { classifiedBy: Like('triage:%') }, order: { createdAt: 'ASC' } });
  const ignored = await reader.find(TriageItem, { where: { status: 'ignored' }, order: { decidedAt: 'ASC' } });
  const ignoredTexts = await reader.find(InboundMessage, { where: { id: In(ignored.map((item) => item.messageId)) }, select: { id: true, text: true } });

  const byIncident = new Map<string, LabelledExample>();
  for (const incident of filed) {
    byIncident.set(incident.id, { id: `filed-${incident.id}`, text: incident.text, category: incident.category, urgency: incident.urgency, labelledBy: `立案 ${incident.classifiedBy.slice('triage:'.length)}`, at: incident.createdAt.toISOString() });
  }
  for (const entry of corrections) {
    const incident = corrected.find((i) => i.id === entry.incidentId);
    // The case's category now: a second correction supersedes the first.
    if (incident) byIncident.set(incident.id, { id: `corrected-${incident.id}`, text: incident.text, category: incident.category, urgency: incident.urgency, labelledBy: `改类 ${entry.actor}`, at: entry.at.toISOString() });
  }
  const ignoredExamples = ignored.flatMap((item) => {
    const text = ignoredTexts.find((m) => m.id === item.messageId)?.text;
    return text ? [{ id: `ignored-${item.id}`, text, category: 'chat', urgency: null, labelledBy: '忽略', at: (item.decidedAt ?? item.updatedAt).toISOString() }] : [];
  });
  return [...byIncident.values(), ...ignoredExamples].sort((a, b) => a.at.localeCompare(b.at));
}
