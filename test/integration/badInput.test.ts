// Bodies and queries a hostile or broken client sends: each is a 4xx with a message, never a 500, and
// text that reaches the database is exactly what is read back.
import Database from 'better-sqlite3';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawRequest } from '../support/rawRequest';
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
let group: { id: string; members: { userId: string; posts: string[] }[] };
beforeAll(async () => {
  bot = await startTestBot();
  group = (await bot.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
});
afterAll(() => bot?.stop());

async function post(path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const { status, text } = await rawRequest(bot.runtime.url, { method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers } });
  return { status, body: text ? JSON.parse(text) : undefined };
}

describe('a body that is not what its Content-Encoding says', () => {
  const json = () => Buffer.from(JSON.stringify({ from: group.members[0].userId, text: '楼道灯坏了' }));

  it.each(['gzip', 'deflate', 'br'])('with %s is refused with 400 and a message', async (encoding) => {
    const res = await post(`/sandbox/groups/${group.id}/messages`, json(), { 'content-encoding': encoding });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(`Content-Encoding ${encoding}`);
  });

  it('with an unknown encoding is refused with 415', async () => {
    const res = await post(`/sandbox/groups/${group.id}/messages`, json(), { 'content-encoding': 'compress' });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/Unsupported Content-Encoding/);
  });

  it('really compressed is accepted', async () => {
    const res = await post(`/sandbox/groups/${group.id}/messages`, gzipSync(json()), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(202);
  });
});

it('stores lone UTF-16 surrogates as U+FFFD, and reads back exactly what it stored', async () => {
  const resident = group.members.find((m) => m.posts.length === 0)!;
  const raw = `{"from":"${resident.userId}","text":"井盖丢了\\ud800在3栋\\udc00门口 😀"}`;
  const res = await post(`/sandbox/groups/${group.id}/messages`, Buffer.from(raw), {});
  expect(res.status).toBe(202);
  await bot.settle();
  const messages = (await bot.call('GET', `/api/messages?groupId=${group.id}`)).body.items;
  const stored = messages.find((m: { id: string }) => m.id === res.body.messageId);
  expect(stored.text).toBe('井盖丢了\uFFFD在3栋\uFFFD门口 😀');
  // In the file: valid UTF-8 (EF BF BD), not the encoded surrogates (ED A0 80 …) better-sqlite3 would write.
  const check = new Database(path.join(bot.runtime.config.dataDir, 'grid-bot.sqlite'), { readonly: true });
  const { hex } = check.prepare('SELECT hex(text) AS hex FROM inbound_messages WHERE id = ?').get(res.body.messageId) as { hex: string };
  check.close();
  expect(hex).toContain('EFBFBD');
  expect(hex).not.toMatch(/^(?:[0-9A-F]{2})*?ED[AB][0-9A-F]/);
});

describe('whole numbers in query strings', () => {
  it('take an empty value as not given, so the default applies', async () => {
    const res = await bot.call('GET', '/api/incidents?limit=&offset=');
    expect(res.status).toBe(200);
  });

  it.each(['0x10', '1e2', '12abc', '-1', '1.5', '0'])('refuse limit=%s with 400 naming the field', async (value) => {
    const res = await bot.call('GET', `/api/incidents?limit=${encodeURIComponent(value)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('limit');
  });
});
