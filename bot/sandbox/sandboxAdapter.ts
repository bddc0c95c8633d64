// The sandbox platform as an adapter: its delivery (the outbox is its chat log), its media (photos posted
// to it, kept in memory) and, when SANDBOX is on, the routes the sandbox page calls and the page itself.
import type { AdapterDependencies, PlatformAdapter } from '../platformAdapter';
import { sandboxPageRoutes } from '../http/sandboxPage';
import { AttachmentFiles } from '../../storage/attachmentFiles';
import { SandboxDelivery } from './sandboxDelivery';
import { SandboxMedia } from './sandboxMedia';
import { sandboxRoutes } from './sandboxRoutes';

export interface SandboxAdapter extends PlatformAdapter {
  readonly delivery: SandboxDelivery;
}

export function sandboxAdapter({ config, context, routers }: AdapterDependencies): SandboxAdapter {
  const delivery = new SandboxDelivery(config.sandboxSendsPerMinute);
  const media = new SandboxMedia();
  // The page shows the photos the fetchAttachments job stored under DATA_DIR.
  const files = new AttachmentFiles(config.dataDir);
  const routes = config.sandbox ? [...sandboxRoutes(routers, context, delivery, media, files), sandboxPageRoutes(routers.public())] : [];
  return { platform: delivery.platform, delivery, routes, media };
}

export function isSandboxAdapter(adapter: PlatformAdapter): adapter is SandboxAdapter {
  return adapter.delivery instanceof SandboxDelivery;
}
