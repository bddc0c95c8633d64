// The admin API over attachments: GET /api/attachments/:id streams a stored file with its content type.
// The files come from residents, so they are served as inert data: never sniffed into another type, never
// run as a page on the bot's origin (which also serves the sandbox), and only media shown inline.
import type { Context } from 'koa';
import type { Database } from '../../storage/database';
import type { AttachmentFiles } from '../../storage/attachmentFiles';
import { notFound } from '../../handlers/errors';
import { attachmentToServe } from '../../storage/queries/attachmentViews';
import type { RouteGroup } from './routers';

const SHOWN_INLINE = /^(image|video|audio)\//;

export function attachmentRoutes(routes: RouteGroup, db: Database, files: AttachmentFiles): RouteGroup {
  routes.router.get('/attachments/:id', async (ctx) => {
    const { id } = ctx.params;
    const attachment = await attachmentToServe(db.read, id);
    if (!attachment) throw notFound(`attachment ${id} does not exist`);
    await serveStoredAttachment(ctx, attachment, files);
  });
  return routes;
}

/** Streams a stored attachment's file as inert data; the sandbox's photo route serves the same way. */
export async function serveStoredAttachment(ctx: Context, attachment: NonNullable<Awaited<ReturnType<typeof attachmentToServe>>>, files: AttachmentFiles): Promise<void> {
  const { id } = attachment;
  if (attachment.status !== 'stored' || !attachment.path) throw notFound(`attachment ${id} (message ${attachment.messageId}) is ${attachment.status}, not stored`);
  const file = await files.read(attachment.path);
  if (!file) throw notFound(`attachment ${id} (message ${attachment.messageId}): its file ${attachment.path} is missing from DATA_DIR`);
  const contentType = attachment.contentType ?? 'application/octet-stream';
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Content-Disposition', `${SHOWN_INLINE.test(contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(attachment.fileName ?? id)}`);
  if (attachment.sha256) ctx.set('ETag', `"${attachment.sha256}"`);
  ctx.type = contentType;
  ctx.body = file.stream;
  ctx.length = file.bytes;
}
