// Where a downloaded attachment is kept and under which type: pure, so the naming rules are tested without I/O.
// The file name is the attachment's id (never the sender's file name, which is shown but not trusted),
// in a folder per local month so no folder grows without end.
import { localDateStamp } from '../localTime';

/** What an unknown or malformed content type is stored and served as. */
export const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';

/** type/subtype, lower case, no parameters. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/heic': '.heic',
  'image/heif': '.heif',
  'image/bmp': '.bmp',
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'audio/amr': '.amr',
  'audio/mpeg': '.mp3',
  'audio/mp4': '.m4a',
  'audio/wav': '.wav',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'text/plain': '.txt',
};

/** `Image/JPEG; charset=binary` → `image/jpeg`; anything that is no media type → application/octet-stream. */
export function normaliseContentType(raw: string | undefined): string {
  const type = (raw ?? '').split(';')[0].trim().toLowerCase();
  return type.length <= 128 && MEDIA_TYPE.test(type) ? type : UNKNOWN_CONTENT_TYPE;
}

export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? '.bin';
}

/** attachments/2026-12/<id>.jpg, relative to DATA_DIR; the month is the street's, of when the message arrived. */
export function attachmentPath(attachmentId: string, contentType: string, receivedAt: Date, timeZone: string): string {
  const stamp = localDateStamp(receivedAt, timeZone);
  return `attachments/${stamp.slice(0, 4)}-${stamp.slice(4, 6)}/${attachmentId}${extensionFor(contentType)}`;
}
