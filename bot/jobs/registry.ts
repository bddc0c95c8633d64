// Every job the bot runs, declared once. The web role only enqueues; the worker role performs them; the
// scheduler role enqueues the periodic ones on their ticks.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { deliverOutbound, recordOutboundFailure, type Deliveries } from '../../handlers/delivery/deliverOutbound';
import { releaseDueDeliveries } from '../../handlers/delivery/deliveryRetries';
import { createSentLog } from '../../handlers/delivery/sentLog';
import type { AttachmentSources } from '../../handlers/intake/attachments';
import { fetchAttachments, recordAttachmentFailure } from '../../handlers/intake/fetchAttachments';
import { processInboundMessage, recordInboundFailure } from '../../handlers/intake/processInboundMessage';
import { relayUnfinishedWork } from '../../handlers/relayUnfinishedWork';
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { loadAntiFraudTips, sendWeeklyTip } from '../../handlers/fraud/weeklyTip';
import { sendDailyDigest } from '../../handlers/digests/dailyDigest';
import { sendWeeklyDigest } from '../../handlers/digests/weeklyDigest';
import { sendMonthlyDigest } from '../../handlers/digests/monthlyDigest';
import { loadDailyTaskPlan, sendDailyTaskLists, sendUnfinishedDailyTasks } from '../../handlers/grid/dailyTasks';
import { AttachmentFiles } from '../../storage/attachmentFiles';
import type { JobDefinition, JobOptions, JobRegistry } from './job';

export interface JobDependencies {
  context: HandlerContext;
  deliveries: Deliveries;
  /** Each platform's download side, for attachments (PlatformAdapter.media). */
  media: AttachmentSources;
  /** DATA_DIR: downloaded attachments are kept under it. */
  dataDir: string;
  retry: Pick<JobOptions, 'attempts' | 'backoffMs'>;
  /** Inbound jobs at once per worker process. */
  concurrency: number;
  /** Outbound jobs at once per worker process: each mostly waits on a platform's HTTP API. */
  deliveryConcurrency: number;
  /** When the service-level sweeps run. */
  sweepCron: string;
  /** When the anti-fraud tip of the week is sent, or null: never. */
  antiFraudTipCron: string | null;
  /** When the command centre's digests are sent, each null: never (the jobs can still be enqueued). */
  digestCrons?: { daily: string | null; weekly: string | null; monthly: string | null };
  /** When the 6+1 lists are sent and the unfinished ones told, each null: never. */
  dailyTaskCrons?: { morning: string | null; evening: string | null };
  /** The relay queues again what has waited longer than this, every so many seconds. */
  relayAfterMs: number;
  relayEverySeconds: number;
}

const tick = z.object({ tick: z.string().datetime() });

export function jobRegistry({ context, deliveries, media, dataDir, retry, concurrency, deliveryConcurrency, sweepCron, antiFraudTipCron, digestCrons, dailyTaskCrons, relayAfterMs, relayEverySeconds }: JobDependencies): JobRegistry {
  const markSent = createSentLog(context.db, context.clock);
  const fetching = { sources: media, files: new AttachmentFiles(dataDir) };
  const antiFraudTips = loadAntiFraudTips();
  const dailyTaskPlan = loadDailyTaskPlan();
  const digestJob = <N extends 'dailyDigest' | 'weeklyDigest' | 'monthlyDigest'>(name: N, send: () => Promise<unknown>, every: string | null): JobDefinition<N> => ({
    name,
    payload: tick,
    jobId: ({ tick }) => `${name}:${tick}`,
    perform: async () => void (await send()),
    onFailed: log(name),
    options: { ...retry, concurrency: 1 },
    ...(every ? { every } : {}),
  });
  const log = (name: string) => async (_payload: unknown, error: Error, attempt: { isFinal: boolean }) => {
    context.log[attempt.isFinal ? 'error' : 'warn']({ job: name, err: error }, 'periodic job failed; the next tick runs it again');
  };
  return {
    /** Classify a stored message and act on it. */
    inbound: {
      name: 'inbound',
      payload: z.object({ messageId: z.string().min(1) }),
      jobId: ({ messageId }) => `inbound:${messageId}`,
      perform: (payload) => processInboundMessage(payload, context),
      onFailed: (payload, error, { isFinal }) => recordInboundFailure(payload, error, isFinal, context),
      options: { ...retry, concurrency },
    },
    /** Deliver one outbox row through its platform. */
    outbound: {
      name: 'outbound',
      payload: z.object({ outboundId: z.string().min(1) }),
      jobId: ({ outboundId }) => `outbound:${outboundId}`,
      perform: (payload) => deliverOutbound(payload, context, deliveries, markSent),
      onFailed: (payload, error, { isFinal }) => recordOutboundFailure(payload, error, isFinal, context),
      options: { ...retry, concurrency: deliveryConcurrency },
    },
    /**
     * Download a stored message's attachments through its platform and keep them under DATA_DIR. Retried like
     * a delivery (the platform may be down); as many at once as inbound jobs, since each holds a file in memory.
     */
    fetchAttachments: {
      name: 'fetchAttachments',
      payload: z.object({ messageId: z.string().min(1) }),
      jobId: ({ messageId }) => `fetchAttachments:${messageId}`,
      perform: (payload) => fetchAttachments(payload, context, fetching),
      onFailed: (payload, error, { isFinal }) => recordAttachmentFailure(payload, error, isFinal, context),
      options: { ...retry, concurrency },
    },
    /** Re-queue what lost its job. */
    relay: {
      name: 'relay',
      payload: tick,
      jobId: ({ tick }) => `relay:${tick}`,
      perform: async () => void (await relayUnfinishedWork(context, relayAfterMs)),
      onFailed: log('relay'),
      options: { attempts: 1, backoffMs: 1000, concurrency: 1 },
      every: `*/${relayEverySeconds} * * * * *`,
      performedByScheduler: true,
    },
    /** Release deliveries that waited out an outage and are due again. */
    deliveryRetries: {
      name: 'deliveryRetries',
      payload: tick,
      jobId: ({ tick }) => `deliveryRetries:${tick}`,
      perform: async () => void (await releaseDueDeliveries(context)),
      onFailed: log('deliveryRetries'),
      options: { attempts: 1, backoffMs: 1000, concurrency: 1 },
      every: '*/15 * * * * *',
    },
    /**
     * The service-level clock: cases past their accept deadline climb their ladder (reminder, leader, command
     * centre), cases near or past their resolve deadline get a heads-up and 督办, unanswered resolutions close.
     */
    serviceClock: {
      name: 'serviceClock',
      payload: tick,
      jobId: ({ tick }) => `serviceClock:${tick}`,
      perform: async () => void (await runServiceClock(context)),
      onFailed: log('serviceClock'),
      options: { attempts: 1, backoffMs: 1000, concurrency: 1 },
      every: sweepCron,
    },
    /** 每周反诈提示: this week's anti-fraud tip to every resident group, once a week. */
    weeklyTip: {
      name: 'weeklyTip',
      payload: tick,
      jobId: ({ tick }) => `weeklyTip:${tick}`,
      perform: async () => void (await sendWeeklyTip(antiFraudTips, context)),
      onFailed: log('weeklyTip'),
      options: { ...retry, concurrency: 1 },
      ...(antiFraudTipCron ? { every: antiFraudTipCron } : {}),
    },
    /** 日调度, 周复盘, 月晾晒: the command centre's digests, each once per period (the digests table says so). */
    dailyDigest: digestJob('dailyDigest', () => sendDailyDigest(context), digestCrons?.daily ?? null),
    weeklyDigest: digestJob('weeklyDigest', () => sendWeeklyDigest(context), digestCrons?.weekly ?? null),
    monthlyDigest: digestJob('monthlyDigest', () => sendMonthlyDigest(context), digestCrons?.monthly ?? null),
    /** 6+1 任务清单: each grid worker's list for the day, once per worker and day (the lists table says so). */
    dailyTasks: {
      name: 'dailyTasks',
      payload: tick,
      jobId: ({ tick }) => `dailyTasks:${tick}`,
      perform: async () => void (await sendDailyTaskLists(dailyTaskPlan, context)),
      onFailed: log('dailyTasks'),
      options: { ...retry, concurrency: 1 },
      ...(dailyTaskCrons?.morning ? { every: dailyTaskCrons.morning } : {}),
    },
    /** The evening notice of unfinished 6+1 lists to the GRID group, once a day. */
    dailyTasksEvening: {
      name: 'dailyTasksEvening',
      payload: tick,
      jobId: ({ tick }) => `dailyTasksEvening:${tick}`,
      perform: async () => void (await sendUnfinishedDailyTasks(context)),
      onFailed: log('dailyTasksEvening'),
      options: { ...retry, concurrency: 1 },
      ...(dailyTaskCrons?.evening ? { every: dailyTaskCrons.evening } : {}),
    },
  };
}
