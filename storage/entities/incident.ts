import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, longText, optionalTimestamp, shortText, timestamp } from './columns';
import type { IncidentStatus } from '../../handlers/incidents/incidentStateMachine';
import type { Level } from '../../seeds/taxonomy';

/** A resident's report turned into a case with an owner, deadlines and a timeline. */
@Entity('incidents')
@Index('uq_incidents_number', ['number'], { unique: true })
@Index('ix_incidents_status', ['status'])
@Index('ix_incidents_category', ['category'])
@Index('ix_incidents_created', ['createdAt'])
@Index('ix_incidents_status_accept_by', ['status', 'acceptBy'])
@Index('ix_incidents_status_resolve_by', ['status', 'resolveBy'])
@Index('ix_incidents_status_resolved', ['status', 'resolvedAt'])
@Index('ix_incidents_group_created', ['groupId', 'createdAt'])
@Index('ix_incidents_reporter_created', ['reporterId', 'createdAt'])
@Index('ix_incidents_category_place', ['category', 'placeKey'])
export class Incident {
  @PrimaryColumn(id)
  id: string;

  /** Readable number residents and workers quote, e.g. A-20261124-0007. */
  @Column({ type: 'varchar', length: 24 })
  number: string;

  @Column(code)
  category: string;

  @Column({ type: 'varchar', length: 16 })
  urgency: 'critical' | 'high' | 'normal';

  @Column({ type: 'varchar', length: 16 })
  status: IncidentStatus;

  @Column({ type: 'float' })
  confidence: number;

  @Column(shortText)
  classifiedBy: string;

  /** The one-line summary (一句话摘要) the LLM wrote for the card; null when the model or the rules decided. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  summary: string | null;

  /** A scam alert's line for the police card: who posted the bait where, and how often it was seen (发布情况). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  alertLine: string | null;

  /** The resident's own words. */
  @Column(longText)
  text: string;

  @Column(shortText)
  place: string;

  /**
   * Where it is, as the gazetteer knows the place (c.guixiangyuan/桂香苑/8栋, road:枣子湾路/28号): equal for
   * two reports of one spot in different words. Null when the report names no place the gazetteer locates.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  placeKey: string | null;

  /** When the reporter was asked where it is (在哪个小区哪一栋？), until they answer; null when not asked. */
  @Column(optionalTimestamp)
  placeAskedAt: Date | null;

  /** Reports joined into this case, the first included (报告人 ×N on the card). */
  @Column({ type: 'int', default: 1 })
  reportCount: number;

  @Column({ ...code, nullable: true })
  orgUnitCode: string | null;

  @Column(id)
  groupId: string;

  @Column(id)
  reporterId: string;

  @Column(id)
  sourceMessageId: string;

  @Column(code)
  leadPost: string;

  @Column(timestamp)
  acceptBy: Date;

  /** Critical cases promise someone on site (30 minutes); others have no arrival deadline. */
  @Column(optionalTimestamp)
  arriveBy: Date | null;

  @Column(timestamp)
  resolveBy: Date;

  @Column(optionalTimestamp)
  acceptedAt: Date | null;

  @Column(optionalTimestamp)
  resolvedAt: Date | null;

  /** When the case was closed: confirmed by the resident (满意), or with no answer after AUTO_CLOSE_H. */
  @Column(optionalTimestamp)
  closedAt: Date | null;

  /**
   * The level handling the case: it starts at its category's level and 上报 raises it one at a time
   * (小事不出网格、大事不出街道). Its own field, so the status still says whether the case was accepted.
   */
  @Column({ type: 'varchar', length: 16, default: 'community' })
  level: Level;

  /** How often the resident reopened the case after it was resolved (不满意, 还是没解决). */
  @Column({ type: 'int', default: 0 })
  reopenCount: number;

  /** The resident's answer to the resolution notice; null while unanswered or when closed without one. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  satisfaction: 'satisfied' | 'dissatisfied' | null;

  /**
   * The service-level clock's round: 0 from the report; 改派 and reopening start the deadlines again in
   * the next round, whose clock steps are taken afresh (clock_steps is keyed by incident, round, step).
   */
  @Column({ type: 'int', default: 0 })
  clockRound: number;

  /** When the current round's deadlines started; null in round 0, which started at createdAt. */
  @Column(optionalTimestamp)
  clockStartedAt: Date | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;

  /** Optimistic lock: a status change writes only if the version is still the one it read (handlers/actOnCard). */
  @Column({ type: 'int' })
  version: number;
}
