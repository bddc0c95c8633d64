// What every handler is given: the database, the taxonomy, the classifier, the job queue, a clock and a log.
// Built once at start-up (bot/main.ts) and by tests; handlers never reach for globals.
import type { Logger } from 'pino';
import type { Taxonomy } from '../seeds/taxonomy';
import type { Database } from '../storage/database';
import type { ConsultAnswers } from './intake/consultAnswers';
import type { Classifier } from './classify/types';

export type QueueName = 'inbound' | 'outbound' | 'sweep';

export interface InboundJob {
  messageId: string;
}
export interface OutboundJob {
  outboundId: string;
}

/** The sweep queue's job: one pass of a periodic check (reminders and escalation, digests). */
export interface SweepJob {
  sweep: string;
}

export interface JobPayloads {
  inbound: InboundJob;
  outbound: OutboundJob;
  sweep: SweepJob;
}

/** One job per message or outbox row: queueing the same one twice (a re-delivery, the start-up sweep) runs it once. */
export function jobIdFor<Q extends QueueName>(queue: Q, payload: JobPayloads[Q]): string {
  if ('messageId' in payload) return `${queue}:${payload.messageId}`;
  if ('outboundId' in payload) return `${queue}:${payload.outboundId}`;
  return `${queue}:${payload.sweep}`;
}

/** The seam handlers enqueue work through; the in-process queue and bull both implement it. */
export interface JobScheduler {
  enqueue<Q extends QueueName>(queue: Q, payload: JobPayloads[Q]): Promise<void>;
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
}

export interface HandlerContext {
  /** Reads through `db.read`, every change through `db.write` (one transaction). */
  db: Database;
  taxonomy: Taxonomy;
  classifier: Classifier;
  consultAnswers: ConsultAnswers;
  jobs: JobScheduler;
  clock: () => Date;
  log: Logger;
  timeZone: string;
  policy: Policy;
}
