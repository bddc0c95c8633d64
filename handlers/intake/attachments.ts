// Attachments (随手拍 photos, files) at the seam: what a platform adapter gives to download one, the error
// that says a download will never work, and what intake keeps of the attachments an adapter names.
import type { Logger } from 'pino';
import type { AttachmentKind, InboundAttachment } from '../events';
import { wellFormed } from '../wellFormedText';

/** Attachments kept per message; a platform batching more than this is cut (and it is logged). */
export const MAX_ATTACHMENTS = 10;
/** The ref column's size. */
export const MAX_ATTACHMENT_REF_LENGTH = 1024;
/** The fileName column's size. */
export const MAX_ATTACHMENT_FILE_NAME_LENGTH = 255;
/** A download larger than this is refused for good: a phone photo is a few MB, a short video tens. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const KINDS: ReadonlySet<AttachmentKind> = new Set(['image', 'file', 'video', 'voice']);

export interface DownloadedAttachment {
  bytes: Buffer;
  /** As the platform says it (`image/jpeg`); parameters and case are tidied when stored. */
  contentType: string;
  fileName?: string;
}

/**
 * The download side of a platform adapter (PlatformAdapter.media). Throws when it cannot download now
 * (the queue retries), or AttachmentGone when it never will.
 */
export interface AttachmentSource {
  download(ref: string): Promise<DownloadedAttachment>;
}

/** Each platform's download side, by platform name. */
export type AttachmentSources = ReadonlyMap<string, AttachmentSource>;

/**
 * An adapter throws this when the platform will never hand the file over (the media id expired, the file
 * was withdrawn, the ref is not one of its own): the attachment is marked failed at once, without retries.
 */
export class AttachmentGone extends Error {
  override name = 'AttachmentGone';
}

/**
 * The attachments worth storing, or undefined when there are none (the common case costs nothing). A ref
 * too long for its column or an unknown kind is an adapter's mistake: that attachment is dropped and logged,
 * the message is still taken.
 */
export function keptAttachments(platformMessageId: string, attachments: InboundAttachment[] | undefined, log: Logger): InboundAttachment[] | undefined {
  if (!attachments?.length) return undefined;
  if (attachments.length > MAX_ATTACHMENTS) {
    log.warn({ platformMessageId, attachments: attachments.length, kept: MAX_ATTACHMENTS }, 'too many attachments; the rest are not kept');
  }
  const kept: InboundAttachment[] = [];
  for (const attachment of attachments.slice(0, MAX_ATTACHMENTS)) {
    if (!KINDS.has(attachment.kind) || !attachment.ref || attachment.ref.length > MAX_ATTACHMENT_REF_LENGTH) {
      log.warn({ platformMessageId, kind: attachment.kind, refLength: attachment.ref?.length ?? 0 }, 'attachment with an unknown kind or an empty or too long ref; not kept');
      continue;
    }
    const fileName = attachment.fileName ? wellFormed(attachment.fileName.trim().slice(0, MAX_ATTACHMENT_FILE_NAME_LENGTH)) : '';
    kept.push({ kind: attachment.kind, ref: attachment.ref, ...(fileName ? { fileName } : {}) });
  }
  return kept.length ? kept : undefined;
}
