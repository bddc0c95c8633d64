// WeCom's configuration (names are a contract, issue 14): the self-built app, the intelligent bot (callback
// or long-connection mode), group robot keys, and the endpoints tests point at stand-ins. No WeCom variable
// at all → the adapter is off; a partial set stops the start naming what is missing.
import { z } from 'zod';

const ALNUM = /^[A-Za-z0-9]+$/;
const token = z.string().regex(ALNUM, 'letters or digits only').max(32, 'at most 32 characters');
const aesKey = z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey from the admin console');
const url = (scheme: RegExp, example: string) => z.string().regex(scheme, `must look like ${example}`);

const wecomSchema = z.object({
  WECOM_CORP_ID: z.string().regex(/^w[wx][A-Za-z0-9]+$/, 'must be the corp id (ww… or wx…)').optional(),
  WECOM_AGENT_ID: z.string().regex(/^\d+$/, 'must be the app\'s numeric AgentId').optional(),
  WECOM_SECRET: z.string().min(1).optional(),
  WECOM_TOKEN: token.optional(),
  WECOM_AES_KEY: aesKey.optional(),
  WECOM_BOT_MODE: z.enum(['callback', 'ws']).optional(),
  WECOM_BOT_TOKEN: token.optional(),
  WECOM_BOT_AES_KEY: aesKey.optional(),
  WECOM_BOT_ID: z.string().min(1).optional(),
  WECOM_BOT_SECRET: z.string().min(1).optional(),
  WECOM_ROBOT_KEYS: z
    .string()
    .regex(/^[^=,\s]+=[^=,\s]+(,[^=,\s]+=[^=,\s]+)*$/, 'must be chatid=key pairs separated by commas')
    .optional(),
  WECOM_API_BASE: url(/^https?:\/\/[^\s]+$/, 'https://qyapi.weixin.qq.com').default('https://qyapi.weixin.qq.com'),
  WECOM_WS_URL: url(/^wss?:\/\/[^\s]+$/, 'wss://openws.work.weixin.qq.com').default('wss://openws.work.weixin.qq.com'),
  WECOM_WS_LOCK_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  WECOM_ADMINS: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be WeCom user ids separated by commas').optional(),
});

export interface WecomConfig {
  /** The self-built app (自建应用): 1:1 messages and card clicks; cards sent 1:1 to a post's members. */
  app: { corpId: string; agentId: number; secret: string; token: string; encodingAesKey: string } | null;
  /** The intelligent bot (智能机器人): group @-mentions; callback (webhook) or ws (long connection) mode. */
  bot:
    | { mode: 'callback'; token: string; encodingAesKey: string }
    | { mode: 'ws'; botId: string; secret: string }
    | null;
  /** Group robot webhook keys by chat id (消息推送), for plain notices. */
  robotKeys: ReadonlyMap<string, string>;
  apiBase: string;
  wsUrl: string;
  /** ws mode with several processes: how long the connection lock lasts unrenewed (renewed every third of it). */
  wsLockMs: number;
  /** Who may bind a chat (绑定 社区 …) from inside it. */
  admins: readonly string[];
}

const APP_VARS = ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_AES_KEY'] as const;
const BOT_VARS = { callback: ['WECOM_BOT_TOKEN', 'WECOM_BOT_AES_KEY'], ws: ['WECOM_BOT_ID', 'WECOM_BOT_SECRET'] } as const;

/** Returns null when no WeCom variable is set; throws with every problem when the set is partial or wrong. */
export function loadWecomConfig(env: Record<string, string | undefined>): WecomConfig | null {
  const present = Object.keys(env).filter((key) => key.startsWith('WECOM_') && env[key] !== undefined && env[key] !== '');
  if (present.length === 0) return null;
  const parsed = wecomSchema.safeParse(Object.fromEntries(present.map((key) => [key, env[key]])));
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  const has = (name: string) => present.includes(name);
  const missing = (names: readonly string[], what: string) => {
    const absent = names.filter((name) => !has(name));
    if (absent.length && absent.length < names.length) problems.push(`${what} needs ${absent.join(', ')} as well (set all of ${names.join(', ')})`);
    return absent.length === 0;
  };
  const appComplete = missing(APP_VARS, 'the WeCom self-built app');
  const mode = (env.WECOM_BOT_MODE as 'callback' | 'ws' | undefined) ?? (has('WECOM_BOT_ID') || has('WECOM_BOT_SECRET') ? 'ws' : 'callback');
  const botVars = BOT_VARS[mode] ?? BOT_VARS.callback;
  const botAsked = has('WECOM_BOT_MODE') || [...BOT_VARS.callback, ...BOT_VARS.ws].some(has);
  if (botAsked && !botVars.some(has)) problems.push(`the WeCom intelligent bot in ${mode} mode needs ${botVars.join(' and ')}`);
  const botComplete = botAsked && missing(botVars, `the WeCom intelligent bot in ${mode} mode`) && botVars.every(has);
  if (!appComplete && !botAsked && !has('WECOM_ROBOT_KEYS')) problems.push(`WeCom needs the self-built app (${APP_VARS.join(', ')}) or the intelligent bot`);
  if (problems.length || !parsed.success) throw new Error(problems.join('\n  '));

  const e = parsed.data;
  return {
    app: appComplete ? { corpId: e.WECOM_CORP_ID!, agentId: Number(e.WECOM_AGENT_ID), secret: e.WECOM_SECRET!, token: e.WECOM_TOKEN!, encodingAesKey: e.WECOM_AES_KEY! } : null,
    bot: !botComplete ? null : mode === 'ws' ? { mode, botId: e.WECOM_BOT_ID!, secret: e.WECOM_BOT_SECRET! } : { mode, token: e.WECOM_BOT_TOKEN!, encodingAesKey: e.WECOM_BOT_AES_KEY! },
    robotKeys: new Map((e.WECOM_ROBOT_KEYS ?? '').split(',').filter(Boolean).map((pair) => pair.split('=') as [string, string])),
    apiBase: e.WECOM_API_BASE.replace(/\/+$/, ''),
    wsUrl: e.WECOM_WS_URL,
    wsLockMs: e.WECOM_WS_LOCK_MS,
    admins: (e.WECOM_ADMINS ?? '').split(',').filter(Boolean),
  };
}
