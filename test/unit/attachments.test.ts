import type { Logger } from 'pino';
import { attachmentPath, normaliseContentType } from '../../handlers/intake/attachmentPath';
import { keptAttachments, MAX_ATTACHMENTS } from '../../handlers/intake/attachments';
import type { InboundAttachment } from '../../handlers/events';

function recordingLog() {
  const warnings: string[] = [];
  return { log: { warn: (_fields: unknown, message: string) => warnings.push(message) } as unknown as Logger, warnings };
}

describe('the attachments intake keeps', () => {
  it('costs nothing for a message without any', () => {
    const { log, warnings } = recordingLog();
    expect(keptAttachments('m1', undefined, log)).toBeUndefined();
    expect(keptAttachments('m1', [], log)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it(`cuts more than ${MAX_ATTACHMENTS} with a log line, keeping the first in their order`, () => {
    const { log, warnings } = recordingLog();
    const sent: InboundAttachment[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'image', ref: `media-${i}` }));
    expect(keptAttachments('m1', sent, log)?.map((a) => a.ref)).toEqual(sent.slice(0, 10).map((a) => a.ref));
    expect(warnings).toEqual(['too many attachments; the rest are not kept']);
  });

  it('drops an attachment whose ref does not fit its column or whose kind is unknown, and tidies file names', () => {
    const { log, warnings } = recordingLog();
    const kept = keptAttachments(
      'm1',
      [
        { kind: 'image', ref: 'x'.repeat(1025) },
        { kind: 'sticker' as never, ref: 'media-1' },
        { kind: 'file', ref: 'x'.repeat(1024), fileName: '  报告\ud800.pdf  ' },
        { kind: 'voice', ref: 'media-2', fileName: '   ' },
      ],
      log,
    );
    expect(kept).toEqual([{ kind: 'file', ref: 'x'.repeat(1024), fileName: '报告\ufffd.pdf' }, { kind: 'voice', ref: 'media-2' }]);
    expect(warnings).toHaveLength(2);
  });
});

describe('where an attachment is kept', () => {
  it('tidies the content type the platform gives, and stores anything unrecognisable as octet-stream', () => {
    expect(normaliseContentType('Image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(normaliseContentType('')).toBe('application/octet-stream');
    expect(normaliseContentType('jpeg')).toBe('application/octet-stream');
    expect(normaliseContentType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
  });

  it('names the file by the attachment id in a folder per local month, with the extension of its type', () => {
    // 2026-11-30 20:00 UTC is already December in Shanghai.
    const at = new Date('2026-11-30T20:00:00Z');
    expect(attachmentPath('a1', 'image/jpeg', at, 'Asia/Shanghai')).toBe('attachments/2026-12/a1.jpg');
    expect(attachmentPath('a1', 'image/jpeg', at, 'Europe/London')).toBe('attachments/2026-11/a1.jpg');
    expect(attachmentPath('a2', 'application/x-unknown', at, 'Asia/Shanghai')).toBe('attachments/2026-12/a2.bin');
  });
});
