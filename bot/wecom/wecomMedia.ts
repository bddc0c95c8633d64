// Photos and files people send the bot, fetched after the callback has been answered (the attachments job):
// the self-built app's media by MediaId (media/get, kept 3 days by WeCom), the intelligent bot's by URL,
// AES-encrypted with the bot's EncodingAESKey over the webhook or with the key each message carries over
// the long connection. The ref says which; a download WeCom will never serve is AttachmentGone.
import { AttachmentGone, type AttachmentSource, type DownloadedAttachment } from '../../handlers/intake/attachments';
import { WecomApiError, type WecomApi } from './apiClient';
import type { BotMedia } from './botMessage';

const APP = 'app:';
const BOT = 'bot:';

export function appMediaRef(mediaId: string): string {
  return `${APP}${mediaId}`;
}

/** The key travels in the ref when the message brought its own (long connection). */
export function botMediaRef(media: BotMedia): string {
  return `${BOT}${JSON.stringify({ u: media.url, k: media.aesKey })}`;
}

export function wecomMedia(api: WecomApi, botEncodingAesKey: string | null): AttachmentSource {
  return {
    async download(ref: string): Promise<DownloadedAttachment> {
      try {
        if (ref.startsWith(APP)) return await api.downloadMedia(ref.slice(APP.length));
        if (ref.startsWith(BOT)) {
          const { u: url, k: key } = JSON.parse(ref.slice(BOT.length)) as { u: string; k: string | null };
          const aesKey = key ?? botEncodingAesKey;
          if (!aesKey) throw new AttachmentGone('a bot file without its AES key: WECOM_BOT_AES_KEY is not set');
          const bytes = await api.downloadBotMedia(url, aesKey);
          return { bytes, contentType: sniffContentType(bytes) };
        }
      } catch (error) {
        if (error instanceof WecomApiError && error.permanent) throw new AttachmentGone(error.message);
        throw error;
      }
      throw new AttachmentGone(`not a WeCom attachment reference: ${ref.slice(0, 40)}`);
    },
  };
}

/** Bot downloads come without a content type; the first bytes say what most photos are. */
function sniffContentType(bytes: Buffer): string {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}
