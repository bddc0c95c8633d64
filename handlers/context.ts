// What every handler is given: the database, the taxonomy, the classifier, the job queue, a clock and a log.
// Built once at start-up (bot/main.ts) and by tests; handlers never reach for globals.
import type { Logger } from 'pino';
import type { Taxonomy } from '../seeds/taxonomy';
import type { Database } from '../storage/database';
import type { GroupDirectory } from '../storage/queries/groupDirectory';
import type { ConsultAnswers } from './intake/consultAnswers';
import type { Gazetteer } from './place/gazetteer';
import type { PointRules } from './volunteers/points';
import type { Inbox } from './intake/inbox';
import type { Classifier } from './classify/types';

export interface InboundJob {
  messageId: string;
}
export interface OutboundJob {
  outboundId: string;
}
/** Download the pending attachments of one stored message. */
export interface AttachmentJob {
  messageId: string;
}
/** A periodic job's payload: the tick it belongs to (its scheduled time, to the second), so each tick runs once. */
export interface TickJob {
  tick: string;
}

/** Every job by name, with its payload. The definitions (name, schema, id, perform, options) are in bot/jobs/. */
export interface JobPayloads {
  inbound: InboundJob;
  outbound: OutboundJob;
  fetchAttachments: AttachmentJob;
  relay: TickJob;
  deliveryRetries: TickJob;
  serviceClock: TickJob;
  weeklyTip: TickJob;
  dailyDigest: TickJob;
  weeklyDigest: TickJob;
  monthlyDigest: TickJob;
  dailyTasks: TickJob;
  dailyTasksEvening: TickJob;
}
export type JobName = keyof JobPayloads;

/** The seam handlers enqueue work through; the in-process queue and bull both implement it. */
export interface JobScheduler {
  /** Queues a job once: the same job id (derived from the payload by its definition) queued again is one job. */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  /**
   * Queues again work the database says is unfinished: a live job under the same id (waiting, running,
   * delayed) is left alone; a dead one (finished, failed, or a remnant left by a Redis restart) is replaced.
   */
  requeue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
}

/** What handlers report for /metrics; bot/metrics.ts turns it into Prometheus series. */
export interface Metrics {
  /** An inbound message stored (outcome 'received') or dropped as a repeat delivery ('duplicate'), or handled. */
  inbound(platform: string, outcome: 'received' | 'duplicate' | 'done' | 'ignored' | 'throttled' | 'failed' | 'joined'): void;
  incidentOpened(category: string, urgency: string): void;
  delivery(platform: string, result: 'sent' | 'failed' | 'retrying'): void;
}

/** The street's limits, from configuration. */
export interface Policy {
  /** How long a delivery waits out an unreachable platform before it is given up and shown to a person. */
  deliveryGiveUpAfterMs: number;
  /** Messages a minute from one sender, and into one group, before further ones are throttled. */
  floodSenderPerMinute: number;
  floodGroupPerMinute: number;
  /** The same sender's same text within this window joins the earlier incident. */
  repeatWindowMs: number;
  /** Multiplies every service-level limit: 0.01 makes 5 minutes 3 seconds, for demos and checks. */
  slaScale: number;
  /** A resolved case the resident has not answered is closed after this long (AUTO_CLOSE_H, times slaScale). */
  autoCloseMs: number;
  /** When non-critical reminders to individuals wait (QUIET_HOURS, local time); null: never. */
  quietHours: QuietHours | null;
}

/** Minutes after local midnight; start > end means the window crosses midnight (22:00–07:00). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export interface HandlerContext {
  /** Reads through `db.read`, every change through `db.write` (one transaction). */
  db: Database;
  /** Stores inbound messages, concurrent ones in one transaction. */
  inbox: Inbox;
  /** Chat groups as recently read (they change only when bound). */
  groups: GroupDirectory;
  taxonomy: Taxonomy;
  classifier: Classifier;
  consultAnswers: ConsultAnswers;
  /** The street's places per grid (seeds/gazetteer.json): where a report is, whoever reports it. */
  gazetteer: Gazetteer;
  /** What volunteers earn points for (seeds/volunteer-points.json). */
  pointRules: PointRules;
  jobs: JobScheduler;
  clock: () => Date;
  log: Logger;
  timeZone: string;
  policy: Policy;
  metrics: Metrics;
}
