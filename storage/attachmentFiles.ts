// Attachment files under DATA_DIR. A file appears whole or not at all: it is written to a temporary name
// beside its place, flushed to disk, then renamed, so a crash mid-write never leaves half a photo that a row
// calls stored. Paths are relative to DATA_DIR (what the attachments table keeps) and never leave it.
import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export class AttachmentFiles {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  /** Writes `bytes` at `relativePath` (replacing what was there: a retry after a crash writes the same file again). */
  async write(relativePath: string, bytes: Buffer): Promise<void> {
    const target = this.resolve(relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    // Same folder, so the rename stays on one file system and is atomic.
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  /** The stored file as a stream with its size, or null when it is not there (moved, deleted by hand). */
  async read(relativePath: string): Promise<{ stream: ReadStream; bytes: number } | null> {
    const file = this.resolve(relativePath);
    const found = await stat(file).catch(() => null);
    if (!found?.isFile()) return null;
    return { stream: createReadStream(file), bytes: found.size };
  }

  private resolve(relativePath: string): string {
    const resolved = path.resolve(this.root, relativePath);
    // The paths are the bot's own (attachments/<month>/<id><ext>); this only guards against a row edited by hand.
    if (path.isAbsolute(relativePath) || !resolved.startsWith(this.root + path.sep)) {
      throw new Error(`attachment path ${relativePath} is outside DATA_DIR`);
    }
    return resolved;
  }
}
