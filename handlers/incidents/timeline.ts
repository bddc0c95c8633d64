// Writes one step of an incident's audit trail. Entries are only ever inserted, never changed.
import type { EntityManager } from 'typeorm';
import { TimelineEntry } from '../../storage/entities';

export type TimelineType =
  | 'reported' | 'classified' | 'dispatched' | 'receipt_sent' | 'accepted' | 'assist_accepted'
  | 'returned' | 'assist_returned' | 'resolved' | 'assist_resolved' | 'scam_warning_sent' | 'resident_notified'
  /** The reporter posted the same report again; it joined this case. */
  | 'repeat_report'
  /** The same sender posted the same scam bait again the same day (in this or another group); counted under this alert. */
  | 'scam_repost'
  /** Another resident reported the same problem; their report joined this case (报告人 ×N). */
  | 'joined_report'
  /** The reporter answered where it is (在哪个小区哪一栋？); the case's place and grid follow it. */
  | 'place_given'
  /** The service-level clock: 催办 in the post's group, the post's leader, the command centre. */
  | 'accept_reminder' | 'accept_leader' | 'accept_command'
  /** The resolve clock: heads-up to the owner at 80% of the limit, 督办 when it has passed. */
  | 'resolve_warning' | 'resolve_overdue'
  /** 改派 by the dispatcher, 上报 to the level above. */
  | 'rerouted' | 'level_escalated'
  /** 改类: the dispatcher corrected the category (the note says from what to what); a labelled example. */
  | 'recategorised'
  /** When the lead resolves: the assisting posts that never acted on their cards. */
  | 'assists_idle'
  /** The resident's answer: 满意 closes, 不满意 reopens; closed with no answer after AUTO_CLOSE_H; words on an open case. */
  | 'closed' | 'reopened' | 'auto_closed' | 'resident_followup';

export interface Actor {
  name: string;
  /** The platform user id, when a person acted. */
  userId: string | null;
}

export const BOT: Actor = { name: 'bot', userId: null };

export async function recordTimeline(
  manager: EntityManager,
  incidentId: string,
  at: Date,
  type: TimelineType,
  actor: Actor,
  note: string | null = null,
): Promise<void> {
  await manager.insert(TimelineEntry, { incidentId, at, type, actor: actor.name, actorId: actor.userId, note });
}
