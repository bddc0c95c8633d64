// WeCom as a platform adapter: the callback routes of the intelligent bot (/wecom/bot/callback) and the
// self-built app (/wecom/callback), each verifying and decrypting its own raw body, and the delivery that
// picks a channel for each message (wecomDelivery.ts). Which parts run follows configuration (config/wecom.ts).
import type { Context } from 'koa';
import Redis from 'ioredis';
import type { Config } from '../../config';
import type { WecomConfig } from '../../config/wecom';
import type { HandlerContext } from '../../handlers/context';
import { postMemberUserIds } from '../../storage/queries/postMembers';
import type { AdapterDependencies, PlatformAdapter } from '../platformAdapter';
import { WecomApi } from './apiClient';
import { handleAppCallback } from './appCallback';
import { readEncryptedEnvelope } from './appXml';
import { answerBotCallback } from './botCallback';
import { checkCredentials, sealReply, type CallbackCredentials } from './callbackCrypto';
import { answerUrlVerification, openSigned, readRawBody, refusingBadCallbacks, signedQuery, CallbackRefused } from './callbackEnvelope';
import { WECOM_PLATFORM } from './chats';
import { WecomDelivery } from './wecomDelivery';
import { LocalConnectionLock, RedisConnectionLock } from './connectionLock';
import { RedisPushRelay } from './pushRelay';
import { WecomBotConnection } from './wsConnection';
import { handleWsFrame } from './wsInbound';
import { wecomMedia } from './wecomMedia';

export function wecomAdapter(wecom: WecomConfig, { config, context, routers }: AdapterDependencies): PlatformAdapter {
  const api = new WecomApi({ apiBase: wecom.apiBase, corpId: wecom.app?.corpId ?? null, secret: wecom.app?.secret ?? null, agentId: wecom.app?.agentId ?? null, log: context.log });
  const app = wecom.app ? api : null;
  const connection = wecom.bot?.mode === 'ws' ? botConnection(wecom.bot, wecom, config, context) : null;
  const delivery = new WecomDelivery({
    app,
    api,
    bot: connection,
    robotKeys: wecom.robotKeys,
    postMembers: (postCode) => postMemberUserIds(context.db.read, postCode, WECOM_PLATFORM),
    clock: context.clock,
  });
  const routes = routers.public();
  const refused = (path: string) => (reason: string) => context.log.warn({ path, reason }, 'WeCom callback refused');

  if (wecom.bot?.mode === 'callback') {
    const bot: CallbackCredentials = { token: wecom.bot.token, encodingAesKey: wecom.bot.encodingAesKey, receiveId: '' };
    checkCredentials(bot);
    const path = '/wecom/bot/callback';
    routes.router.get(path, (ctx) => refusingBadCallbacks(ctx, async () => answerUrlVerification(ctx, bot), refused(path)));
    routes.router.post(path, (ctx) =>
      refusingBadCallbacks(ctx, async () => {
        const signed = signedQuery(ctx, readBotCiphertext(await readRawBody(ctx)));
        const answer = await answerBotCallback(openSigned(bot, signed, context.clock()), context, { admins: wecom.admins });
        const sealed = sealReply(bot, JSON.stringify(answer), signed.timestamp, signed.nonce);
        ctx.type = 'application/json';
        ctx.body = { encrypt: sealed.encrypt, msgsignature: sealed.signature, timestamp: signed.timestamp, nonce: signed.nonce };
      }, refused(path)),
    );
  }

  if (wecom.app) {
    const appCredentials: CallbackCredentials = { token: wecom.app.token, encodingAesKey: wecom.app.encodingAesKey, receiveId: wecom.app.corpId };
    checkCredentials(appCredentials);
    const path = '/wecom/callback';
    const effects = { tellUser: (userId: string, text: string) => api.sendAppMessage({ touser: userId, msgtype: 'text', text: { content: text } }).then(() => undefined) };
    routes.router.get(path, (ctx) => refusingBadCallbacks(ctx, async () => answerUrlVerification(ctx, appCredentials), refused(path)));
    routes.router.post(path, (ctx: Context) =>
      refusingBadCallbacks(ctx, async () => {
        const signed = signedQuery(ctx, readEncryptedEnvelope(await readRawBody(ctx)));
        await handleAppCallback(openSigned(appCredentials, signed, context.clock()), context, effects);
        // Empty 200: "received, nothing to say now" (platforms.md §1.4); replies go through the API.
        ctx.status = 200;
        ctx.body = '';
      }, refused(path)),
    );
  }
  const media = wecomMedia(api, wecom.bot?.mode === 'callback' ? wecom.bot.encodingAesKey : null);
  return { platform: WECOM_PLATFORM, delivery, routes: [routes], media, ...(connection ? { connection } : {}) };
}

/**
 * The bot's long connection. With Redis (several processes) the connection lock and the push relay live
 * there, next to the queue; the embedded default is one process and needs neither.
 */
function botConnection(bot: { botId: string; secret: string }, wecom: WecomConfig, config: Config, context: HandlerContext): WecomBotConnection {
  const redis = config.queue.kind === 'bull' ? new Redis(config.queue.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : null;
  const key = config.queue.kind === 'bull' ? `${config.queue.prefix}:wecom:ws:${bot.botId}` : '';
  const lock = redis ? new RedisConnectionLock(redis, key, wecom.wsLockMs) : new LocalConnectionLock();
  const relay = redis ? new RedisPushRelay(redis, key, lock.id, context.log) : null;
  const connection = new WecomBotConnection({
    botId: bot.botId,
    secret: bot.secret,
    wsUrl: wecom.wsUrl,
    lock,
    relay,
    log: context.log,
    lockEveryMs: Math.max(100, Math.floor(wecom.wsLockMs / 3)),
    onFrame: (frame, client) => handleWsFrame(frame, client, context, { admins: wecom.admins }),
    afterStop: () => redis?.disconnect(),
  });
  return connection;
}

/** The bot posts `{"encrypt": "…"}`; only that string is needed, exactly as sent. */
function readBotCiphertext(raw: string): string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new CallbackRefused(400, 'body is not JSON');
  }
  const encrypt = (body as { encrypt?: unknown } | null)?.encrypt;
  if (typeof encrypt !== 'string' || !encrypt) throw new CallbackRefused(400, 'body has no "encrypt" string');
  return encrypt;
}
