// 随手拍 as a rider sends it in the sandbox: words that name no place, a photo and a location. The case is placed
// by the location, the lead post's card shows the photo (served by the sandbox's own route, from DATA_DIR), and
// a photo downloaded after the card went out is put on the card by an update in place. A location that is
// neither a name nor a point in range is refused with 400 and stores nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttachmentSource } from '../../handlers/intake/attachments';
import { Attachment, Incident, OutboundMessage } from '../../storage/entities';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; name: string; kind: string; post: string | null; members: { userId: string; name: string; posts: string[] }[] }
interface Photo { id: string; url: string }
interface ShownMessage {
  id: string;
  from: string;
  text: string;
  card: null | { kind: string; id: string; incidentId: string; role: string; photos: Photo[] };
  attachments?: { id: string; kind: string; status: string; url: string | null }[];
  location?: { name: string | null; latitude: number | null; longitude: number | null } | null;
}

/** A 1×1 transparent PNG, whole and valid. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const photo = { name: 'IMG_0420.png', contentType: 'image/png', dataBase64: PNG.toString('base64') };
const WORDS = '【随手拍】井盖没了，差点踩进去';

const groupsOf = async (bot: TestBot): Promise<Group[]> => (await bot.call('GET', '/sandbox/groups')).body.groups;
const conversation = async (bot: TestBot, group: Group): Promise<ShownMessage[]> => (await bot.call('GET', `/sandbox/groups/${group.id}/messages`)).body.messages;
const post = (bot: TestBot, group: Group, body: Record<string, unknown>) => bot.call('POST', `/sandbox/groups/${group.id}/messages`, body);
const ridersOf = (groups: Group[]) => groups.find((g) => g.kind === 'volunteer' && g.name.includes('骑手'))!;

async function leadCardOf(bot: TestBot, groups: Group[], incident: Incident) {
  const workers = groups.find((g) => g.kind === 'worker' && g.post === incident.leadPost)!;
  const shown = await conversation(bot, workers);
  return shown.find((m) => m.card?.incidentId === incident.id && m.card.role === 'lead')!.card!;
}

describe('随手拍 with a photo and a location, in the sandbox', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot();
    groups = await groupsOf(bot);
  });
  afterAll(() => bot?.stop());

  it('places the case by the location, and shows the photo on the lead post\'s card and in the conversation', async () => {
    const riders = ridersOf(groups);
    const rider = riders.members[0].userId;
    const posted = await post(bot, riders, { from: rider, text: WORDS, attachments: [photo], location: { name: '桂香苑8栋' } });
    expect(posted.status).toBe(202);
    await bot.settle();

    const { read } = bot.runtime.context.db;
    const incident = (await read.findOneBy(Incident, { sourceMessageId: posted.body.messageId }))!;
    expect(incident).not.toBeNull();
    expect(incident.place).toContain('8栋');
    expect(incident.placeKey).toBe('c.guixiangyuan/桂香苑/8栋');
    // A worker can find it from the location: the rider is not asked where it is.
    expect(incident.placeAskedAt).toBeNull();

    const card = await leadCardOf(bot, groups, incident);
    expect(card.photos).toEqual([{ id: expect.any(String), url: `/sandbox/attachments/${card.photos[0].id}` }]);
    const served = await fetch(bot.runtime.url + card.photos[0].url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const [row] = await read.findBy(Attachment, { messageId: posted.body.messageId });
    const file = path.join(bot.runtime.config.dataDir, row.path!);
    expect(row.path).toMatch(/^attachments\/\d{4}-\d{2}\/.+\.png$/);
    expect(existsSync(file) && readFileSync(file).equals(PNG)).toBe(true);

    // The rider's own message shows its photo and its 📍.
    const mine = (await conversation(bot, riders)).find((m) => m.id === posted.body.messageId)!;
    expect(mine).toMatchObject({ text: WORDS, location: { name: '桂香苑8栋', latitude: null, longitude: null } });
    expect(mine.attachments).toEqual([{ id: row.id, kind: 'image', status: 'stored', fileName: 'IMG_0420.png', url: `/sandbox/attachments/${row.id}` }]);
  });

  it('keeps a location\'s point with the words, and takes a named location with no words', async () => {
    const riders = ridersOf(groups);
    const point = await post(bot, riders, { from: riders.members[1].userId, text: '【随手拍】路灯不亮了', location: { latitude: 29.56301, longitude: 106.55156 } });
    const named = await post(bot, riders, { from: riders.members[1].userId, text: '', location: { name: '滨河公园南门' } });
    expect([point.status, named.status]).toEqual([202, 202]);
    await bot.settle();
    const shown = await conversation(bot, riders);
    expect(shown.find((m) => m.id === point.body.messageId)).toMatchObject({ location: { name: null, latitude: 29.56301, longitude: 106.55156 } });
    // Nothing is lost and the message can still be read: the place's name is its text.
    expect(shown.find((m) => m.id === named.body.messageId)).toMatchObject({ text: '滨河公园南门', location: { name: '滨河公园南门' } });
  });

  it('refuses a location without a name whose coordinates are out of range, or half a point, with 400, storing nothing', async () => {
    const riders = ridersOf(groups);
    const messagesBefore = (await bot.call('GET', '/api/messages')).body.total;
    const attachmentsBefore = await bot.runtime.context.db.read.count(Attachment);
    const refusals: [unknown, RegExp][] = [
      [{ latitude: 123.4, longitude: 200 }, /location: latitude 123.4 is not within -90..90/],
      [{ latitude: 30, longitude: -181 }, /location: longitude -181 is not within -180..180/],
      [{ latitude: 30 }, /location: needs both latitude and longitude/],
      [{}, /location: needs a name or both coordinates/],
      [{ name: '   ' }, /location: needs a name or both coordinates/],
      [{ name: '桂'.repeat(101) }, /location\.name: is over 100 characters/],
      [{ latitude: '30', longitude: '106' }, /location\.latitude/],
    ];
    for (const [location, reason] of refusals) {
      const res = await post(bot, riders, { from: riders.members[0].userId, text: WORDS, attachments: [photo], location });
      expect([res.status, res.body.error]).toEqual([400, expect.stringMatching(reason)]);
    }
    const noWords = await post(bot, riders, { from: riders.members[0].userId, text: ' ', location: { latitude: 30, longitude: 106 } });
    expect([noWords.status, noWords.body.error]).toEqual([400, expect.stringMatching(/text: must not be empty/)]);
    await bot.settle();
    expect((await bot.call('GET', '/api/messages')).body.total).toBe(messagesBefore);
    expect(await bot.runtime.context.db.read.count(Attachment)).toBe(attachmentsBefore);
  });

  it('serves only the sandbox\'s stored images on its photo route', async () => {
    const residents = groups.find((g) => g.kind === 'resident')!;
    const resident = residents.members.find((m) => m.posts.length === 0)!.userId;
    const note = { name: 'note.txt', contentType: 'text/plain', dataBase64: Buffer.from('evidence').toString('base64') };
    const posted = await post(bot, residents, { from: resident, text: '9栋门口的消防栓被撞坏了，一直在漏水', attachments: [note] });
    await bot.settle();
    const [file] = await bot.runtime.context.db.read.findBy(Attachment, { messageId: posted.body.messageId });
    expect(file.status).toBe('stored');
    expect((await bot.call('GET', `/sandbox/attachments/${file.id}`)).status).toBe(404);
    expect((await bot.call('GET', '/sandbox/attachments/no-such-photo')).status).toBe(404);
  });
});

describe('a photo downloaded after the card went out', () => {
  let bot: TestBot;
  let groups: Group[];
  /** The platform hands the photo over only once the case is open: the card is out before its photo. */
  const lateMedia: AttachmentSource = {
    async download() {
      const { read } = bot.runtime.context.db;
      for (let waited = 0; waited < 5000 && !(await read.existsBy(OutboundMessage, { kind: 'card', status: 'sent' })); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { bytes: PNG, contentType: 'image/png' };
    },
  };
  beforeAll(async () => {
    bot = await startTestBot({}, false, { media: { sandbox: lateMedia } });
    groups = await groupsOf(bot);
  });
  afterAll(() => bot?.stop());

  it('updates the case\'s cards in place to show it', async () => {
    const riders = ridersOf(groups);
    const posted = await post(bot, riders, { from: riders.members[2].userId, text: WORDS, attachments: [photo], location: { name: '桂香苑8栋' } });
    await bot.settle();
    const { read } = bot.runtime.context.db;
    const incident = (await read.findOneBy(Incident, { sourceMessageId: posted.body.messageId }))!;
    const cards = await read.findBy(OutboundMessage, { incidentId: incident.id, kind: 'card' });
    const updates = await read.findBy(OutboundMessage, { incidentId: incident.id, kind: 'card_update' });
    expect(cards.length).toBeGreaterThan(0);
    // One update for each card, once the photo is in; none before.
    expect(updates.map((u) => [u.cardId, u.status]).sort()).toEqual(cards.map((c) => [c.cardId, 'sent']).sort());
    expect(Math.min(...updates.map((u) => u.createdAt.getTime()))).toBeGreaterThanOrEqual(Math.max(...cards.map((c) => c.sentAt!.getTime())));
    expect((await leadCardOf(bot, groups, incident)).photos).toHaveLength(1);
  });
});
