// DingTalk's configuration (names are a contract): the enterprise-internal app's robot (企业内部应用机器人), how it
// receives (Stream long connection or HTTP callbacks), the interactive card template, and the endpoints tests
// point at stand-ins. No DingTalk variable at all → the adapter is off; a partial set stops the start naming
// what is missing.
import { z } from 'zod';

const url = (example: string) => z.string().regex(/^https?:\/\/[^\s]+$/, `must look like ${example}`);
/**
 * Credentials pasted with a stray space or line break are the usual cause of DingTalk's "鉴权失败" on an app whose
 * key and secret look right (zfanswer/dify-on-dingtalk #28), so whitespace is refused here rather than there.
 */
const credential = (what: string) => z.string().regex(/^\S+$/, `must be the ${what} exactly as shown in the developer console, without spaces`);

const dingtalkSchema = z.object({
  DINGTALK_CLIENT_ID: credential('Client ID (AppKey)').optional(),
  DINGTALK_CLIENT_SECRET: credential('Client Secret (AppSecret)').optional(),
  DINGTALK_ROBOT_CODE: credential('robot\'s RobotCode').optional(),
  DINGTALK_CARD_TEMPLATE_ID: credential('card template id from card.dingtalk.com (…-….schema)').optional(),
  DINGTALK_MODE: z.enum(['stream', 'http']).default('stream'),
  DINGTALK_API_BASE: url('https://api.dingtalk.com').default('https://api.dingtalk.com'),
  DINGTALK_STREAM_GATEWAY: url('https://api.dingtalk.com/v1.0/gateway/connections/open').default('https://api.dingtalk.com/v1.0/gateway/connections/open'),
  DINGTALK_ADMINS: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be DingTalk staff ids (userid) separated by commas').optional(),
  DINGTALK_STREAM_LOCK_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
});

export interface DingtalkConfig {
  /** Client ID (原 AppKey): the app's identity for the access token and the Stream connection. */
  clientId: string;
  /** Client Secret (原 AppSecret): also the HMAC key of HTTP-mode callback signatures (docs/platforms.md §6a). */
  clientSecret: string;
  /** The robot's RobotCode, sent with every robot message, card delivery and file download. */
  robotCode: string;
  /**
   * The interactive card template (built and published on card.dingtalk.com, buttons set to 回传请求). Null: no
   * button cards; cards go as markdown and workers answer with text commands. Optional on purpose: the template
   * is a manual step in a separate console, and requiring it would keep the whole robot (residents' reports,
   * replies, reminders) off until someone has built it; the WeCom adapter degrades a card to text the same way.
   */
  cardTemplateId: string | null;
  /** stream: the bot opens a long connection (no public IP); http: DingTalk POSTs to the bot's callback URL. */
  mode: 'stream' | 'http';
  apiBase: string;
  streamGateway: string;
  /** Who may bind a chat (绑定 社区 …) from inside it: staff ids (senderStaffId). */
  admins: readonly string[];
  /** stream mode with several processes: how long the connection lock lasts unrenewed (renewed every third of it). */
  streamLockMs: number;
}

const ROBOT_VARS = ['DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET', 'DINGTALK_ROBOT_CODE'] as const;

/** Returns null when no DingTalk variable is set; throws with every problem when the set is partial or wrong. */
export function loadDingtalkConfig(env: Record<string, string | undefined>): DingtalkConfig | null {
  const present = Object.keys(env).filter((key) => key.startsWith('DINGTALK_') && env[key] !== undefined && env[key] !== '');
  if (present.length === 0) return null;
  const parsed = dingtalkSchema.safeParse(Object.fromEntries(present.map((key) => [key, env[key]])));
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  const has = (name: string) => present.includes(name);

  const absent = ROBOT_VARS.filter((name) => !has(name));
  if (absent.length) {
    const hint = absent.includes('DINGTALK_ROBOT_CODE') ? ' (for an enterprise internal app\'s robot the RobotCode is usually the Client ID)' : '';
    problems.push(`the DingTalk robot needs ${absent.join(', ')}${hint} (set all of ${ROBOT_VARS.join(', ')})`);
  }
  if (problems.length || !parsed.success) throw new Error(problems.join('\n  '));

  const e = parsed.data;
  return {
    clientId: e.DINGTALK_CLIENT_ID!,
    clientSecret: e.DINGTALK_CLIENT_SECRET!,
    robotCode: e.DINGTALK_ROBOT_CODE!,
    cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID ?? null,
    mode: e.DINGTALK_MODE,
    apiBase: e.DINGTALK_API_BASE.replace(/\/+$/, ''),
    streamGateway: e.DINGTALK_STREAM_GATEWAY,
    admins: (e.DINGTALK_ADMINS ?? '').split(',').filter(Boolean),
    streamLockMs: e.DINGTALK_STREAM_LOCK_MS,
  };
}
