// The one validated configuration object. Read from the environment once at start-up; a wrong value
// stops the start with a message naming the variable. With no variables set, the defaults give the
// embedded mode: SQLite under ./data, the in-process queue, the rule classifier and the sandbox.
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import type { Policy, QuietHours } from '../handlers/context';
import { loadDingtalkConfig, type DingtalkConfig } from './dingtalk';
import { loadWecomConfig, type WecomConfig } from './wecom';
import { loadLlmConfig, type LlmConfig } from './llm';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A periodic digest's schedule: six cron fields in the street's time zone, or off. */
const digestCron = (fallback: string) =>
  z
    .string()
    .refine((expression) => expression === 'off' || (expression.trim().split(/\s+/).length === 6 && cron.validate(expression)), {
      message: 'must be a six-field cron expression (seconds first) in the street\'s time zone, e.g. 0 30 8 * * * for 08:30 daily, or off',
    })
    .default(fallback);

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    ADMIN_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters: it guards the whole /api and /sandbox surface')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TIMEZONE: z
      .string()
      .default('Asia/Shanghai')
      .refine(isKnownTimeZone, 'is not an IANA time zone (e.g. Asia/Shanghai)'),
    SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    SANDBOX: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    QUEUE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    QUEUE_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
    DELIVERY_GIVE_UP_HOURS: z.coerce.number().min(0).max(168).default(6),
    FLOOD_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
    FLOOD_GROUP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
    DATABASE_URL: z
      .string()
      .regex(/^(mysql|mariadb):\/\/[^/]+\/\w+/, 'must look like mysql://user:password@host:3306/database (or mariadb://…)')
      .optional(),
    MIGRATE_ON_START: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must look like redis://host:6379 (or rediss://…)').optional(),
    BULL_PREFIX: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, dots, dashes or underscores').default('grid-bot'),
    BULL_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    SANDBOX_SENDS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).optional(),
    ROLE: z.enum(['all', 'web', 'worker', 'scheduler']).default('all'),
    RELAY_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    RELAY_EVERY_SECONDS: z.coerce.number().int().min(1).max(59).default(30),
    REPEAT_WINDOW_MINUTES: z.coerce.number().int().min(0).max(1440).default(30),
    SLA_SCALE: z.coerce.number().positive().max(100).default(1),
    AUTO_CLOSE_H: z.coerce.number().positive().max(24 * 90).default(72),
    QUIET_HOURS: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, { message: 'must be HH:MM-HH:MM in the street\'s time zone (e.g. 22:00-07:00), or off' })
      .refine((value) => value === 'off' || value.slice(0, 5) !== value.slice(6), { message: 'must not start and end at the same time; use off for none' })
      .default('22:00-07:00'),
    SWEEP_CRON: z
      .string()
      .refine((expression) => expression.trim().split(/\s+/).length === 6 && cron.validate(expression), {
        message: 'must be a six-field cron expression (seconds first), e.g. */15 * * * * *',
      })
      .default('*/15 * * * * *'),
    ANTI_FRAUD_TIP_CRON: z
      .string()
      .refine((expression) => expression === 'off' || (expression.trim().split(/\s+/).length === 6 && cron.validate(expression)), {
        message: 'must be a six-field cron expression (seconds first) in the street\'s time zone, e.g. 0 0 10 * * 1 for Mondays 10:00, or off',
      })
      .default('0 0 10 * * 1'),
    DIGEST_DAILY_CRON: digestCron('0 30 8 * * *'),
    DIGEST_WEEKLY_CRON: digestCron('0 0 9 * * 1'),
    DIGEST_MONTHLY_CRON: digestCron('0 0 9 1 * *'),
    // 6+1 任务清单: the grid workers' lists in the morning, the unfinished ones told in the evening.
    DAILY_TASKS_CRON: digestCron('0 0 8 * * *'),
    DAILY_TASKS_EVENING_CRON: digestCron('0 0 18 * * *'),
    // Device alarm sources (智能预警): source:secret,source:secret. Errors name the source, never the secret.
    ALARM_SECRETS: z.string().optional().transform((value, ctx): ReadonlyMap<string, string> => {
      const secrets = new Map<string, string>();
      for (const [i, pair] of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean).entries()) {
        const at = pair.indexOf(':');
        const source = pair.slice(0, Math.max(at, 0)).trim();
        const secret = pair.slice(at + 1).trim();
        if (at <= 0 || !/^[\w.-]{1,64}$/.test(source)) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be source:secret (source: 1–64 letters, digits, dots, dashes or underscores)` });
        else if (secret.length < 16) ctx.addIssue({ code: 'custom', message: `source ${source}: the secret must be at least 16 characters` });
        else if (secrets.has(source)) ctx.addIssue({ code: 'custom', message: `source ${source} is listed twice` });
        else secrets.set(source, secret);
      }
      return secrets;
    }),
  })
  .superRefine((env, ctx) => {
    if (env.ROLE !== 'all' && !env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['ROLE'],
        message: `is ${env.ROLE}, which needs REDIS_URL: the in-process queue cannot be shared between processes`,
      });
    }
    if (!env.ADMIN_TOKEN && env.HOST && !LOOPBACK_HOSTS.has(env.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `is ${env.HOST}, but without ADMIN_TOKEN the server may only listen on 127.0.0.1; set ADMIN_TOKEN to expose it`,
      });
    }
  });

export const ROLES = ['web', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export interface Config {
  port: number;
  /** Where the HTTP server listens; loopback unless an ADMIN_TOKEN protects the API. */
  host: string;
  dataDir: string;
  adminToken: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** The street's local time zone: incident numbers and the times shown to people use it. */
  timeZone: string;
  /** Seed the demo street, its groups and members into an empty database. */
  seedDemo: boolean;
  /** Serve the sandbox platform (a web page where you play resident and worker). */
  sandbox: boolean;
  /** How many times a failed job runs before it lands with a person. */
  queueAttempts: number;
  /** First retry delay of a failed job; it doubles with each attempt. */
  queueRetryDelayMs: number;
  /** What this process runs: web (HTTP, platform inbound), worker (jobs), scheduler (cron ticks, relay). */
  roles: Role[];
  /** bull on Redis when set; otherwise the in-process queue. */
  queue: { kind: 'in-process' } | { kind: 'bull'; redisUrl: string; prefix: string; lockMs: number };
  /** A per-chat send limit for the sandbox platform, to watch the rate limit work (real platforms set their own). */
  sandboxSendsPerMinute: number | undefined;
  /** Inbound and outbound jobs running at once in one worker process, each. */
  jobConcurrency: number;
  /** When the service-level sweeps run (six cron fields, seconds first). */
  sweepCron: string;
  /** When the anti-fraud tip of the week goes to the resident groups (six cron fields), or null: never. */
  antiFraudTipCron: string | null;
  /** When the command centre's digests (日调度, 周复盘, 月晾晒) are sent (six cron fields), each null: never. */
  digestCrons: { daily: string | null; weekly: string | null; monthly: string | null };
  /** When the grid workers' 6+1 lists are sent and when the unfinished ones are told (six cron fields), each null: never. */
  dailyTaskCrons: { morning: string | null; evening: string | null };
  /** Outbound deliveries at once per worker process: they mostly wait on the platform's HTTP API. */
  deliveryConcurrency: number;
  /** MySQL connections per process. */
  databasePoolSize: number;
  /** The relay queues again inbound messages and outbox rows unfinished for longer than this. */
  relayAfterMs: number;
  /** How often the relay runs (seconds, 1–59). */
  relayEverySeconds: number;
  /** Delivery retries, flood limits and the repeat window (see handlers/context.ts Policy). */
  policy: Policy;
  /** SQLite under DATA_DIR unless DATABASE_URL names a MySQL / MariaDB server. */
  database: { type: 'better-sqlite3'; file: string } | { type: 'mysql' | 'mariadb'; url: string };
  /** Apply pending migrations at start-up (otherwise `npm run migrate` does). */
  migrateOnStart: boolean;
  /** WeCom's app, bot and robots; null when no WECOM_* variable is set (the adapter is off). */
  wecom: WecomConfig | null;
  /** DingTalk's enterprise robot (Stream or HTTP mode) and its cards; null when no DINGTALK_* variable is set. */
  dingtalk: DingtalkConfig | null;
  /** An OpenAI-compatible LLM for classification; null unless OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL are set. */
  llm: LlmConfig | null;
  /** Device alarm sources and the secret each signs POST /api/alarms with (ALARM_SECRETS); empty: alarms are refused. */
  alarmSecrets: ReadonlyMap<string, string>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'} ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let wecom: WecomConfig | null;
  let dingtalk: DingtalkConfig | null;
  let llm: LlmConfig | null;
  try {
    wecom = loadWecomConfig(env);
    dingtalk = loadDingtalkConfig(env);
    llm = loadLlmConfig(env);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST ?? (e.ADMIN_TOKEN ? '0.0.0.0' : '127.0.0.1'),
    dataDir,
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    timeZone: e.TIMEZONE,
    seedDemo: e.SEED_DEMO,
    sandbox: e.SANDBOX,
    queueAttempts: e.QUEUE_ATTEMPTS,
    queueRetryDelayMs: e.QUEUE_RETRY_DELAY_MS,
    roles: e.ROLE === 'all' ? [...ROLES] : [e.ROLE],
    relayAfterMs: e.RELAY_AFTER_SECONDS * 1000,
    jobConcurrency: e.JOB_CONCURRENCY,
    sweepCron: e.SWEEP_CRON,
    antiFraudTipCron: e.ANTI_FRAUD_TIP_CRON === 'off' ? null : e.ANTI_FRAUD_TIP_CRON,
    digestCrons: {
      daily: e.DIGEST_DAILY_CRON === 'off' ? null : e.DIGEST_DAILY_CRON,
      weekly: e.DIGEST_WEEKLY_CRON === 'off' ? null : e.DIGEST_WEEKLY_CRON,
      monthly: e.DIGEST_MONTHLY_CRON === 'off' ? null : e.DIGEST_MONTHLY_CRON,
    },
    dailyTaskCrons: {
      morning: e.DAILY_TASKS_CRON === 'off' ? null : e.DAILY_TASKS_CRON,
      evening: e.DAILY_TASKS_EVENING_CRON === 'off' ? null : e.DAILY_TASKS_EVENING_CRON,
    },
    deliveryConcurrency: e.DELIVERY_CONCURRENCY,
    sandboxSendsPerMinute: e.SANDBOX_SENDS_PER_MINUTE,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    relayEverySeconds: e.RELAY_EVERY_SECONDS,
    queue: e.REDIS_URL ? { kind: 'bull', redisUrl: e.REDIS_URL, prefix: e.BULL_PREFIX, lockMs: e.BULL_LOCK_MS } : { kind: 'in-process' },
    policy: {
      deliveryGiveUpAfterMs: e.DELIVERY_GIVE_UP_HOURS * 3_600_000,
      floodSenderPerMinute: e.FLOOD_SENDER_PER_MINUTE,
      floodGroupPerMinute: e.FLOOD_GROUP_PER_MINUTE,
      repeatWindowMs: e.REPEAT_WINDOW_MINUTES * 60_000,
      slaScale: e.SLA_SCALE,
      autoCloseMs: e.AUTO_CLOSE_H * 3_600_000,
      quietHours: parseQuietHours(e.QUIET_HOURS),
    },
    database: e.DATABASE_URL
      ? { type: e.DATABASE_URL.startsWith('mariadb:') ? 'mariadb' : 'mysql', url: e.DATABASE_URL.replace(/^mariadb:/, 'mysql:') }
      : { type: 'better-sqlite3', file: path.join(dataDir, 'grid-bot.sqlite') },
    migrateOnStart: e.MIGRATE_ON_START,
    wecom,
    dingtalk,
    llm,
    alarmSecrets: e.ALARM_SECRETS ?? new Map(),
  };
}

/** "22:00-07:00" as minutes after local midnight; a window may cross midnight. */
function parseQuietHours(value: string): QuietHours | null {
  if (value === 'off') return null;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return { startMinute: minutes(value.slice(0, 5)), endMinute: minutes(value.slice(6)) };
}

/** An exported-but-empty variable (`PORT=`) means "not set", as in most twelve-factor tools. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
