// WeCom's official callback vectors (docs/platforms.md §1.5) through the adapter's own verification and
// decryption, and the envelopes it must refuse: a forged signature, a wrong receive id, a bad pad, a replay.
import { createCipheriv } from 'node:crypto';
import { getSignature } from '@wecom/crypto';
import { EnvelopeRefused, openEnvelope, sealReply, type CallbackCredentials } from '../../bot/wecom/callbackCrypto';

const SET_A: CallbackCredentials = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wx5823bf96d3bd56c7' };
const A1 = { signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780', encrypt: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==' };
const A2 = {
  signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149',
  encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};
const B = {
  signature: '0623cbc5a8cbee5bcc137c70de99575366fc2af3', timestamp: '1409659813', nonce: '1372623149',
  encrypt: 'CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=',
};
const SET_C: CallbackCredentials = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', receiveId: 'ww1436e0e65a779aee' };
const C1 = { signature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb', timestamp: '1476416373', nonce: '47744683', encrypt: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==' };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvelopeRefused) return error.fault;
    throw error;
  }
  throw new Error('accepted an envelope it should refuse');
};

describe('WeCom callback crypto against the official vectors', () => {
  it('verifies and decrypts URL verification A1 and C1', () => {
    expect(openEnvelope(SET_A, A1, null)).toBe('1616140317555161061');
    expect(openEnvelope(SET_C, C1, null)).toBe('1288432023552776189');
  });

  it('opens the XML message A2 and the JSON message B', () => {
    const xml = openEnvelope(SET_A, A2, null);
    expect(Buffer.byteLength(xml)).toBe(284);
    expect(xml).toContain('<Content><![CDATA[hello]]></Content>');
    expect(JSON.parse(openEnvelope(SET_A, B, null))).toMatchObject({ FromUserName: 'mycreate', Content: 'hello', MsgType: 'text' });
  });

  it('seals a passive reply as the derived vector says', () => {
    const reply = '<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId><AgentID>128</AgentID></xml>';
    const sealed = sealReply(SET_A, reply, '1409659813', '1372623149', Buffer.from('aaaaaaaaaaaaaaaa'));
    expect(sealed.signature).toBe('5e9cddcea7bda2620a3c1daeac8cecdc8c53b892');
    expect(openEnvelope(SET_A, { ...sealed, timestamp: '1409659813', nonce: '1372623149' }, null)).toBe(reply);
  });

  it('refuses a forged signature, a wrong receive id, a replayed timestamp and a malformed pad', () => {
    expect(refusal(() => openEnvelope(SET_A, { ...A2, signature: '0'.repeat(40) }, null))).toBe('bad_signature');
    expect(refusal(() => openEnvelope(SET_A, { ...A2, signature: 'short' }, null))).toBe('bad_signature');
    expect(refusal(() => openEnvelope({ ...SET_A, receiveId: '' }, A2, null))).toBe('wrong_receive_id');
    expect(refusal(() => openEnvelope(SET_A, A2, new Date()))).toBe('stale_timestamp');
    expect(openEnvelope(SET_A, A2, new Date(1409659813 * 1000 + 60_000))).toContain('hello');

    // A ciphertext whose last byte claims a 33-byte pad, signed correctly: the library would keep it.
    const key = Buffer.from(SET_A.encodingAesKey + '=', 'base64');
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const body = Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.from([0, 0, 0, 2]), Buffer.from('hiwx5823bf96d3bd56c7')]);
    const padded = Buffer.concat([body, Buffer.alloc(64 - body.length, 33)]);
    const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
    const signedAs = (ciphertext: string) => ({ timestamp: '1409659813', nonce: '1', encrypt: ciphertext, signature: getSignature(SET_A.token, '1409659813', '1', ciphertext) });
    expect(refusal(() => openEnvelope(SET_A, signedAs(encrypted), null))).toBe('bad_ciphertext');
    expect(refusal(() => openEnvelope(SET_A, signedAs('bm90IGEgYmxvY2s='), null))).toBe('bad_ciphertext');
  });
});
