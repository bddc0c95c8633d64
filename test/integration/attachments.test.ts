// Attachments (随手拍 photos) kept with their message: named by the platform at the webhook, downloaded
// afterwards through the platform's media, written under DATA_DIR, listed and served by the admin API.
// A download that fails is retried; one that never can be ends failed with its reason; the report itself is
// processed whatever becomes of its photos; a repeated delivery or a refused post stores nothing.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AttachmentGone, type AttachmentSource, type DownloadedAttachment } from '../../handlers/intake/attachments';
import { relayUnfinishedWork } from '../../handlers/relayUnfinishedWork';
import { Attachment } from '../../storage/entities';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; name: string; kind: string; members: { userId: string; name: string; posts: string[] }[] }

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function residentGroup(bot: TestBot): Promise<{ group: Group; residents: string[] }> {
  const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const group = groups.find((g) => g.kind === 'resident')!;
  return { group, residents: group.members.filter((m) => m.posts.length === 0).map((m) => m.userId) };
}

const post = (bot: TestBot, group: Group, body: Record<string, unknown>) => bot.call('POST', `/sandbox/groups/${group.id}/messages`, body);
const photo = (bytes: Buffer, name = 'IMG_0001.jpg', contentType = 'image/jpeg') => ({ name, contentType, dataBase64: bytes.toString('base64') });

async function messageItem(bot: TestBot, messageId: string) {
  const list = (await bot.call('GET', '/api/messages?limit=500')).body;
  return list.items.find((item: { id: string }) => item.id === messageId);
}
async function incidentFor(bot: TestBot, text: string) {
  return (await bot.call('GET', '/api/incidents?limit=500')).body.items.find((i: { text: string }) => i.text === text);
}
const filesUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []);
const attachmentRows = (bot: TestBot, messageId: string) => bot.runtime.context.db.read.find(Attachment, { where: { messageId }, order: { position: 'ASC' } });

describe('with the sandbox platform', () => {
  let bot: TestBot;
  let group: Group;
  let residents: string[];
  beforeAll(async () => {
    bot = await startTestBot();
    ({ group, residents } = await residentGroup(bot));
  });
  afterAll(() => bot?.stop());

  it('opens the incident as usual and keeps the photo under DATA_DIR with its bytes and hash, listed and served', async () => {
    const bytes = randomBytes(300 * 1024);
    const text = '7栋外墙的瓷砖掉了一大块，砸在单元门口，照片在这';
    const posted = await post(bot, group, { from: residents[0], text, attachments: [photo(bytes), photo(Buffer.from('plain evidence'), 'note.txt', 'text/plain')] });
    expect(posted.status).toBe(202);
    await bot.settle();

    expect(await incidentFor(bot, text)).toMatchObject({ category: 'building_safety', status: 'dispatched' });

    const [image, note] = (await messageItem(bot, posted.body.messageId)).attachments;
    expect(image).toEqual({ id: expect.any(String), kind: 'image', status: 'stored', contentType: 'image/jpeg', bytes: bytes.length, fileName: 'IMG_0001.jpg', lastError: null });
    expect(note).toMatchObject({ kind: 'file', status: 'stored', contentType: 'text/plain', fileName: 'note.txt' });

    const [row] = await attachmentRows(bot, posted.body.messageId);
    expect(row.path).toMatch(new RegExp(`^attachments/\\d{4}-\\d{2}/${row.id}\\.jpg$`));
    const file = path.join(bot.runtime.config.dataDir, row.path!);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(row.sha256).toBe(sha256(bytes));
    expect(row.attempts).toBe(1);
    // Written under a temporary name and renamed: nothing half-written is left beside it.
    expect(readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const served = await fetch(`${bot.runtime.url}/api/attachments/${image.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-length')).toBe(String(bytes.length));
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    // A resident's file is never shown as a page on the bot's origin.
    const served2 = await fetch(`${bot.runtime.url}/api/attachments/${note.id}`);
    expect(served2.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''note\.txt$/);
    expect(served2.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('answers 404 for an unknown attachment', async () => {
    const res = await bot.call('GET', '/api/attachments/no-such-attachment');
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('no-such-attachment');
  });

  it('stores no second attachment for a repeated delivery of the same message', async () => {
    const body = { from: residents[1], text: '9栋楼道的灭火器箱被人撬开了，灭火器不见了', messageId: 'sandbox-photo-twice', attachments: [photo(randomBytes(2048))] };
    const first = await post(bot, group, body);
    const again = await post(bot, group, body);
    await bot.settle();
    expect(again.body).toEqual({ messageId: first.body.messageId, duplicate: true });
    expect(await attachmentRows(bot, first.body.messageId)).toHaveLength(1);
    expect((await messageItem(bot, first.body.messageId)).attachments).toHaveLength(1);
  });

  it('refuses an oversized attachment, bad base64 or too many attachments with 400, storing nothing', async () => {
    const messagesBefore = (await bot.call('GET', '/api/messages')).body.total;
    const attachmentsBefore = await bot.runtime.context.db.read.count(Attachment);
    const text = '井盖不见了，晚上走路很危险';
    const refusals: [unknown, RegExp][] = [
      [[photo(Buffer.alloc(2 * MB + 1))], /attachments\.0\.dataBase64: is over 2 MB/],
      [[{ name: 'a.jpg', contentType: 'image/jpeg', dataBase64: 'not base64 at all!' }], /attachments\.0\.dataBase64: is not base64/],
      [[{ name: 'a.jpg', contentType: 'image/jpeg', dataBase64: 'QUJD' + 'QQ' }], /is not base64/], // unpadded
      [[{ name: 'a.jpg', contentType: 'jpeg', dataBase64: 'QUJD' }], /attachments\.0\.contentType: must be a media type/],
      [[1, 2, 3, 4].map(() => photo(Buffer.from('x'))), /at most 3 attachments/],
    ];
    for (const [attachments, reason] of refusals) {
      const res = await post(bot, group, { from: residents[2], text, attachments });
      expect([res.status, res.body.error]).toEqual([400, expect.stringMatching(reason)]);
    }
    // Past what three attachments at their largest can take, the body is not even read.
    const huge = await post(bot, group, { from: residents[2], text, attachments: [{ name: 'a.jpg', contentType: 'image/jpeg', dataBase64: 'A'.repeat(10 * MB) }] });
    expect(huge.status).toBe(413);
    await bot.settle();
    expect((await bot.call('GET', '/api/messages')).body.total).toBe(messagesBefore);
    expect(await bot.runtime.context.db.read.count(Attachment)).toBe(attachmentsBefore);
  });

  it('takes three photos of 2 MB each in one post', async () => {
    const files = [1, 2, 3].map(() => randomBytes(2 * MB));
    const posted = await post(bot, group, { from: residents[3], text: '小区北门的路灯杆被车撞歪了，随时会倒', attachments: files.map((bytes, i) => photo(bytes, `p${i}.jpg`)) });
    expect(posted.status).toBe(202);
    await bot.settle();
    const rows = await attachmentRows(bot, posted.body.messageId);
    expect(rows.map((row) => [row.status, row.fileName, row.sha256])).toEqual(files.map((bytes, i) => ['stored', `p${i}.jpg`, sha256(bytes)]));
  });

  it('downloads attachments whose job was never queued when the relay runs', async () => {
    const { jobs } = bot.runtime.context;
    // As if Redis had refused this one enqueue: the message is stored and processed, its photo waits.
    bot.runtime.context.jobs = {
      enqueue: (name, payload) => (name === 'fetchAttachments' ? Promise.reject(new Error('queue unreachable')) : jobs.enqueue(name, payload)),
      requeue: jobs.requeue.bind(jobs),
    };
    const bytes = randomBytes(4096);
    const text = '12栋楼道有人飞线充电，电线从三楼窗户吊下来给电瓶车充电';
    let posted;
    try {
      posted = await post(bot, group, { from: residents[4], text, attachments: [photo(bytes)] });
      await bot.settle();
    } finally {
      bot.runtime.context.jobs = jobs;
    }
    expect(posted.status).toBe(202);
    expect(await incidentFor(bot, text)).toMatchObject({ category: 'fire_hazard', status: 'dispatched' });
    expect((await attachmentRows(bot, posted.body.messageId)).map((row) => row.status)).toEqual(['pending']);

    // Younger than the relay's threshold: left alone. Older: queued again and downloaded.
    expect((await relayUnfinishedWork(bot.runtime.context, 60_000)).attachments).toBe(0);
    expect((await relayUnfinishedWork(bot.runtime.context, 0)).attachments).toBe(1);
    await bot.settle();
    const [row] = await attachmentRows(bot, posted.body.messageId);
    expect([row.status, row.sha256]).toEqual(['stored', sha256(bytes)]);
  });
});

describe('with a platform whose downloads fail', () => {
  /** The test's own platform media: each test says what the next downloads do. */
  let downloads: ((ref: string) => Promise<DownloadedAttachment>)[] = [];
  let calls = 0;
  const media: AttachmentSource = {
    async download(ref) {
      calls += 1;
      const next = downloads.shift();
      if (!next) throw new Error(`test media: no download prepared for ${ref}`);
      return next(ref);
    },
  };
  let bot: TestBot;
  let group: Group;
  let residents: string[];
  beforeAll(async () => {
    bot = await startTestBot({ QUEUE_ATTEMPTS: '3' }, false, { media: { sandbox: media } });
    ({ group, residents } = await residentGroup(bot));
  });
  beforeEach(() => {
    downloads = [];
    calls = 0;
  });
  afterAll(() => bot?.stop());

  const unreachable = async () => { throw new Error('platform unreachable (ECONNRESET)'); };

  it('retries a download that fails twice and ends stored', async () => {
    const bytes = randomBytes(10_000);
    downloads = [unreachable, unreachable, async () => ({ bytes, contentType: 'Image/PNG; charset=binary', fileName: 'from-platform.png' })];
    // What the sandbox kept is not asked for: this platform's media answers every ref.
    const posted = await post(bot, group, { from: residents[0], text: '3栋电梯里有股焦糊味，按钮也不亮', attachments: [photo(Buffer.from('ignored'), 'IMG_2.png', 'image/png')] });
    await bot.settle();
    expect(calls).toBe(3);
    const [row] = await attachmentRows(bot, posted.body.messageId);
    expect(row).toMatchObject({ status: 'stored', attempts: 3, contentType: 'image/png', bytes: bytes.length, sha256: sha256(bytes), lastError: null });
    expect(row.path).toMatch(/\.png$/);
    expect(readFileSync(path.join(bot.runtime.config.dataDir, row.path!)).equals(bytes)).toBe(true);
  });

  it('marks a download the platform refuses for good failed at once with the reason, and still processes the report', async () => {
    downloads = [async () => { throw new AttachmentGone('media id expired (errcode 40007)'); }];
    const text = '5栋楼顶的广告牌被风吹得摇摇欲坠，下面就是小孩玩的地方';
    const posted = await post(bot, group, { from: residents[1], text, attachments: [photo(randomBytes(100))] });
    await bot.settle();
    expect(calls).toBe(1);
    expect(await incidentFor(bot, text)).toMatchObject({ status: 'dispatched' });
    const [item] = (await messageItem(bot, posted.body.messageId)).attachments;
    expect(item).toMatchObject({ status: 'failed', bytes: null, contentType: null, lastError: expect.stringContaining('media id expired (errcode 40007)') });
    expect((await bot.call('GET', `/api/attachments/${item.id}`)).status).toBe(404);
  });

  it('marks an attachment over 20 MB failed without retrying', async () => {
    downloads = [async () => ({ bytes: Buffer.alloc(20 * MB + 1), contentType: 'video/mp4' })];
    const posted = await post(bot, group, { from: residents[2], text: '小区门口广场舞音响开得太大了，晚上十点还在跳', attachments: [photo(randomBytes(100), 'v.mp4', 'video/mp4')] });
    await bot.settle();
    expect(calls).toBe(1);
    const [row] = await attachmentRows(bot, posted.body.messageId);
    expect(row).toMatchObject({ kind: 'video', status: 'failed', path: null, lastError: expect.stringContaining('at most 20971520') });
    expect(filesUnder(path.join(bot.runtime.config.dataDir, 'attachments')).filter((name) => name.includes(row.id))).toEqual([]);
  });

  it('marks a download that keeps failing failed after the last attempt, with its reason', async () => {
    downloads = [unreachable, unreachable, unreachable];
    const text = '14栋地下车库有人飞线充电，插线板就放在地上';
    const posted = await post(bot, group, { from: residents[3], text, attachments: [photo(randomBytes(100))] });
    await bot.settle();
    expect(calls).toBe(3);
    expect(await incidentFor(bot, text)).toMatchObject({ status: 'dispatched' });
    const [row] = await attachmentRows(bot, posted.body.messageId);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringContaining('platform unreachable (ECONNRESET)') });
  });

  it('keeps the photos that came through when one of a message\'s downloads fails, and fetches only the rest again', async () => {
    const first = randomBytes(500);
    const third = randomBytes(700);
    downloads = [
      async () => ({ bytes: first, contentType: 'image/jpeg' }),
      unreachable,
      async () => ({ bytes: third, contentType: 'image/jpeg' }),
      async () => ({ bytes: randomBytes(600), contentType: 'image/jpeg' }),
    ];
    const posted = await post(bot, group, { from: residents[4], text: '8栋垃圾房门口堆满了装修垃圾，臭得不行', attachments: [1, 2, 3].map(() => photo(randomBytes(10))) });
    await bot.settle();
    expect(calls).toBe(4);
    const rows = await attachmentRows(bot, posted.body.messageId);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([['stored', 1], ['stored', 2], ['stored', 1]]);
    expect([rows[0].sha256, rows[2].sha256]).toEqual([sha256(first), sha256(third)]);
  });
});
