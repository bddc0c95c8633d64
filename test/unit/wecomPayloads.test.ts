// WeCom payloads as recorded shapes (test/fixtures/wecom, docs/platforms.md §3.1, §4.1–§4.3) through the
// parsers, and the bodies they must refuse: an XML bomb, Set C's broken JSON, a callback missing a field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEnvelope, type CallbackCredentials } from '../../bot/wecom/callbackCrypto';
import { appDedupeKey, buildEncryptedReplyXml, parseAppMessage, readEncryptedEnvelope, WecomPayloadError, type PayloadFault } from '../../bot/wecom/appXml';
import { botStreamReply, botTemplateCardReply, botTextReply, botUpdateCardReply, parseBotCallback, STREAM_MAX_BYTES, stripBotMention } from '../../bot/wecom/botMessage';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/wecom', name), 'utf8');

const SET_A: CallbackCredentials = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wx5823bf96d3bd56c7' };
const A2 = {
  signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149',
  encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};
const SET_C: CallbackCredentials = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', receiveId: 'ww1436e0e65a779aee' };
const C2 = {
  signature: 'e3647471e395139e2308c1fa963f2d648a00b90e', timestamp: '1409659813', nonce: '1372623149',
  encrypt: 'cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKIivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7NRj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU=',
};
/** The outer envelope as Sample.php posts it. */
const envelope = (encrypt: string) => `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;

/** The reason and message of the WecomPayloadError `fn` throws. */
const refusal = (fn: () => unknown): { reason: PayloadFault; message: string } => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WecomPayloadError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('accepted a payload it should refuse');
};

/** A bot callback fixture with some fields replaced (undefined removes one). */
const botJson = (name: string, change: (body: Record<string, any>) => void) => {
  const body = JSON.parse(fixture(name));
  change(body);
  return JSON.stringify(body);
};

describe('self-built app envelope', () => {
  it('reads the Encrypt text exactly as sent, with or without AgentID', () => {
    expect(readEncryptedEnvelope(envelope(A2.encrypt))).toBe(A2.encrypt);
    expect(readEncryptedEnvelope(`<?xml version="1.0" encoding="utf-8"?>\n<xml>\n  <ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n  <Encrypt><![CDATA[${A2.encrypt}]]></Encrypt>\n</xml>`)).toBe(A2.encrypt);
  });

  it('refuses what is not an envelope, without trimming the ciphertext into one', () => {
    expect(refusal(() => readEncryptedEnvelope('{"encrypt":"abcd"}')).reason).toBe('not_xml');
    expect(refusal(() => readEncryptedEnvelope('<xml><Encrypt>abcd</xml>')).reason).toBe('not_xml');
    expect(refusal(() => readEncryptedEnvelope('<xml><ToUserName>wx5823bf96d3bd56c7</ToUserName></xml>')).reason).toBe('no_encrypt');
    expect(refusal(() => readEncryptedEnvelope(envelope(` ${A2.encrypt}`))).reason).toBe('bad_encrypt');
    expect(refusal(() => readEncryptedEnvelope(envelope('not base64!'))).reason).toBe('bad_encrypt');
    expect(refusal(() => readEncryptedEnvelope('<xml><Encrypt><A>1</A></Encrypt></xml>')).reason).toBe('bad_encrypt');
    expect(refusal(() => readEncryptedEnvelope('<xml><Encrypt>abcd</Encrypt><Encrypt>efgh</Encrypt></xml>')).reason).toBe('bad_encrypt');
  });

  it('refuses a billion-laughs body in milliseconds, before any parsing', () => {
    const bomb = fixture('billion-laughs.xml');
    for (const parse of [readEncryptedEnvelope, parseAppMessage]) {
      const started = process.hrtime.bigint();
      expect(refusal(() => parse(bomb)).reason).toBe('doctype');
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    }
    expect(refusal(() => parseAppMessage('<!doctype xml><xml><MsgType>text</MsgType></xml>')).reason).toBe('doctype');
  });

  it('keeps a message whose text merely contains "<!DOCTYPE" inside its CDATA', () => {
    const xml = '<xml><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType>' +
      '<Content><![CDATA[网页上写着 <!DOCTYPE html> 打不开]]></Content><MsgId>4561255354251345929</MsgId></xml>';
    expect(parseAppMessage(xml)).toMatchObject({ kind: 'text', content: '网页上写着 <!DOCTYPE html> 打不开' });
  });

  it('builds the passive reply envelope of §1.4 and refuses a nonce that would break it', () => {
    const reply = {
      encrypt: '2JaQ0H0H/TuqGM/rDRTva9p888tnPalUxtl86bgFepC7c3hGnvf8Si2yBCRZ6AlfI3L+1JjsPPDBMNHBE/0mdtFbMN869VTSqAIubVtni2Xq/ryi2P5/xVHBS90y7vCQc97OKgGpJRgmdzzUZHddzSrgA72z9JhN1Q6WiPfyv34p/1Tn4jHwg+O75LHmRjQcOhKZTdMnpYdstqjfADyS1JigJuV6lGwWQsZTK98MwYQ7k4DnPae/lKZBQqQ9bSUOpzXMSF/4H+xlCavLgpGEjESaoPhV8dWKx3/kGpTYoRo50hy9Gy7AYBjmgIPZFRiNBuiWnDFN2H8cNLtkJ4uS8e+qUgzocN+3FJ23eZu9Dyrxajv4bpGznxY7QMuD4iPB8/uUCiZVIVrTvmQgk/7Oryv0IbJwA2tMMcJlAjY29ytR0Jf+0zBjXNAeZiSq7cEbTjt1PpPFQL1qn+nNXYPYqw==',
      signature: '5e9cddcea7bda2620a3c1daeac8cecdc8c53b892',
      timestamp: '1409659813',
      nonce: '1372623149',
    };
    const xml = buildEncryptedReplyXml(reply);
    expect(xml).toBe(
      `<xml><Encrypt><![CDATA[${reply.encrypt}]]></Encrypt><MsgSignature><![CDATA[5e9cddcea7bda2620a3c1daeac8cecdc8c53b892]]></MsgSignature><TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[1372623149]]></Nonce></xml>`,
    );
    expect(readEncryptedEnvelope(xml)).toBe(reply.encrypt);
    expect(refusal(() => buildEncryptedReplyXml({ ...reply, nonce: 'a]]><Evil/>' })).reason).toBe('bad_reply');
    expect(refusal(() => buildEncryptedReplyXml({ ...reply, timestamp: '1409659813<' })).reason).toBe('bad_reply');
  });
});

describe('self-built app messages', () => {
  it('parses the official A2 plaintext and keeps all 19 digits of its MsgId', () => {
    expect(openEnvelope(SET_A, A2, null)).toBe(fixture('app-text.xml'));
    const message = parseAppMessage(fixture('app-text.xml'));
    expect(message).toEqual({ kind: 'text', msgId: '4561255354251345929', fromUser: 'mycreate', createTime: 1409659813, agentId: '218', content: 'hello' });
    expect(appDedupeKey(message)).toBe('4561255354251345929');
  });

  it('parses an image, a location and a voice message', () => {
    expect(parseAppMessage(fixture('app-image.xml'))).toEqual({
      kind: 'image',
      msgId: '7441123908715230721',
      fromUser: 'lixiaohong',
      createTime: 1732435301,
      picUrl: 'https://wework.qpic.cn/wwpic/284519_Vb3kQmT8RkGx2aL_1732435301/0',
      mediaId: '3Xa9pQvLm2cWnR8tY4uJ7hK1sD6fG0bZ_eNcVxT5wAqoPiUyMlHjKgFdSaEr',
    });
    expect(parseAppMessage(fixture('app-location.xml'))).toEqual({
      kind: 'location',
      msgId: '7441124140643467265',
      fromUser: 'lixiaohong',
      createTime: 1732435355,
      latitude: 31.224361,
      longitude: 121.46917,
      label: '上海市黄浦区南京东路街道贵州路101号',
    });
    const voice = '<xml><ToUserName><![CDATA[ww4f1a8c2e9d3b7a60]]></ToUserName><FromUserName><![CDATA[zhaolei]]></FromUserName><CreateTime>1732435380</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[1dSbxN5v0c3kQ]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>7441124250943467521</MsgId><AgentID>1000002</AgentID></xml>';
    expect(parseAppMessage(voice)).toEqual({ kind: 'voice', msgId: '7441124250943467521', fromUser: 'zhaolei', createTime: 1732435380, mediaId: '1dSbxN5v0c3kQ' });
  });

  it('keeps CDATA text as written, markup and entities included', () => {
    const xml = fixture('app-text.xml').replace('<![CDATA[hello]]>', '<![CDATA[3栋外墙瓷砖掉下来了 <紧急> &amp; 差点砸到人]]>');
    expect(parseAppMessage(xml)).toMatchObject({ kind: 'text', content: '3栋外墙瓷砖掉下来了 <紧急> &amp; 差点砸到人' });
  });

  it('parses a card click with its key, task, response code and drop-down choice', () => {
    const click = parseAppMessage(fixture('app-card-click.xml'));
    expect(click).toEqual({
      kind: 'card_click',
      event: 'template_card_event',
      fromUser: 'zhangwei',
      createTime: 1732435262,
      eventKey: 'resolve',
      taskId: 'card-3f9c2a71_2',
      cardType: 'button_interaction',
      responseCode: 'zJ1VtQ3oRGfkPFb2mNKxYk0rAd7hLWc_ETq9uS8iBPw',
      selectedItems: [{ questionKey: 'note', optionIds: ['done_on_site'] }],
    });
    expect(appDedupeKey(click)).toBe('click:zhangwei:1732435262:card-3f9c2a71_2:resolve');
    const menu = fixture('app-card-click.xml').replace('template_card_event', 'template_card_menu_event').replace(/<SelectedItems>.*<\/SelectedItems>/, '').replace(/<ResponseCode>.*<\/ResponseCode>/, '');
    expect(parseAppMessage(menu)).toMatchObject({ kind: 'card_click', event: 'template_card_menu_event', responseCode: null, selectedItems: [] });
  });

  it('parses other events and other message types, deduped on sender and second', () => {
    const enter = '<xml><ToUserName><![CDATA[ww4f1a8c2e9d3b7a60]]></ToUserName><FromUserName><![CDATA[zhaolei]]></FromUserName><CreateTime>1732435500</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1000002</AgentID></xml>';
    const event = parseAppMessage(enter);
    expect(event).toEqual({ kind: 'event', fromUser: 'zhaolei', createTime: 1732435500, event: 'enter_agent', eventKey: '' });
    expect(appDedupeKey(event)).toBe('event:zhaolei:1732435500');
    const link = fixture('app-text.xml').replace('<![CDATA[text]]>', '<![CDATA[link]]>');
    expect(parseAppMessage(link)).toEqual({ kind: 'other', msgType: 'link', msgId: '4561255354251345929', fromUser: 'mycreate', createTime: 1409659813 });
  });

  it('names the missing field', () => {
    const without = (xml: string, tag: string) => xml.replace(new RegExp(`<${tag}>.*?</${tag}>`), '');
    const cases: [string, string][] = [
      [without(fixture('app-text.xml'), 'FromUserName'), 'FromUserName'],
      [without(fixture('app-text.xml'), 'MsgType'), 'MsgType'],
      [without(fixture('app-text.xml'), 'MsgId'), 'MsgId'],
      [without(fixture('app-card-click.xml'), 'TaskId'), 'TaskId'],
      [without(fixture('app-card-click.xml'), 'EventKey'), 'EventKey'],
    ];
    for (const [xml, field] of cases) expect(refusal(() => parseAppMessage(xml))).toEqual({ reason: 'missing_field', message: expect.stringContaining(`${field} is missing`) });
    expect(refusal(() => parseAppMessage('<xml>hello</xml>')).reason).toBe('not_xml');
    expect(refusal(() => parseAppMessage(fixture('app-text.xml').replace('1409659813', 'yesterday'))).reason).toBe('bad_field');
  });
});

describe('intelligent bot callbacks', () => {
  it('parses a group @-mention with the mention taken out', () => {
    expect(parseBotCallback(fixture('bot-group-text.json'))).toEqual({
      kind: 'message',
      msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=',
      msgType: 'text',
      chatType: 'group',
      chatId: 'wrkSFfCgAAgD9uWn0Hh1kL2mP3qR4sTw',
      userId: 'wangfang',
      responseUrl: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSE_CODE_3kQmT8RkGx2aLVb',
      text: '3栋外墙瓷砖掉下来了，差点砸到人',
      imageUrls: [],
      attachmentUrls: [],
      media: [],
      quoted: null,
    });
  });

  it('names a 1:1 chat by the person and leaves its text alone', () => {
    expect(parseBotCallback(fixture('bot-single-text.json'))).toMatchObject({
      kind: 'message', chatType: 'single', chatId: 'chenjing', userId: 'chenjing', text: '小区东门消防通道又被电动车堵住了，麻烦尽快处理',
    });
    const atSomeone = botJson('bot-single-text.json', (body) => (body.text.content = '@物业 小区东门消防通道又被堵了'));
    expect(parseBotCallback(atSomeone)).toMatchObject({ text: '@物业 小区东门消防通道又被堵了' });
  });

  it('joins the text of a mixed message and collects its images', () => {
    expect(parseBotCallback(fixture('bot-mixed.json'))).toMatchObject({
      kind: 'message',
      msgType: 'mixed',
      text: '5号楼楼道里有人飞线充电，照片如下\n就在2单元门口',
      imageUrls: ['https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/7441125567123456789?sign=q-sign-algorithm%3Dsha1'],
    });
  });

  it('takes a voice message as the text WeCom transcribed', () => {
    expect(parseBotCallback(fixture('bot-voice.json'))).toMatchObject({ kind: 'message', msgType: 'voice', chatId: 'zhaolei', text: '楼上装修从早上七点就开始打电钻，吵得老人没法休息' });
  });

  it('keeps the text of a quoted message', () => {
    expect(parseBotCallback(fixture('bot-quote.json'))).toMatchObject({
      kind: 'message', text: '这个问题到现在还没人来处理', quoted: '3栋外墙瓷砖掉下来了，差点砸到人',
    });
  });

  it('puts images in imageUrls and files and videos in attachmentUrls', () => {
    const image = botJson('bot-single-text.json', (body) => ((body.msgtype = 'image'), delete body.text, (body.image = { url: 'https://example.invalid/i' })));
    expect(parseBotCallback(image)).toMatchObject({ text: '', imageUrls: ['https://example.invalid/i'], attachmentUrls: [] });
    const file = botJson('bot-single-text.json', (body) => ((body.msgtype = 'file'), delete body.text, (body.file = { url: 'https://example.invalid/f' })));
    expect(parseBotCallback(file)).toMatchObject({ text: '', imageUrls: [], attachmentUrls: ['https://example.invalid/f'] });
  });

  it('keeps the AES key each file carries over the long connection, and none over the webhook', () => {
    const ws = botJson('bot-single-text.json', (body) => ((body.msgtype = 'image'), delete body.text, (body.image = { url: 'https://example.invalid/i', aeskey: 'k'.repeat(43) })));
    expect(parseBotCallback(ws)).toMatchObject({ media: [{ kind: 'image', url: 'https://example.invalid/i', aesKey: 'k'.repeat(43) }] });
    const webhook = botJson('bot-single-text.json', (body) => ((body.msgtype = 'video'), delete body.text, (body.video = { url: 'https://example.invalid/v' })));
    expect(parseBotCallback(webhook)).toMatchObject({ media: [{ kind: 'video', url: 'https://example.invalid/v', aesKey: null }] });
  });

  it('parses a stream poll and the first visit of the day', () => {
    expect(parseBotCallback(fixture('bot-stream-refresh.json'))).toEqual({
      kind: 'stream_refresh', msgId: 'CAIQ8OHMjQYY/NGagIOAgAMgjL6R0AI=', streamId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', chatId: 'wrkSFfCgAAgD9uWn0Hh1kL2mP3qR4sTw', userId: 'wangfang',
    });
    expect(parseBotCallback(fixture('bot-enter-chat.json'))).toEqual({ kind: 'enter_chat', msgId: 'CAIQ1PjMjQYY/NGagIOAgAMg4N2S0AI=', userId: 'zhaolei', chatId: 'zhaolei' });
  });

  it('reads a card click nested under template_card_event and flat on event', () => {
    expect(parseBotCallback(fixture('bot-card-click-nested.json'))).toEqual({
      kind: 'card_click',
      msgId: 'CAIQ6I7NjQYY/NGagIOAgAMgsP+T0AI=',
      userId: 'zhangwei',
      chatId: 'wrkSFfCgAAhK7vXn2Jj3mN4oQ5rS6tUy',
      chatType: 'group',
      eventKey: 'resolve',
      taskId: 'card-3f9c2a71_1',
      cardType: 'button_interaction',
      selectedItems: [{ questionKey: 'note', optionIds: ['done_on_site'] }],
      responseUrl: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSE_CODE_TQ5wAqoPiUyMlHj',
    });
    expect(parseBotCallback(fixture('bot-card-click-flat.json'))).toEqual({
      kind: 'card_click',
      msgId: 'CAIQ2KHNjQYY/NGagIOAgAMg1JCU0AI=',
      userId: 'zhangwei',
      chatId: 'zhangwei',
      chatType: 'single',
      eventKey: 'accept',
      taskId: 'card-8b1e44d0_1',
      cardType: 'button_interaction',
      selectedItems: [],
      responseUrl: null,
    });
  });

  it('passes other events and message types through by name', () => {
    const feedback = botJson('bot-enter-chat.json', (body) => (body.event = { eventtype: 'feedback_event', feedback_event: { id: 'f1', type: 1 } }));
    expect(parseBotCallback(feedback)).toEqual({ kind: 'event', msgId: 'CAIQ1PjMjQYY/NGagIOAgAMg4N2S0AI=', eventType: 'feedback_event', userId: 'zhaolei', chatId: 'zhaolei' });
    expect(parseBotCallback('{"msgid":"m1","msgtype":"location","location":{}}')).toEqual({ kind: 'other', msgType: 'location', msgId: 'm1' });
  });

  it("refuses Set C's deliberately broken JSON", () => {
    const broken = openEnvelope(SET_C, C2, null);
    expect(Buffer.byteLength(broken)).toBe(176);
    expect(refusal(() => parseBotCallback(broken)).reason).toBe('not_json');
    expect(refusal(() => parseBotCallback('null')).reason).toBe('bad_field');
  });

  it('names the missing field', () => {
    const missing = (name: string, change: (body: Record<string, any>) => void) => refusal(() => parseBotCallback(botJson(name, change)));
    expect(missing('bot-group-text.json', (body) => delete body.msgid)).toEqual({ reason: 'missing_field', message: expect.stringContaining('msgid is missing') });
    expect(missing('bot-group-text.json', (body) => delete body.from.userid)).toEqual({ reason: 'missing_field', message: expect.stringContaining('from.userid is missing') });
    expect(missing('bot-group-text.json', (body) => delete body.chatid)).toEqual({ reason: 'missing_field', message: expect.stringContaining('chatid is missing') });
    expect(missing('bot-group-text.json', (body) => delete body.text)).toEqual({ reason: 'missing_field', message: expect.stringContaining('text.content is missing') });
    expect(missing('bot-stream-refresh.json', (body) => delete body.stream.id)).toEqual({ reason: 'missing_field', message: expect.stringContaining('stream.id is missing') });
    expect(missing('bot-card-click-nested.json', (body) => delete body.event.template_card_event.task_id)).toEqual({
      reason: 'missing_field', message: expect.stringContaining('event.template_card_event.task_id is missing'),
    });
    expect(missing('bot-card-click-flat.json', (body) => delete body.event.event_key)).toEqual({ reason: 'missing_field', message: expect.stringContaining('event.event_key is missing') });
    expect(missing('bot-group-text.json', (body) => (body.chattype = 'channel')).reason).toBe('bad_field');
  });
});

describe('mention of the bot', () => {
  it('strips the leading mention followed by a space, U+2005 or U+3000', () => {
    expect(stripBotMention('@网格助手 3栋外墙瓷砖掉下来了，差点砸到人')).toBe('3栋外墙瓷砖掉下来了，差点砸到人');
    expect(stripBotMention('@网格助手\u20053栋外墙瓷砖掉下来了')).toBe('3栋外墙瓷砖掉下来了');
    expect(stripBotMention('@网格助手\u30003栋外墙瓷砖掉下来了')).toBe('3栋外墙瓷砖掉下来了');
  });

  it('leaves a mention with no space after it whole: nothing says where an unknown name ends', () => {
    expect(stripBotMention('@网格助手3栋外墙瓷砖掉下来了，差点砸到人')).toBe('@网格助手3栋外墙瓷砖掉下来了，差点砸到人');
    expect(stripBotMention('@网格助手')).toBe('@网格助手');
    expect(stripBotMention('@网格助手', '网格助手')).toBe('');
  });

  it("keeps someone else's mention in the middle of the text", () => {
    expect(stripBotMention('@网格助手\u20053栋外墙瓷砖掉了，@王师傅\u2005麻烦看一下')).toBe('3栋外墙瓷砖掉了，@王师傅 麻烦看一下');
    expect(stripBotMention('邮箱 a@b.cn 收到了吗')).toBe('邮箱 a@b.cn 收到了吗');
  });

  it("with the bot's name, removes its mentions anywhere and nobody else's", () => {
    expect(stripBotMention('@王师傅\u2005@网格助手\u20053栋外墙瓷砖掉了', '网格助手')).toBe('@王师傅 3栋外墙瓷砖掉了');
    expect(stripBotMention('3栋外墙瓷砖掉了 @网格助手 快来看看', '网格助手')).toBe('3栋外墙瓷砖掉了 快来看看');
    expect(stripBotMention('@网格助手2号 在吗', '网格助手')).toBe('@网格助手2号 在吗');
    const json = botJson('bot-group-text.json', (body) => (body.text.content = '@王师傅\u2005@网格助手\u2005外墙瓷砖掉了'));
    expect(parseBotCallback(json, { botName: '网格助手' })).toMatchObject({ text: '@王师傅 外墙瓷砖掉了' });
  });
});

describe('bot reply builders (§4.3)', () => {
  const card = { card_type: 'button_interaction', main_title: { title: '外墙脱落' }, task_id: 'card-3f9c2a71_1', button_list: [] };

  it('builds the stream, card, card update and text shapes', () => {
    expect(botStreamReply('CAIQ16HMjQYY', '收到，正在登记…', false)).toEqual({ msgtype: 'stream', stream: { id: 'CAIQ16HMjQYY', finish: false, content: '收到，正在登记…' } });
    expect(botTemplateCardReply(card)).toEqual({ msgtype: 'template_card', template_card: card });
    expect(botUpdateCardReply(card)).toEqual({ response_type: 'update_template_card', template_card: card });
    expect(botUpdateCardReply(card, ['zhangwei'])).toEqual({ response_type: 'update_template_card', template_card: card, userids: ['zhangwei'] });
    expect(botTextReply('您好，我是街道网格助手。')).toEqual({ msgtype: 'text', text: { content: '您好，我是街道网格助手。' } });
  });

  it("cuts a stream's content to WeCom's byte limit on a character boundary", () => {
    const content = botStreamReply('s', '瓷'.repeat(10_000), true).stream.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(STREAM_MAX_BYTES);
    expect(content.endsWith('瓷…')).toBe(true);
  });
});
