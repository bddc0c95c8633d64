// The fetchAttachments job: download the pending attachments of one stored message through its platform's
// adapter and keep each file under DATA_DIR with the row that names it. Idempotent: a stored or failed
// attachment is not fetched again, so a retry only takes what is still pending. A download that will never
// work (AttachmentGone, too large, a platform that cannot download) fails that attachment at once; any other
// failure is thrown for the queue to retry, and the last attempt marks what is still pending failed. A photo
// of a report whose case is open already is put on its cards (updated in place).
import { createHash } from 'node:crypto';
import type { AttachmentFiles } from '../../storage/attachmentFiles';
import { Attachment, InboundMessage, Incident } from '../../storage/entities';
import type { AttachmentJob, HandlerContext } from '../context';
import { describeFailure } from '../delivery/commandCentre';
import { Outbox } from '../delivery/outbox';
import { refreshCards } from '../incidents/caseChanges';
import { attachmentPath, normaliseContentType } from './attachmentPath';
import { AttachmentGone, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_FILE_NAME_LENGTH, type AttachmentSources, type DownloadedAttachment } from './attachments';
import { wellFormed } from '../wellFormedText';

/** A platform that neither answers nor fails holds a job slot; past this the attempt counts as failed. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface AttachmentFetching {
  /** Each platform's download side (PlatformAdapter.media), by platform. */
  sources: AttachmentSources;
  /** Where the files go: DATA_DIR. */
  files: AttachmentFiles;
}

/** Ours, not the platform's: a download this job will never keep (too large, no way to download). */
class AttachmentRefused extends Error {
  override name = 'AttachmentRefused';
}

export async function fetchAttachments(job: AttachmentJob, context: HandlerContext, fetching: AttachmentFetching): Promise<void> {
  const pending = await context.db.read.find(Attachment, { where: { messageId: job.messageId, status: 'pending' }, order: { position: 'ASC' } });
  const notYet: string[] = [];
  let imagesStored = 0;
  for (const attachment of pending) {
    try {
      if ((await fetchOne(attachment, context, fetching)) && attachment.kind === 'image') imagesStored += 1;
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const reason = describeFailure(error);
      if (error instanceof AttachmentGone || error instanceof AttachmentRefused) {
        await settleAttempt(context, attachment, { status: 'failed', lastError: reason });
        context.log.warn({ messageId: job.messageId, attachmentId: attachment.id, reason }, 'attachment cannot be downloaded; marked failed');
      } else {
        await settleAttempt(context, attachment, { lastError: reason });
        notYet.push(`${attachment.id}: ${reason}`);
      }
    }
  }
  if (imagesStored) {
    // The photos are safe on disk and in their rows; a retry would find nothing pending and refresh nothing.
    await showPhotosOnCards(job.messageId, context).catch((error: unknown) => {
      context.log.error({ err: error, messageId: job.messageId }, 'photos stored, but the cards could not be refreshed to show them');
    });
  }
  // One attempt covers the whole message: the ones stored above are skipped when the queue runs it again.
  if (notYet.length) throw new Error(`message ${job.messageId}: ${notYet.length} of ${pending.length} attachments not downloaded yet (${notYet.join('; ')})`);
}

/**
 * Told of every failed attempt. The attempt itself has recorded each attachment's reason; after the last one,
 * whatever is still pending is failed with its own reason (or the job's, if it failed before reaching it).
 */
export async function recordAttachmentFailure(job: AttachmentJob, error: Error, isFinal: boolean, context: HandlerContext): Promise<void> {
  if (!isFinal) return;
  const failed = await context.db.write(async (manager) => {
    const pending = await manager.find(Attachment, { where: { messageId: job.messageId, status: 'pending' }, select: { id: true, lastError: true } });
    for (const attachment of pending) {
      await manager.update(Attachment, { id: attachment.id, status: 'pending' }, { status: 'failed', lastError: attachment.lastError ?? describeFailure(error) });
    }
    return pending.length;
  });
  if (failed) context.log.error({ messageId: job.messageId, attachments: failed, err: error }, 'attachments given up after all attempts; marked failed');
}

/**
 * The card is usually sent before its photo is downloaded (this job runs after the inbound one), so the cards of
 * the case this message opened are updated once the photos are in. Once per attempt, not per photo: on WeCom an
 * update that answers no click is a fresh card, and three photos must not make three. Its own transaction, as
 * each download settles in its own; a crash in between leaves the card without the photo until its next update.
 */
async function showPhotosOnCards(messageId: string, context: HandlerContext): Promise<void> {
  const now = context.clock();
  const outbox = await context.db.write(async (manager) => {
    const message = await manager.findOne(InboundMessage, { where: { id: messageId }, select: { id: true, incidentId: true } });
    const incident = message?.incidentId ? await manager.findOneBy(Incident, { id: message.incidentId }) : null;
    // A neighbour's report joined into a case keeps its photos with its own message: the card shows the opener's.
    if (!incident || incident.sourceMessageId !== messageId) return null;
    const changes = new Outbox(manager, now);
    await refreshCards(manager, incident, changes, context, now);
    return changes;
  });
  await outbox?.flush(context);
}

/** Whether it was stored by this attempt (false: settled meanwhile by another). */
async function fetchOne(attachment: Attachment, context: HandlerContext, { sources, files }: AttachmentFetching): Promise<boolean> {
  const where = `message ${attachment.messageId}, attachment ${attachment.id}`;
  const source = sources.get(attachment.platform);
  if (!source) throw new AttachmentRefused(`${where}: platform ${attachment.platform} cannot download attachments`);
  const downloaded = await withinTimeout(source.download(attachment.ref), `${where}: the ${attachment.platform} download`);
  if (!Buffer.isBuffer(downloaded.bytes) || downloaded.bytes.length === 0) throw new Error(`${where}: ${attachment.platform} gave no bytes`);
  const bytes = downloaded.bytes.length;
  if (bytes > MAX_ATTACHMENT_BYTES) throw new AttachmentRefused(`${where}: ${bytes} bytes; at most ${MAX_ATTACHMENT_BYTES} (20 MB) are kept`);

  const contentType = normaliseContentType(downloaded.contentType);
  const path = attachmentPath(attachment.id, contentType, attachment.createdAt, context.timeZone);
  // The file first: a row says stored only once its file is whole on disk.
  await files.write(path, downloaded.bytes);
  const sha256 = createHash('sha256').update(downloaded.bytes).digest('hex');
  const stored = await settleAttempt(context, attachment, {
    status: 'stored', path, contentType, bytes, sha256, lastError: null, storedAt: context.clock(),
    fileName: attachment.fileName ?? platformFileName(downloaded),
  });
  if (stored) context.log.info({ messageId: attachment.messageId, attachmentId: attachment.id, bytes, contentType }, 'attachment stored');
  return stored;
}

/** Counts the attempt with its outcome, in one statement; only while the row is still pending. Whether it was. */
async function settleAttempt(context: HandlerContext, attachment: Attachment, changes: Partial<Omit<Attachment, 'id' | 'attempts'>>): Promise<boolean> {
  const result = await context.db.write((manager) => manager.update(Attachment, { id: attachment.id, status: 'pending' }, { ...changes, attempts: attachment.attempts + 1 }));
  return result.affected === 1;
}

/** The name the platform gives on download (a Content-Disposition), when the message itself named none. */
function platformFileName(downloaded: DownloadedAttachment): string | null {
  const name = downloaded.fileName?.trim();
  return name ? wellFormed(name.slice(0, MAX_ATTACHMENT_FILE_NAME_LENGTH)) : null;
}

async function withinTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} gave no answer in ${DOWNLOAD_TIMEOUT_MS / 1000} s`)), DOWNLOAD_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
