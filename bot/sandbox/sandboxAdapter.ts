// The sandbox platform as an adapter: its delivery (the outbox is its chat log) and, when SANDBOX is on,
// the routes the sandbox page calls and the page itself.
import type { AdapterDependencies, PlatformAdapter } from '../platformAdapter';
import { sandboxPageRoutes } from '../http/sandboxPage';
import { SandboxDelivery } from './sandboxDelivery';
import { sandboxRoutes } from './sandboxRoutes';

export interface SandboxAdapter extends PlatformAdapter {
  readonly delivery: SandboxDelivery;
}

export function sandboxAdapter({ config, context, routers }: AdapterDependencies): SandboxAdapter {
  const delivery = new SandboxDelivery(config.sandboxSendsPerMinute);
  const routes = config.sandbox ? [sandboxRoutes(routers.admin('/sandbox'), context, delivery), sandboxPageRoutes(routers.public())] : [];
  return { platform: delivery.platform, delivery, routes };
}

export function isSandboxAdapter(adapter: PlatformAdapter): adapter is SandboxAdapter {
  return adapter.delivery instanceof SandboxDelivery;
}
