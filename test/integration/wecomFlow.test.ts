// WeCom end to end over real HTTP, against the WeCom API stand-in: a resident @-mentions the bot in a group
// (encrypted bot callback) → incident → button card sent 1:1 to the lead post's members through the app →
// a member's encrypted click → update_template_card with that click's ResponseCode → the receipt comes back
// in the bot's stream, the later notices through the group robot. Repeated deliveries make one incident;
// forged, replayed, mis-addressed, badly padded, entity-expanding and oversized callbacks are refused and
// store nothing. The official vectors go through the app's own routes.
import { getSignature } from '@wecom/crypto';
import { openEnvelope, sealReply, type CallbackCredentials } from '../../bot/wecom/callbackCrypto';
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { InboundMessage } from '../../storage/entities';
import { rawRequest } from '../support/rawRequest';
import { startTestBot, type TestBot } from '../support/testRuntime';
import { startWecomStandIn, type WecomStandIn } from '../support/wecomStandIn';

// Set A of platforms.md §1.5 for the app (its corp id is the stand-in's too), Set C's key for the bot.
const CORP_ID = 'wx5823bf96d3bd56c7';
const APP: CallbackCredentials = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: CORP_ID };
const BOT: CallbackCredentials = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', receiveId: '' };
const RESIDENT_GROUP = 'wrResidentGuixiangyuan';
const WORKER_GROUP = 'wrWorkersUrbanRenewal';
const AGENT_ID = 1000002;

let standIn: WecomStandIn;
let bot: TestBot;
let sequence = 0;

beforeAll(async () => {
  standIn = await startWecomStandIn({ corpId: CORP_ID, secret: 'app-secret', agentId: AGENT_ID, robotKeys: ['robot-resident', 'robot-command'] });
  bot = await startTestBot({
    WECOM_CORP_ID: CORP_ID, WECOM_AGENT_ID: String(AGENT_ID), WECOM_SECRET: 'app-secret', WECOM_TOKEN: APP.token, WECOM_AES_KEY: APP.encodingAesKey,
    WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: BOT.token, WECOM_BOT_AES_KEY: BOT.encodingAesKey,
    WECOM_ROBOT_KEYS: `${RESIDENT_GROUP}=robot-resident`, WECOM_API_BASE: standIn.url, WECOM_ADMINS: 'admin01',
    FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0',
  });
  const ok = (response: { status: number }) => expect(response.status).toBe(200);
  ok(await bot.call('PUT', `/api/chats/wecom/${RESIDENT_GROUP}/binding`, { kind: 'resident', orgUnit: 'c.guixiangyuan', name: '桂香园3栋居民群' }));
  ok(await bot.call('PUT', `/api/chats/wecom/${WORKER_GROUP}/binding`, { kind: 'worker', post: 'URBAN_RENEWAL', name: '城市更新岗工作群' }));
  ok(await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei', { name: '张伟' }));
  ok(await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/liuyang', { name: '刘洋' }));
});

afterAll(async () => {
  await bot?.stop();
  await standIn?.close();
});

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

/** A signed, encrypted callback, the way WeCom sends it; `tamper` changes one part after signing. */
function signedQuery(credentials: CallbackCredentials, plaintext: string, options: { timestamp?: string; tamper?: 'signature' } = {}) {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = `n${++sequence}`;
  const { encrypt, signature } = sealReply(credentials, plaintext, timestamp, nonce);
  const sig = options.tamper === 'signature' ? signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) : signature;
  return { encrypt, query: `msg_signature=${sig}&timestamp=${timestamp}&nonce=${nonce}` };
}

async function botCallback(message: object, options: Parameters<typeof signedQuery>[2] = {}) {
  const { encrypt, query } = signedQuery(BOT, JSON.stringify(message), options);
  const response = await fetch(`${bot.runtime.url}/wecom/bot/callback?${query}`, { method: 'POST', body: JSON.stringify({ encrypt }) });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, answer: null, text };
  const sealed = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: string; nonce: string };
  const answer = JSON.parse(openEnvelope(BOT, { signature: sealed.msgsignature, timestamp: sealed.timestamp, nonce: sealed.nonce, encrypt: sealed.encrypt }, null));
  return { status: 200, answer, text };
}

async function appCallback(innerXml: string, options: Parameters<typeof signedQuery>[2] = {}) {
  const { encrypt, query } = signedQuery(APP, innerXml, options);
  const body = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[${AGENT_ID}]]></AgentID></xml>`;
  const response = await fetch(`${bot.runtime.url}/wecom/callback?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  return { status: response.status, text: await response.text() };
}

const groupMention = (msgid: string, text: string, userid = 'lisi') => ({
  msgid, aibotid: 'aib-grid-helper', chatid: RESIDENT_GROUP, chattype: 'group', from: { userid },
  response_url: standIn.responseUrl(), msgtype: 'text', text: { content: `@网格助手 ${text}` },
});

const cardClick = (userId: string, taskId: string, key: string, responseCode: string, note?: string) =>
  `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[${userId}]]></FromUserName>` +
  `<CreateTime>${nowSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>` +
  `<EventKey><![CDATA[${key}]]></EventKey><TaskId><![CDATA[${taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>` +
  `<ResponseCode><![CDATA[${responseCode}]]></ResponseCode><AgentID>${AGENT_ID}</AgentID>` +
  (note ? `<SelectedItems><SelectedItem><QuestionKey><![CDATA[note]]></QuestionKey><OptionIds><OptionId><![CDATA[${note}]]></OptionId></OptionIds></SelectedItem></SelectedItems>` : '') +
  `</xml>`;

interface SentCard { touser: string; msgtype: string; template_card: { task_id: string; main_title: { title: string }; button_list: { key: string; text: string }[]; button_selection?: unknown } }

const incidents = async () => (await bot.call('GET', '/api/incidents?limit=500')).body.items as { id: string; number: string; text: string; status: string; leadPost: string }[];
const storedMessages = async () => (await bot.call('GET', '/api/messages?limit=500')).body.total as number;

describe('WeCom, callback mode, end to end', () => {
  it('answers WeCom\'s URL check with the decrypted echostr (official vector A1 on the app\'s route)', async () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D';
    const check = await rawRequest(bot.runtime.url, {
      method: 'GET', path: `/wecom/callback?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=${echostr}`,
    });
    expect(check).toEqual({ status: 200, text: '1616140317555161061' });
    const forged = await rawRequest(bot.runtime.url, {
      method: 'GET', path: `/wecom/callback?msg_signature=0000ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=${echostr}`,
    });
    expect(forged.status).toBe(401);

    // The bot's URL check: receive id "", and an echostr whose "+" and "/" arrive percent-encoded.
    const { encrypt, signature } = sealReply(BOT, '6143856391830296574', '1764750000', 'n-check');
    const botCheck = await rawRequest(bot.runtime.url, {
      method: 'GET', path: `/wecom/bot/callback?msg_signature=${signature}&timestamp=1764750000&nonce=n-check&echostr=${encodeURIComponent(encrypt)}`,
    });
    expect(botCheck).toEqual({ status: 200, text: '6143856391830296574' });
  });

  it('turns an @-mention into an incident, a card for each member of the lead post, and a receipt in the stream', async () => {
    const text = '3栋外墙瓷砖掉下来了，差点砸到人';
    const first = await botCallback(groupMention('msg-tiles-1', text));
    // Answered at once with an open stream, before classification has run.
    expect(first.answer).toEqual({ msgtype: 'stream', stream: { id: 'msg-tiles-1', finish: false, content: expect.stringContaining('收到') } });

    await bot.settle();
    const incident = (await incidents()).find((i) => i.text === text)!;
    expect(incident).toMatchObject({ leadPost: 'URBAN_RENEWAL', status: 'dispatched' });

    // WeCom polls the stream; the poll that finds the receipt closes it with the receipt.
    const poll = await botCallback({ msgid: 'poll-1', aibotid: 'aib-grid-helper', chatid: RESIDENT_GROUP, chattype: 'group', from: { userid: 'lisi' }, msgtype: 'stream', stream: { id: 'msg-tiles-1' } });
    expect(poll.answer).toMatchObject({ msgtype: 'stream', stream: { id: 'msg-tiles-1', finish: true } });
    expect(poll.answer.stream.content).toContain(incident.number);
    // Taken once: the outbox shows it sent, and a second poll finds nothing more to say.
    const outbox = (await bot.call('GET', '/api/outbox?limit=500')).body.items as { text: string; status: string; platform: string }[];
    expect(outbox.filter((row) => row.platform === 'wecom' && row.text.includes(incident.number) && row.text === poll.answer.stream.content)).toMatchObject([{ status: 'sent' }]);

    const sends = standIn.requestsTo('/cgi-bin/message/send').map((r) => r.body as SentCard);
    const card = sends.find((body) => body.msgtype === 'template_card' && body.template_card.main_title.title.includes(incident.number))!;
    expect(card.touser.split('|').sort()).toEqual(['liuyang', 'zhangwei']);
    expect(card.template_card.button_list.map((b) => b.key)).toEqual(expect.arrayContaining(['accept', 'return']));
    expect(card.template_card.button_selection).toBeDefined();
  });

  it('acts on an encrypted click, spends its ResponseCode once on the update, and tells the resident through the report\'s response_url, then the group robot', async () => {
    const text = '5栋后面的挡土墙裂了好大一条缝，下雨天怕垮';
    await botCallback(groupMention('msg-wall-1', text, 'wangfang'));
    await bot.settle();
    const incident = (await incidents()).find((i) => i.text === text)!;
    const card = standIn.requestsTo('/cgi-bin/message/send').map((r) => r.body as SentCard).find((b) => b.template_card?.main_title.title.includes(incident.number))!;
    const taskId = card.template_card.task_id;

    // Not a member of the post: refused, told why 1:1, nothing changes.
    const outsider = await appCallback(cardClick('stranger', taskId, 'accept', standIn.issueResponseCode()));
    expect(outsider.status).toBe(200);
    await bot.settle();
    expect((await incidents()).find((i) => i.id === incident.id)!.status).toBe('dispatched');
    const toldStranger = standIn.requestsTo('/cgi-bin/message/send').map((r) => r.body as { touser: string; text?: { content: string } }).filter((b) => b.touser === 'stranger');
    expect(toldStranger).toMatchObject([{ text: { content: expect.stringContaining('操作未生效') } }]);

    const acceptCode = standIn.issueResponseCode();
    expect((await appCallback(cardClick('zhangwei', taskId, 'accept', acceptCode))).status).toBe(200);
    await bot.settle();
    expect((await incidents()).find((i) => i.id === incident.id)!.status).toBe('accepted');
    const updates = standIn.requestsTo('/cgi-bin/message/update_template_card').map((r) => r.body as { response_code: string; userids: string[]; template_card?: { button_list: { key: string }[] } });
    const update = updates.find((u) => u.response_code === acceptCode)!;
    expect(update.userids.sort()).toEqual(['liuyang', 'zhangwei']);
    expect(update.template_card!.button_list.map((b) => b.key)).toEqual(expect.arrayContaining(['resolve']));
    expect(update.template_card!.button_list.map((b) => b.key)).not.toContain('accept');

    // 办结 with the note chosen on the card; the resident hears of it in the group, with 满意 / 不满意 asked.
    const resolveCode = standIn.issueResponseCode();
    await appCallback(cardClick('zhangwei', taskId, 'resolve', resolveCode, 'done_on_site'));
    await bot.settle();
    expect((await incidents()).find((i) => i.id === incident.id)!.status).toBe('resolved');
    expect(standIn.requestsTo('/cgi-bin/message/update_template_card').some((r) => (r.body as { response_code: string }).response_code === resolveCode)).toBe(true);
    // The first later notice goes through the report's own response_url (single use, an hour); the next,
    // with that spent, through the group robot.
    const responded = standIn.requestsTo('/cgi-bin/aibot/response').map((r) => (r.body as { markdown?: { content: string } }).markdown?.content ?? '');
    expect(responded.filter((t) => t.includes(incident.number) && t.includes('已接单'))).toHaveLength(1);
    const robotTexts = standIn.requestsTo('/cgi-bin/webhook/send').map((r) => (r.body as { text?: { content: string } }).text?.content ?? '');
    expect(robotTexts.some((t) => t.includes(incident.number) && t.includes('已接单'))).toBe(false);
    expect(robotTexts.some((t) => t.startsWith('【已办结】') && t.includes(incident.number) && t.includes('已现场处置完毕'))).toBe(true);
  });

  it('keeps the photos of a 随手拍: the bot\'s (AES with its key) and the app\'s (media/get), fetched after the answer', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('tiles on the pavement')]);
    const imageUrl = standIn.addBotMedia('tiles.jpg', jpeg, BOT.encodingAesKey);
    const text = '7栋楼顶的广告牌歪了，随时会掉';
    const { answer } = await botCallback({
      msgid: 'msg-photo-1', aibotid: 'aib-grid-helper', chatid: RESIDENT_GROUP, chattype: 'group', from: { userid: 'lisi' }, response_url: standIn.responseUrl(),
      msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: `@网格助手 ${text}` } }, { msgtype: 'image', image: { url: imageUrl } }] },
    });
    expect(answer.stream.finish).toBe(false);
    standIn.addMedia('MEDIA_ID_1', Buffer.from('png-bytes'), 'image/png', 'wall.png');
    const appImage = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>${nowSeconds()}</CreateTime>` +
      `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.invalid/p.png]]></PicUrl><MediaId><![CDATA[MEDIA_ID_1]]></MediaId><MsgId>7000000000000000001</MsgId><AgentID>${AGENT_ID}</AgentID></xml>`;
    expect((await appCallback(appImage)).status).toBe(200);
    await bot.settle();

    const items = (await bot.call('GET', '/api/messages?limit=500')).body.items as { text: string; sender: string; attachments: { id: string; status: string; contentType: string; bytes: number }[] }[];
    const botPhoto = items.find((m) => m.text.startsWith(text))!.attachments;
    expect(botPhoto).toEqual([expect.objectContaining({ status: 'stored', contentType: 'image/jpeg', bytes: jpeg.length })]);
    const served = await fetch(`${bot.runtime.url}/api/attachments/${botPhoto[0].id}`);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(jpeg);
    const appPhoto = items.find((m) => m.sender === 'zhangwei' && m.text === '[图片]')!.attachments;
    expect(appPhoto).toEqual([expect.objectContaining({ status: 'stored', contentType: 'image/png', bytes: 9 })]);
    expect((await incidents()).find((i) => i.text.startsWith(text))).toBeDefined();
  });

  it('stores the app\'s location message with its label as the text and its point, and one without a label by its point', async () => {
    const location = (msgId: string, label: string) =>
      `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>${nowSeconds()}</CreateTime>` +
      `<MsgType><![CDATA[location]]></MsgType><Location_X>29.563010</Location_X><Location_Y>106.551560</Location_Y><Scale>15</Scale>` +
      `<Label><![CDATA[${label}]]></Label><MsgId>${msgId}</MsgId><AgentID>${AGENT_ID}</AgentID></xml>`;
    expect((await appCallback(location('7000000000000000002', '重庆市渝中区桂香苑8栋'))).status).toBe(200);
    expect((await appCallback(location('7000000000000000003', ''))).status).toBe(200);
    await bot.settle();
    const stored = (id: string) => bot.runtime.context.db.read.findOneByOrFail(InboundMessage, { platform: 'wecom', platformMessageId: `app:${id}` });
    expect(await stored('7000000000000000002')).toMatchObject({ text: '重庆市渝中区桂香苑8栋', locationName: '重庆市渝中区桂香苑8栋', latitude: 29.56301, longitude: 106.55156 });
    expect(await stored('7000000000000000003')).toMatchObject({ text: '[位置] 29.56301, 106.55156', locationName: null, latitude: 29.56301, longitude: 106.55156 });
  });

  it('makes one incident of the same callback delivered three times', async () => {
    const text = '消防通道被三辆车堵死了，在桂香园北门';
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await botCallback(groupMention('msg-firelane-1', text))).answer);
    await bot.settle();
    expect(answers.map((a) => a.stream.id)).toEqual(['msg-firelane-1', 'msg-firelane-1', 'msg-firelane-1']);
    expect((await incidents()).filter((i) => i.text === text)).toHaveLength(1);
  });

  it('welcomes a person entering the 1:1 chat with how to report', async () => {
    const { answer } = await botCallback({ msgid: 'enter-1', aibotid: 'aib-grid-helper', from: { userid: 'lisi' }, msgtype: 'event', create_time: Date.now(), event: { eventtype: 'enter_chat' } });
    expect(answer).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('@我') } });
  });

  it('binds a chat from inside it for an admin only', async () => {
    const chat = 'wrNewGroupJiaheli';
    const mention = (msgid: string, userid: string) => ({ msgid, aibotid: 'a', chatid: chat, chattype: 'group', from: { userid }, msgtype: 'text', text: { content: '@网格助手 绑定 社区 c.jiaheli' } });
    const refused = await botCallback(mention('bind-1', 'lisi'));
    expect(refused.answer.stream).toMatchObject({ finish: true, content: expect.stringContaining('只有管理员') });
    const bound = await botCallback(mention('bind-2', 'admin01'));
    expect(bound.answer.stream).toMatchObject({ finish: true, content: expect.stringContaining('已绑定') });
    await bot.settle();
    // The command itself is recorded, never classified as a report.
    const messages = (await bot.call('GET', '/api/messages?limit=500')).body.items as { text: string; status: string }[];
    expect(messages.filter((m) => m.text.includes('绑定 社区'))).toEqual([expect.objectContaining({ status: 'ignored' }), expect.objectContaining({ status: 'ignored' })]);
  });

  it('sends a report from a chat nobody has bound to the dispatcher first', async () => {
    const text = '楼下有人在飞线给电瓶车充电，线从5楼吊下来的';
    await botCallback({ ...groupMention('msg-unbound-1', text), chatid: 'wrNeverBound' });
    await bot.settle();
    expect((await incidents()).find((i) => i.text === text)).toMatchObject({ leadPost: 'DISPATCH' });
  });

  it('refuses forged, replayed, mis-addressed, badly padded, entity-expanding and oversized callbacks, storing nothing', async () => {
    const before = await storedMessages();
    const mention = JSON.stringify(groupMention('msg-forged', '有人在小区里卖假药'));

    expect((await botCallback(JSON.parse(mention), { tamper: 'signature' })).status).toBe(401);
    expect((await botCallback(JSON.parse(mention), { timestamp: String(Math.floor(Date.now() / 1000) - 3600) })).status).toBe(401);
    // Sealed for the app (receive id = corp id) but posted to the bot, whose receive id is "".
    const wrongId = sealReply({ ...BOT, receiveId: CORP_ID }, mention, nowSeconds(), 'n-wrong');
    const wrongIdResponse = await fetch(`${bot.runtime.url}/wecom/bot/callback?msg_signature=${wrongId.signature}&timestamp=${nowSeconds()}&nonce=n-wrong`, { method: 'POST', body: JSON.stringify({ encrypt: wrongId.encrypt }) });
    expect(wrongIdResponse.status).toBe(401);
    // A block of garbage appended to valid ciphertext: the pad no longer checks out.
    const padded = signedQuery(BOT, mention);
    const badPad = Buffer.concat([Buffer.from(padded.encrypt, 'base64'), Buffer.alloc(32, 7)]).toString('base64');
    const ts = nowSeconds();
    const badPadResponse = await fetch(`${bot.runtime.url}/wecom/bot/callback?msg_signature=${getSignature(BOT.token, ts, 'n-pad', badPad)}&timestamp=${ts}&nonce=n-pad`, { method: 'POST', body: JSON.stringify({ encrypt: badPad }) });
    expect(badPadResponse.status).toBe(400);

    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Encrypt>&lol3;</Encrypt></xml>`;
    const started = Date.now();
    const entity = await fetch(`${bot.runtime.url}/wecom/callback?msg_signature=x&timestamp=${nowSeconds()}&nonce=n`, { method: 'POST', body: laughs });
    expect(entity.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(1000);

    const huge = await rawRequest(bot.runtime.url, { method: 'POST', path: `/wecom/bot/callback?msg_signature=x&timestamp=${nowSeconds()}&nonce=n`, body: Buffer.alloc(2 * 1024 * 1024, 'a') });
    expect(huge.status).toBe(413);
    const missing = await fetch(`${bot.runtime.url}/wecom/bot/callback`, { method: 'POST', body: JSON.stringify({ encrypt: padded.encrypt }) });
    expect(missing.status).toBe(401);

    expect(await storedMessages()).toBe(before);
    expect((await bot.call('GET', '/healthz')).status).toBe(200);
  });

  it('takes the official A2 message on the app route when the clock agrees with its 2014 timestamp', async () => {
    // The vector's timestamp is 1409659813 (2014): refused as a replay today …
    const a2 = 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
    const body = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${a2}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
    const path = '/wecom/callback?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149';
    expect((await rawRequest(bot.runtime.url, { method: 'POST', path, body })).status).toBe(401);
  });
});

describe('WeCom official message vector through the app route', () => {
  it('stores official message A2 ("hello" from mycreate) when the bot\'s clock is at its 2014 timestamp', async () => {
    const at = new Date(1409659813 * 1000 + 2000);
    const vectorBot = await startTestBot(
      { WECOM_CORP_ID: CORP_ID, WECOM_AGENT_ID: '218', WECOM_SECRET: 'app-secret', WECOM_TOKEN: APP.token, WECOM_AES_KEY: APP.encodingAesKey, WECOM_API_BASE: standIn.url },
      false,
      { clock: () => at },
    );
    try {
      const a2 = 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
      const body = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${a2}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
      const path = '/wecom/callback?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149';
      expect(await rawRequest(vectorBot.runtime.url, { method: 'POST', path, body })).toEqual({ status: 200, text: '' });
      // WeCom retries a slow answer; the same MsgId again is the same message.
      expect((await rawRequest(vectorBot.runtime.url, { method: 'POST', path, body })).status).toBe(200);
      await vectorBot.settle();
      const messages = (await vectorBot.call('GET', '/api/messages?limit=10')).body.items as { text: string; sender: string; groupName: string }[];
      expect(messages.filter((m) => m.text === 'hello')).toEqual([expect.objectContaining({ sender: 'mycreate' })]);
    } finally {
      await vectorBot.stop();
    }
  });
});

describe('WeCom notices to a worker group the bot cannot post into', () => {
  it('reach the post\'s members 1:1 through the app (an accept reminder)', async () => {
    let now = Date.now();
    const reminderBot = await startTestBot(
      {
        WECOM_CORP_ID: CORP_ID, WECOM_AGENT_ID: String(AGENT_ID), WECOM_SECRET: 'app-secret', WECOM_TOKEN: APP.token, WECOM_AES_KEY: APP.encodingAesKey,
        WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: BOT.token, WECOM_BOT_AES_KEY: BOT.encodingAesKey, WECOM_API_BASE: standIn.url,
        QUIET_HOURS: 'off', SWEEP_CRON: '0 0 0 1 1 *',
      },
      false,
      { clock: () => new Date(now) },
    );
    try {
      const ok = (response: { status: number }) => expect(response.status).toBe(200);
      ok(await reminderBot.call('PUT', `/api/chats/wecom/${RESIDENT_GROUP}/binding`, { kind: 'resident', orgUnit: 'c.guixiangyuan' }));
      ok(await reminderBot.call('PUT', `/api/chats/wecom/${WORKER_GROUP}/binding`, { kind: 'worker', post: 'URBAN_RENEWAL' }));
      ok(await reminderBot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/zhouqiang', { name: '周强' }));
      const text = '9栋阳台的花盆掉下来砸坏了车';
      const { encrypt, query } = signedQuery(BOT, JSON.stringify(groupMention('msg-reminder-1', text)), { timestamp: String(Math.floor(now / 1000)) });
      expect((await fetch(`${reminderBot.runtime.url}/wecom/bot/callback?${query}`, { method: 'POST', body: JSON.stringify({ encrypt }) })).status).toBe(200);
      await reminderBot.settle();
      const incident = ((await reminderBot.call('GET', '/api/incidents?limit=10')).body.items as { number: string; text: string; acceptBy: string }[]).find((i) => i.text === text)!;

      // Past the accept deadline nobody has accepted: the clock reminds the post, in its (WeCom) worker group.
      now = new Date(incident.acceptBy).getTime() + 1000;
      await runServiceClock(reminderBot.runtime.context);
      await reminderBot.settle();
      const toMembers = standIn.requestsTo('/cgi-bin/message/send').map((r) => r.body as { touser: string; msgtype: string; text?: { content: string } });
      expect(toMembers.some((b) => b.touser === 'zhouqiang' && b.msgtype === 'text' && b.text!.content.includes(incident.number))).toBe(true);
    } finally {
      await reminderBot.stop();
    }
  });
});

describe('WeCom, a red case watched by the command centre', () => {
  it('sends the lead post its card 1:1 once, and the command centre its copy in the chat through the group robot', async () => {
    const COMMAND_GROUP = 'wrCommandCentre';
    const redBot = await startTestBot({
      WECOM_CORP_ID: CORP_ID, WECOM_AGENT_ID: String(AGENT_ID), WECOM_SECRET: 'app-secret', WECOM_TOKEN: APP.token, WECOM_AES_KEY: APP.encodingAesKey,
      WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: BOT.token, WECOM_BOT_AES_KEY: BOT.encodingAesKey, WECOM_API_BASE: standIn.url,
      WECOM_ROBOT_KEYS: `${RESIDENT_GROUP}=robot-resident,${COMMAND_GROUP}=robot-command`,
    });
    try {
      const ok = (response: { status: number }) => expect(response.status).toBe(200);
      ok(await redBot.call('PUT', `/api/chats/wecom/${RESIDENT_GROUP}/binding`, { kind: 'resident', orgUnit: 'c.guixiangyuan' }));
      ok(await redBot.call('PUT', '/api/chats/wecom/wrWorkersPolice/binding', { kind: 'worker', post: 'POLICE' }));
      // The street's command centre is its WeCom group (the demo's sandbox one stands down).
      ok(await redBot.call('PUT', '/api/chats/sandbox/grp-command/binding', { kind: 'resident', orgUnit: 'street.zaoziwan' }));
      ok(await redBot.call('PUT', `/api/chats/wecom/${COMMAND_GROUP}/binding`, { kind: 'command' }));
      ok(await redBot.call('PUT', '/api/posts/POLICE/members/wecom/panwei', { name: '潘伟' }));
      ok(await redBot.call('PUT', '/api/posts/POLICE/members/wecom/dujuan', { name: '杜娟' }));
      const before = standIn.requests.length;

      const text = '我妈正在手机上给一个自称公安的人转账，对方让她开着屏幕共享，怎么办';
      const { encrypt, query } = signedQuery(BOT, JSON.stringify(groupMention('msg-red-1', text)));
      expect((await fetch(`${redBot.runtime.url}/wecom/bot/callback?${query}`, { method: 'POST', body: JSON.stringify({ encrypt }) })).status).toBe(200);
      await redBot.settle();
      const incident = ((await redBot.call('GET', '/api/incidents?limit=10')).body.items as { number: string; text: string; urgency: string }[]).find((i) => i.text === text)!;
      expect(incident).toMatchObject({ urgency: 'critical' });

      const sent = standIn.requests.slice(before);
      const cards = sent.filter((r) => r.path === '/cgi-bin/message/send' && (r.body as SentCard).msgtype === 'template_card').map((r) => r.body as SentCard);
      expect(cards.filter((c) => c.template_card.main_title.title.includes(incident.number)).map((c) => c.touser.split('|').sort())).toEqual([['dujuan', 'panwei']]);
      const toCommand = sent.filter((r) => r.path === '/cgi-bin/webhook/send' && r.query.key === 'robot-command').map((r) => JSON.stringify(r.body));
      expect(toCommand.filter((body) => body.includes(incident.number))).toHaveLength(1);
    } finally {
      await redBot.stop();
    }
  });
});
