// The contract every chat platform meets, and the one list they are registered in. An adapter brings its
// inbound side (Koa routes that parse and verify their own bodies, or a long-running connection) and its
// delivery side (ChatDelivery), and optionally a way to download the attachments it names (media); handlers
// see only the platform-neutral events of handlers/events.ts.
// Adding a platform is one folder under bot/ and one line in `platformAdapters` below.
import type { Config } from '../config';
import type { HandlerContext } from '../handlers/context';
import type { ChatDelivery } from '../handlers/events';
import type { AttachmentSource } from '../handlers/intake/attachments';
import type { RouteGroup, Routers } from './http/routers';
import { sandboxAdapter } from './sandbox/sandboxAdapter';
import { wecomAdapter } from './wecom/wecomAdapter';
import { dingtalkAdapter } from './dingtalk/dingtalkAdapter';

/** A long-running inbound connection (a WebSocket the bot opens), started and stopped with the process. */
export interface PlatformConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For /healthz: e.g. { state: 'connected', since: '…' } or { state: 'standby', holder: 'host-2' }. */
  describe(): Record<string, unknown>;
}

export interface PlatformAdapter {
  readonly platform: string;
  readonly delivery: ChatDelivery;
  /** Routes the platform calls (webhooks), each group with its own body parsing and verification. */
  readonly routes: RouteGroup[];
  readonly connection?: PlatformConnection;
  /** Downloads the attachments its inbound events name (by their ref), after the webhook has been answered. */
  readonly media?: AttachmentSource;
}

export interface AdapterDependencies {
  config: Config;
  context: HandlerContext;
  routers: Routers;
}

/** Every platform the configuration turns on. The sandbox is on in the embedded default (SANDBOX). */
export function platformAdapters(dependencies: AdapterDependencies): PlatformAdapter[] {
  const { config } = dependencies;
  return [
    sandboxAdapter(dependencies),
    ...(config.wecom ? [wecomAdapter(config.wecom, dependencies)] : []),
    ...(config.dingtalk ? [dingtalkAdapter(config.dingtalk, dependencies)] : []),
  ];
}
