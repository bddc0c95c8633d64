// Device alarms (智能预警) over real HTTP: a signed alarm opens a dispatched incident like a report (a red
// card before the command centre too), a repeat from the same device joins it, anything unsigned or signed
// by no known source is refused with 401 and leaves nothing behind, and the dashboard sees each source's last contact.
import { signAlarm } from '../../handlers/alarms/alarmSignature';
import { startTestBot, type TestBot } from '../support/testRuntime';

const TOKEN = 'a-long-enough-admin-token-123';
const GAS_SECRET = 'gasnet-secret-0123456789';
const CARE_SECRET = 'carewatch-secret-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };

interface Group { id: string; kind: string; post: string | null }
interface Card { incidentId: string; colour: string }
interface Message { from: string; text: string; card: Card | null }

let bot: TestBot;
let groups: Group[];
beforeAll(async () => {
  bot = await startTestBot({ ADMIN_TOKEN: TOKEN, HOST: '127.0.0.1', ALARM_SECRETS: `gasnet:${GAS_SECRET},carewatch:${CARE_SECRET},idle:idle-secret-0123456789` });
  groups = (await bot.call('GET', '/sandbox/groups', undefined, admin)).body.groups;
});
afterAll(() => bot?.stop());

let seq = 0;
function alarm(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return { source: 'gasnet', deviceId: 'GS-0012', kind: 'gas_high', value: 2.3, threshold: 1.0, place: '桂香苑3栋旁化粪池', at: new Date(Date.UTC(2026, 11, 3, 6, 0, seq)).toISOString(), ...overrides };
}
/** Posted as a device does: no admin token, the raw body signed with the source's secret. */
async function post(body: unknown, secret = GAS_SECRET, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await bot.call('POST', '/api/alarms', raw, { 'x-signature': signAlarm(raw, secret), ...headers });
  await bot.settle();
  return response;
}
const incidents = async () => (await bot.call('GET', '/api/incidents?limit=100', undefined, admin)).body.items as { id: string; number: string; text: string }[];
const messages = async () => (await bot.call('GET', '/api/messages?limit=200', undefined, admin)).body;
const conversation = async (g: Group): Promise<Message[]> => (await bot.call('GET', `/sandbox/groups/${g.id}/messages?limit=500`, undefined, admin)).body.messages;
const cardIn = async (g: Group, incidentId: string) => (await conversation(g)).find((m) => m.card?.incidentId === incidentId)?.card;

it('opens a critical incident from a signed gas alarm, with no admin token, and puts its red card before the command centre', async () => {
  const response = await post(alarm());
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ outcome: 'opened', number: expect.any(String) });

  const incident = (await bot.call('GET', `/api/incidents/${response.body.incidentId}`, undefined, admin)).body;
  expect(incident).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical', leadPost: 'EMERGENCY', status: 'dispatched', classifiedBy: 'alarm:gas_high' });
  expect(incident.text).toBe('燃气浓度 2.3%LEL 超过阈值 1（桂香苑3栋旁化粪池）');
  const command = groups.find((g) => g.kind === 'command')!;
  expect(await cardIn(command, incident.id)).toMatchObject({ colour: 'red' });
  // No resident to answer: no receipt is written.
  const timeline = (incident.timeline as { type: string }[]).map((entry) => entry.type);
  expect(timeline).toEqual(expect.arrayContaining(['reported', 'classified', 'dispatched']));
  expect(timeline).not.toContain('receipt_sent');
});

it('joins a repeat from the same device to its open incident instead of opening another', async () => {
  const before = await incidents();
  const first = before.find((i) => i.text.startsWith('燃气浓度 2.3'))!;
  const repeat = await post(alarm({ value: 3.1 }));
  expect(repeat.status).toBe(200);
  expect(repeat.body).toMatchObject({ outcome: 'joined', incidentId: first.id, number: first.number });
  expect((await incidents()).length).toBe(before.length);
  const timeline = (await bot.call('GET', `/api/incidents/${first.id}`, undefined, admin)).body.timeline as { type: string; note: string | null }[];
  expect(timeline.filter((entry) => entry.type === 'repeat_report')).toHaveLength(1);

  // The very same alarm delivered again is stored once.
  const again = alarm({ value: 3.5 });
  expect((await post(again)).body.outcome).toBe('joined');
  expect((await post(again)).body).toMatchObject({ outcome: 'duplicate', incidentId: first.id });

  // A second sensor at the same place: the same problem, joined without a word to the source.
  expect((await post(alarm({ deviceId: 'GS-0013', value: 2.8 }))).body).toMatchObject({ outcome: 'joined', incidentId: first.id });
  const after = (await bot.call('GET', `/api/incidents/${first.id}`, undefined, admin)).body.timeline as { type: string; actor: string }[];
  expect(after.filter((entry) => entry.type === 'joined_report').map((entry) => entry.actor)).toEqual(['GS-0013']);
});

it('sends a wristband alarm to the elderly-care post with HEALTH and GRID assisting, red', async () => {
  const response = await post(alarm({ source: 'carewatch', deviceId: 'WB-7', kind: 'heart_rate_low', value: 38, threshold: 50, place: '桂香苑5栋2单元' }), CARE_SECRET);
  expect(response.status).toBe(201);
  const incident = (await bot.call('GET', `/api/incidents/${response.body.incidentId}`, undefined, admin)).body;
  expect(incident).toMatchObject({ category: 'elderly_care', urgency: 'critical', text: '心率 38次/分 低于阈值 50（桂香苑5栋2单元）' });
  const posts = (incident.assignments as { post: string; role: string }[]).map((a) => `${a.role} ${a.post}`).sort();
  expect(posts).toEqual(['assist GRID', 'assist HEALTH', 'lead SOCIAL_SERVICE']);
  const command = groups.find((g) => g.kind === 'command')!;
  expect(await cardIn(command, incident.id)).toMatchObject({ colour: 'red' });
});

it('refuses a forged signature, an unknown source and a missing header with 401, storing nothing', async () => {
  const stored = (await messages()).items.length;
  const opened = (await incidents()).length;
  const body = alarm({ deviceId: 'GS-0099' });
  expect((await post(body, 'forged-secret-0123456789')).status).toBe(401);
  expect((await post(alarm({ source: 'stranger' }), 'stranger-secret-0123456789')).status).toBe(401);
  // Signed by gasnet but claiming to be carewatch.
  expect((await post(alarm({ source: 'carewatch' }), GAS_SECRET)).status).toBe(401);
  const raw = JSON.stringify(body);
  const unsigned = await bot.call('POST', '/api/alarms', raw);
  expect(unsigned.status).toBe(401);
  expect(unsigned.body.error).toMatch(/X-Signature/);
  // The admin token is no way in either.
  expect((await bot.call('POST', '/api/alarms', raw, admin)).status).toBe(401);
  expect((await messages()).items.length).toBe(stored);
  expect((await incidents()).length).toBe(opened);
});

it('answers 400 to a well-signed alarm that is malformed, storing nothing', async () => {
  const stored = (await messages()).items.length;
  expect((await post('{"source":"gasnet",')).status).toBe(400);
  const missing = await post({ source: 'gasnet', deviceId: 'GS-1', kind: 'gas_high', value: 'high', place: '', at: 'yesterday' });
  expect(missing.status).toBe(400);
  expect(missing.body.error).toMatch(/value/);
  expect(missing.body.error).toMatch(/threshold/);
  const unknownKind = await post(alarm({ kind: 'flood' }));
  expect(unknownKind.status).toBe(400);
  expect(unknownKind.body.error).toMatch(/flood is not an alarm kind/);
  expect((await messages()).items.length).toBe(stored);
});

it('shows each source with its last contact, alarms and open incidents, to the admin only', async () => {
  expect((await bot.call('GET', '/api/alarms/sources')).status).toBe(401);
  const sources = (await bot.call('GET', '/api/alarms/sources', undefined, admin)).body as { source: string; lastContactAt: string | null; alarms: number; openIncidents: number }[];
  expect(sources.map((s) => s.source)).toEqual(['carewatch', 'gasnet', 'idle']);
  const gasnet = sources.find((s) => s.source === 'gasnet')!;
  expect(gasnet).toMatchObject({ alarms: 4, openIncidents: 1 });
  expect(Date.now() - Date.parse(gasnet.lastContactAt!)).toBeLessThan(60_000);
  expect(sources.find((s) => s.source === 'carewatch')).toMatchObject({ alarms: 1, openIncidents: 1 });
  expect(sources.find((s) => s.source === 'idle')).toEqual({ source: 'idle', lastContactAt: null, alarms: 0, openIncidents: 0 });
});

it('writes nothing to a device source: every message the alarms caused was delivered (cards to posts)', async () => {
  const outbox = (await bot.call('GET', '/api/outbox?limit=500', undefined, admin)).body.items as { status: string }[];
  expect(outbox.length).toBeGreaterThan(0);
  expect(outbox.filter((row) => row.status !== 'sent')).toEqual([]);
});
