// The sandbox platform's attachments: a photo posted to the sandbox is kept here in memory under a ref of
// its own (sandbox:<uuid>), as a real platform keeps it on its servers, and "downloaded" from here by the
// fetchAttachments job. Bounded (the newest 100, 64 MB at most): an older ref is gone, as an expired WeCom
// media id is. Memory of this process only: with the worker role in another process, its downloads fail.
import { randomUUID } from 'node:crypto';
import { AttachmentGone, type AttachmentSource, type DownloadedAttachment } from '../../handlers/intake/attachments';

const REF_PREFIX = 'sandbox:';

export class SandboxMedia implements AttachmentSource {
  private readonly kept = new Map<string, DownloadedAttachment>();
  private keptBytes = 0;

  constructor(
    private readonly maxFiles = 100,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Keeps a posted file and gives the ref a message names it by. */
  keep(file: DownloadedAttachment): string {
    const ref = `${REF_PREFIX}${randomUUID()}`;
    this.kept.set(ref, file);
    this.keptBytes += file.bytes.length;
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [oldest, { bytes }] of this.kept) {
      if (this.kept.size <= this.maxFiles && this.keptBytes <= this.maxBytes) break;
      if (oldest === ref) break;
      this.kept.delete(oldest);
      this.keptBytes -= bytes.length;
    }
    return ref;
  }

  /** Lets go of files no message will name (a refused post, a repeated delivery). */
  forget(refs: string[]): void {
    for (const ref of refs) {
      const file = this.kept.get(ref);
      if (!file) continue;
      this.kept.delete(ref);
      this.keptBytes -= file.bytes.length;
    }
  }

  async download(ref: string): Promise<DownloadedAttachment> {
    const file = this.kept.get(ref);
    if (!file) {
      throw new AttachmentGone(`sandbox: no file under ${ref.startsWith(REF_PREFIX) ? ref : 'a ref not of the sandbox'} (kept are the newest ${this.maxFiles}, in this process's memory)`);
    }
    return file;
  }
}
