// The DingTalk robot's inbound side below the network: the HTTP callback signature (platforms.md §7), a
// robot message as an inbound event, and a card click's action.
import { createHmac } from 'node:crypto';
import { robotSign, signatureProblem } from '../../bot/dingtalk/callbackSign';
import { parseCardCallback } from '../../bot/dingtalk/cardClicks';
import { parseRobotMessage } from '../../bot/dingtalk/receive';
import { readReplyRef, robotMessageEvent } from '../../bot/dingtalk/robotMessage';

describe('the robot callback signature', () => {
  it('does the HMAC-SHA256 and base64 as DingTalk\'s own FAQ vector (the timestamp-only login-free sign)', () => {
    // platforms.md §7, official: this signs the timestamp alone; it proves the plumbing robotSign shares.
    expect(createHmac('sha256', 'testappSecret').update('1546084445901').digest('base64')).toBe('HCbG3xNE3vzhO+u7qCUL1jS5hsu2n5r2cFhnTrtyDAE=');
  });

  it('signs timestamp + "\\n" + appSecret (the self-computed robot vectors of platforms.md §7)', () => {
    expect(robotSign('1577262236757', 'this is secret')).toBe('hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=');
    expect(robotSign('1546084445901', 'testappSecret')).toBe('fYP0TV8RJULxGabs59wSO94FZbNekbH7ebQJu2oy+/0=');
  });

  it('refuses a forged sign, a stale or future timestamp and missing headers; takes a good one', () => {
    const at = new Date(1546084445901 + 10 * 60_000);
    const good = { timestamp: '1546084445901', sign: 'fYP0TV8RJULxGabs59wSO94FZbNekbH7ebQJu2oy+/0=' };
    expect(signatureProblem(good, 'testappSecret', at)).toBeNull();
    expect(signatureProblem({ ...good, sign: 'fYP0TV8RJULxGabs59wSO94FZbNekbH7ebQJu2oy+/1=' }, 'testappSecret', at)).toMatch(/does not match/);
    expect(signatureProblem({ ...good, sign: 'short' }, 'testappSecret', at)).toMatch(/does not match/);
    expect(signatureProblem(good, 'another secret', at)).toMatch(/does not match/);
    expect(signatureProblem(good, 'testappSecret', new Date(1546084445901 + 61 * 60_000))).toMatch(/an hour/);
    expect(signatureProblem(good, 'testappSecret', new Date(1546084445901 - 61 * 60_000))).toMatch(/an hour/);
    expect(signatureProblem({ sign: good.sign }, 'testappSecret', at)).toMatch(/missing/);
    expect(signatureProblem({ ...good, timestamp: '2019-01-01' }, 'testappSecret', at)).toMatch(/milliseconds/);
  });
});

describe('a robot message', () => {
  const group = {
    msgId: 'msgABC123', msgtype: 'text', createAt: 1764720000000, conversationType: '2', conversationId: 'cidGroup42==',
    conversationTitle: '桂香苑3栋居民群', senderStaffId: 'manager4220', senderNick: '王秀英', senderId: '$:LWCP_v1:$abc',
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=xyz', sessionWebhookExpiredTime: 1764725400060,
    robotCode: 'dingrobot', text: { content: ' 8栋电梯关人了，快来' },
  };

  it('becomes an event of its group, from the sender\'s staff id, without the @-mention, answerable through its sessionWebhook', () => {
    const event = robotMessageEvent(parseRobotMessage(group));
    expect(event).toMatchObject({ platform: 'dingtalk', platformMessageId: 'msgABC123', chatId: 'cidGroup42==', chatName: '桂香苑3栋居民群', sender: { userId: 'manager4220', name: '王秀英' }, text: '8栋电梯关人了，快来' });
    expect(readReplyRef(event.replyRef)).toEqual({ webhook: group.sessionWebhook, until: 1764725400060 });
  });

  it('is a 1:1 chat of the sender when conversationType is 1', () => {
    expect(robotMessageEvent(parseRobotMessage({ ...group, conversationType: '1', conversationTitle: undefined })).chatId).toBe('single:manager4220');
  });

  it('keeps a rich text\'s words and names its pictures by their download codes', () => {
    const rich = { ...group, msgtype: 'richText', text: undefined, content: { richText: [{ text: '【随手拍】井盖没了' }, { type: 'picture', downloadCode: 'dlc-1' }, { text: ' 就在南门' }] } };
    const event = robotMessageEvent(parseRobotMessage(rich));
    expect(event.text).toBe('【随手拍】井盖没了 就在南门');
    expect(event.attachments).toEqual([{ kind: 'image', ref: 'dlc-1' }]);
    const picture = robotMessageEvent(parseRobotMessage({ ...group, msgtype: 'picture', text: undefined, content: { downloadCode: 'dlc-2' } }));
    expect(picture).toMatchObject({ text: '（图片）', attachments: [{ kind: 'image', ref: 'dlc-2' }] });
  });

  it('is refused with what is wrong when it is no robot message', () => {
    expect(() => parseRobotMessage({ msgtype: 'text' })).toThrow(/msgId/);
    expect(() => parseRobotMessage({ ...group, conversationType: '3' })).toThrow(/conversationType/);
  });
});

describe('a card click', () => {
  it('names the card, the clicker and the button, with the note typed into the card', () => {
    const content = JSON.stringify({ cardPrivateData: { actionIds: ['resolve'], params: { note: '已更换井盖' } } });
    expect(parseCardCallback({ type: 'actionCallback', outTrackId: 'card-1', userId: 'manager4220', content })).toEqual({ outTrackId: 'card-1', userId: 'manager4220', actionId: 'resolve', params: { note: '已更换井盖' } });
  });

  it('is refused without an action or with content that is not JSON', () => {
    expect(() => parseCardCallback({ outTrackId: 'c', userId: 'u', content: '{"cardPrivateData":{}}' })).toThrow(/no action/);
    expect(() => parseCardCallback({ outTrackId: 'c', userId: 'u', content: 'nope' })).toThrow(/not JSON/);
    expect(() => parseCardCallback({ userId: 'u' })).toThrow(/outTrackId/);
  });
});
