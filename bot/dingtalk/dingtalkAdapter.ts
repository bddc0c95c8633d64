// DingTalk as a platform adapter: the enterprise robot's messages over Stream (default: the bot opens the
// connection itself, no public IP) or HTTP (`POST /dingtalk/callback`, signed), and its card clicks always
// over Stream (TOPIC_CARD): how DingTalk signs HTTP card callbacks is not documented where we could read it,
// and an unsigned click route would let anyone act as any staff member. Replies go through the message's
// sessionWebhook, everything else through the robot's proactive sends; cards are interactive cards.
import Redis from 'ioredis';
import type { Context } from 'koa';
import type { Config } from '../../config';
import type { DingtalkConfig } from '../../config/dingtalk';
import type { HandlerContext } from '../../handlers/context';
import { AttachmentGone, type AttachmentSource } from '../../handlers/intake/attachments';
import { CallbackRefused, readRawBody } from '../http/callbackBody';
import type { AdapterDependencies, PlatformAdapter } from '../platformAdapter';
import { LocalConnectionLock, RedisConnectionLock } from '../wecom/connectionLock';
import { DingtalkApiClient, DingtalkApiError } from './apiClient';
import { signatureProblem } from './callbackSign';
import { actOnDingtalkClick, CardCallbackRefused, parseCardCallback } from './cardClicks';
import { DINGTALK_PLATFORM } from './chats';
import { DingtalkDelivery } from './dingtalkDelivery';
import { receiveRobotMessage, RobotMessageRefused } from './receive';
import type { RobotMessage } from './robotMessage';
import { dingtalkStreamLockKey, DingtalkStreamConnection } from './streamConnection';

export function dingtalkAdapter(dingtalk: DingtalkConfig, { config, context, routers }: AdapterDependencies): PlatformAdapter {
  const api = new DingtalkApiClient({ apiBase: dingtalk.apiBase, clientId: dingtalk.clientId, clientSecret: dingtalk.clientSecret, robotCode: dingtalk.robotCode, log: context.log });
  const delivery = new DingtalkDelivery({ api, cardTemplateId: dingtalk.cardTemplateId, callbackType: 'STREAM', callbackRouteKey: null, clock: context.clock });
  const options = { admins: dingtalk.admins };

  /** Words for the sender at once (a binding answered): through the message's own sessionWebhook. */
  const tell = async (message: RobotMessage, text: string) => {
    if (!message.sessionWebhook) return;
    await api.replyThroughSessionWebhook(message.sessionWebhook, { msgtype: 'text', text: { content: text } }).catch((error: unknown) => {
      context.log.warn({ err: error, msgId: message.msgId }, 'DingTalk: could not answer a binding command through its sessionWebhook');
    });
  };
  const takeRobotMessage = async (raw: unknown) => {
    const { message, answer } = await receiveRobotMessage(raw, context, options);
    if (answer) await tell(message, answer);
  };

  const routes = routers.public();
  if (dingtalk.mode === 'http') {
    routes.router.post('/dingtalk/callback', async (ctx: Context) => {
      try {
        const raw = await readRawBody(ctx);
        const problem = signatureProblem({ timestamp: ctx.get('timestamp') || undefined, sign: ctx.get('sign') || undefined }, dingtalk.clientSecret, context.clock());
        if (problem) throw new CallbackRefused(401, problem);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new CallbackRefused(400, 'body is not JSON');
        }
        await takeRobotMessage(body);
        ctx.type = 'application/json';
        ctx.body = {};
      } catch (error) {
        if (!(error instanceof CallbackRefused) && !(error instanceof RobotMessageRefused)) throw error;
        const status = error instanceof CallbackRefused ? error.status : 400;
        context.log.warn({ reason: error.message, status }, 'DingTalk callback refused');
        if (status === 413) ctx.set('Connection', 'close');
        ctx.status = status;
        ctx.type = 'application/json';
        ctx.body = { error: error.message };
      }
    });
  }

  // Over Stream come messages (stream mode) and card clicks (either mode); HTTP mode without a card template needs none.
  const needsConnection = dingtalk.mode === 'stream' || dingtalk.cardTemplateId !== null;
  const connection = needsConnection && streamConnection(dingtalk, config, context, {
    // Over Stream a push is acked once this resolves; a push that is no robot message is acked and logged
    // (it would only come back), one that could not be stored is not acked and comes back.
    robotMessage: async (raw) => {
      if (dingtalk.mode === 'http') return; // messages come by HTTP; the connection is there for card clicks
      try {
        await takeRobotMessage(raw);
      } catch (error) {
        if (!(error instanceof RobotMessageRefused)) throw error;
        context.log.warn({ reason: error.message }, 'DingTalk Stream push refused');
      }
    },
    cardCallback: async (raw) => {
      try {
        const click = parseCardCallback(raw);
        const refusal = await actOnDingtalkClick(click, context);
        if (refusal) await api.sendToUsers({ userIds: [click.userId], msgKey: 'sampleText', msgParam: { content: refusal } }).catch((error: unknown) => context.log.warn({ err: error }, 'DingTalk: could not tell a clicker why their click was refused'));
      } catch (error) {
        if (!(error instanceof CardCallbackRefused)) throw error;
        context.log.warn({ reason: error.message }, 'DingTalk card callback refused');
      }
      return {};
    },
  });

  return { platform: DINGTALK_PLATFORM, delivery, routes: [routes], media: dingtalkMedia(api), ...(connection ? { connection } : {}) };
}

function streamConnection(dingtalk: DingtalkConfig, config: Config, context: HandlerContext, handlers: ConstructorParameters<typeof DingtalkStreamConnection>[0]['handlers']): DingtalkStreamConnection {
  // With Redis (several processes) the connection lock lives there, next to the queue: one consumer at a time.
  const redis = config.queue.kind === 'bull' ? new Redis(config.queue.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : null;
  const lock = redis && config.queue.kind === 'bull' ? new RedisConnectionLock(redis, dingtalkStreamLockKey(config.queue.prefix, dingtalk.clientId), dingtalk.streamLockMs) : new LocalConnectionLock();
  return new DingtalkStreamConnection({
    clientId: dingtalk.clientId,
    clientSecret: dingtalk.clientSecret,
    gatewayUrl: dingtalk.streamGateway,
    lock,
    log: context.log,
    handlers,
    lockEveryMs: Math.max(100, Math.floor(dingtalk.streamLockMs / 3)),
    afterStop: () => redis?.disconnect(),
  });
}

/** Pictures and files by their download codes (robot messageFiles/download); a code DingTalk refuses is gone. */
function dingtalkMedia(api: DingtalkApiClient): AttachmentSource {
  return {
    async download(ref) {
      try {
        return await api.downloadMessageFile({ downloadCode: ref });
      } catch (error) {
        if (error instanceof DingtalkApiError && error.permanent) throw new AttachmentGone(`DingTalk will not hand this file over: ${error.message}`);
        throw error;
      }
    },
  };
}
