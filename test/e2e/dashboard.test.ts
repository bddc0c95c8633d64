// The command centre dashboard (一屏统揽) in a real browser at wall-screen and phone sizes: cases reported in
// the sandbox appear on the board, filters narrow it, deadlines tick, a new report arrives by polling without a
// reload, the map draws the six grids from the GeoJSON, the charts render, and no internal code is visible.
// An alarm source (ALARM_SECRETS) that has sent a signed alarm shows with its last contact, and the five-star
// formula shows its parts and weights beside the posts and grids. With ADMIN_TOKEN set, the page asks for the token and keeps it in sessionStorage, never in the URL.
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signAlarm } from '../../handlers/alarms/alarmSignature';
import { CHROMIUM_PATH, chromiumAvailability, describeIfAvailable } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'dashboard-screenshots');
const POLL_MS = 1500;
const INTERNAL_CODES = [/\b[A-Z_]{3,}\b/, /\b[a-z]+\.[a-z]+\b/];
const ALARM_SOURCE = 'gas-platform';
const ALARM_SECRET = '0123456789abcdef0123';
/** The five-star formula's parts as the page names them, in the seed's weights. */
const RATING_WEIGHTS = JSON.parse(readFileSync(path.join(__dirname, '../../seeds/rating-weights.json'), 'utf8')).weights as Record<string, number>;
const PART_NAMES: Record<string, string> = { onTimeAccept: '准时接单', onTimeResolve: '准时办结', reopen: '未重开', satisfaction: '居民满意', dailyTasks: '日常任务' };

interface SandboxGroup { id: string; name: string; kind: string; members: { userId: string; name: string; posts: string[] }[] }

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A resident of the first resident group reports `text` through the sandbox. */
async function report(bot: TestBot, text: string, headers: Record<string, string> = {}, nth = 0) {
  const groups = (await bot.call<{ groups: SandboxGroup[] }>('GET', '/sandbox/groups', undefined, headers)).body.groups;
  const residents = groups.filter((g) => g.kind === 'resident');
  const group = residents[nth % residents.length];
  const resident = group.members.filter((m) => m.posts.length === 0)[nth % 3];
  const res = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident.userId, text }, headers);
  expect(res.status).toBe(202);
  await bot.settle();
}

/** A gas alarm posted as a device does: no admin token, the raw body signed with the source's secret. */
async function sendAlarm(bot: TestBot) {
  const raw = JSON.stringify({ source: ALARM_SOURCE, deviceId: 'GS-0012', kind: 'gas_high', value: 2.3, threshold: 1.0, place: '桂香苑3栋旁化粪池', at: new Date().toISOString() });
  const res = await bot.call('POST', '/api/alarms', raw, { 'content-type': 'application/json', 'x-signature': signAlarm(raw, ALARM_SECRET) });
  expect(res.status).toBe(201);
  await bot.settle();
}

async function visibleText(page: Page, selector = 'body'): Promise<string> {
  return page.locator(selector).innerText();
}

/** Retries `check` on `read()` until it passes or `timeoutMs` is over (jest has no expect.poll). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function expectNoInternalCodes(text: string) {
  for (const pattern of INTERNAL_CODES) expect(text.match(pattern)?.[0] ?? null).toBeNull();
}

describeIfAvailable(chromiumAvailability(), 'the dashboard in Chromium', () => {
  let bot: TestBot;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    bot = await startTestBot({ ALARM_SECRETS: `${ALARM_SOURCE}:${ALARM_SECRET}` });
    await report(bot, '3栋楼道有人飞线充电，电线从四楼窗户吊下来给电瓶车充电，晚上还冒火花', {}, 0);
    await report(bot, '2栋门口的路灯坏了，晚上黑漆漆的', {}, 1);
    await report(bot, '8栋垃圾房门口堆满了装修垃圾，臭得不行', {}, 2);
    await sendAlarm(bot); // a fourth case, opened by the device
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('at 1920×1080: lists, filters, ticks, updates by polling, draws the map and charts, and shows no codes', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.setDefaultTimeout(8_000);
    await page.goto(`${bot.runtime.url}/dashboard?poll=${POLL_MS}`);
    const rows = page.locator('.case-row');
    await eventually(() => rows.count(), (v) => expect(v).toBe(4));
    expect(await page.locator('#login').isHidden()).toBe(true);

    // A filter narrows the board: the lead post of the first case.
    const fireCase = rows.filter({ hasText: '消防' }).first();
    const post = (await fireCase.locator('.post').textContent())!;
    await page.locator('#f-post').selectOption({ label: post });
    await eventually(() => rows.count(), (v) => expect(v).toBeLessThan(4));
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator('.post').allTextContents()) expect(text).toBe(post);
    await page.locator('#f-post').selectOption({ label: '全部岗位' });
    await eventually(() => rows.count(), (v) => expect(v).toBe(4));

    // The API filters the board uses: by lead post and by grid; an unknown post is refused.
    const all = (await bot.call('GET', '/api/incidents?limit=500')).body.items as { grid: string | null; leadPost: string }[];
    const grid = all.find((i) => i.grid)!.grid!;
    const inGrid = (await bot.call('GET', `/api/incidents?grid=${grid}`)).body.items as { grid: string }[];
    expect(inGrid.length).toBe(all.filter((i) => i.grid === grid).length);
    expect(inGrid.every((i) => i.grid === grid)).toBe(true);
    const byPost = (await bot.call('GET', `/api/incidents?post=${all[0].leadPost}`)).body.items as { leadPost: string }[];
    expect(byPost.length).toBeGreaterThan(0);
    expect(byPost.every((i) => i.leadPost === all[0].leadPost)).toBe(true);
    expect((await bot.call('GET', '/api/incidents?post=NO_SUCH_POST')).status).toBe(400);

    // The countdown ticks.
    const first = await rows.first().locator('.time').textContent();
    expect(first).toMatch(/^(接单|办结)(剩|超) /);
    await page.waitForTimeout(2_200);
    expect(await rows.first().locator('.time').textContent()).not.toBe(first);

    // A new report appears within the polling interval, without a reload.
    await page.evaluate(() => ((globalThis as any).notReloaded = true));
    await report(bot, '6栋后面的堡坎裂了一条大缝，下雨还在掉泥巴', {}, 3);
    await eventually(() => rows.count(), (v) => expect(v).toBe(5), POLL_MS + 3_000);
    expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
    await eventually(() => page.locator('.case-row.new-row').count(), (v) => expect(v).toBe(1));

    // The map draws the six grids from the GeoJSON, with no tile server; the charts render.
    await page.locator('#map canvas').first().waitFor();
    await eventually(() => page.locator('#map').getAttribute('data-regions'), (v) => expect(v).toBe('6'));
    const map = await page.evaluate(() => {
      const chart = (globalThis as any).dashboard.charts.map;
      const option = chart.getOption();
      return { regions: option.series[0].data.length, geoRegions: option.geo[0].regions.length, markers: option.series[1].data.length };
    });
    expect(map).toMatchObject({ regions: 6, geoRegions: 6 });
    expect(map.markers).toBeGreaterThan(0);
    for (const id of ['chart-daily', 'chart-posts', 'chart-closure', 'chart-hotspots']) await page.locator(`#${id} canvas`).first().waitFor();
    const daily = await page.evaluate(() => (globalThis as any).dashboard.charts.daily.getOption().series.length);
    expect(daily).toBeGreaterThan(0);
    // The star-rating column shows when GET /api/ratings exists (built separately), and is hidden otherwise.
    const hasRatings = (await bot.call('GET', '/api/ratings')).status === 200;
    expect(await page.locator('#posts-table th.rating').count()).toBe(hasRatings ? 1 : 0);
    // The five-star formula beside the tables: each part's Chinese name and weight; the workers' table.
    expect(await page.locator('#formula').isVisible()).toBe(hasRatings);
    if (hasRatings) {
      const parts = await page.locator('#formula-parts li').allInnerTexts();
      expect(parts.length).toBe(Object.keys(RATING_WEIGHTS).length);
      for (const [part, weight] of Object.entries(RATING_WEIGHTS)) expect(parts).toContain(`${PART_NAMES[part]}${Math.round(weight * 1000) / 10}%`);
      expect(await visibleText(page, '#formula')).toContain('准时接单25%');
      expect(await page.locator('#workers-table').isVisible()).toBe(true);
      expect(await page.locator('#workers-table thead').innerText()).toMatch(/办理人[\s\S]*星级/);
    }

    // The alarm source: heard from just now (not red), one alarm, its case open.
    const source = page.locator('#alarms-table tbody tr', { hasText: ALARM_SOURCE });
    await source.waitFor();
    expect(await page.locator('#alarms-panel').isVisible()).toBe(true);
    expect(await source.locator('.contact').innerText()).toMatch(/^(刚刚|\d+ 分钟前)$/);
    expect(await source.locator('.contact.silent').count()).toBe(0);
    expect(await source.locator('td').allInnerTexts()).toEqual([ALARM_SOURCE, expect.any(String), '1', '1']);
    const sources = (await bot.call('GET', '/api/alarms/sources')).body as { source: string; alarms: number; openIncidents: number }[];
    expect(sources).toEqual([expect.objectContaining({ source: ALARM_SOURCE, alarms: 1, openIncidents: 1 })]);
    // Nothing wider than the screen at the wall size either.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);

    const shot = path.join(SCREENSHOT_DIR, 'dashboard-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
    expectNoInternalCodes(await visibleText(page));

    // Click through to the timeline.
    await rows.filter({ hasText: '消防' }).first().click();
    await page.locator('#detail h3', { hasText: '办理过程' }).waitFor();
    expect(await page.locator('#detail li').count()).toBeGreaterThan(0);
    const detailShot = path.join(SCREENSHOT_DIR, 'dashboard-1920x1080-timeline.png');
    await page.screenshot({ path: detailShot });
    console.log(`screenshot: ${detailShot}`);
    expectNoInternalCodes(await visibleText(page, '#detail'));

    // A source silent for over an hour (or never heard from) turns red: the next poll answers as if so.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000 - 60_000).toISOString();
    await page.route('**/api/alarms/sources', (route) =>
      route.fulfill({ json: [{ source: ALARM_SOURCE, lastContactAt: twoHoursAgo, alarms: 1, openIncidents: 0 }, { source: 'care-watch', lastContactAt: null, alarms: 0, openIncidents: 0 }] }),
    );
    const silent = page.locator('#alarms-table .contact.silent');
    await eventually(() => silent.allInnerTexts(), (v) => expect(v).toEqual(['2 小时前', '从未联系']), POLL_MS + 3_000);
    expect(await page.locator('#alarms-count').innerText()).toBe('2 个平台，2 个失联');
    await page.close();
  });

  it('at 390×844 on a phone: one column, the same cases, no codes', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.setDefaultTimeout(8_000);
    await page.goto(`${bot.runtime.url}/dashboard?poll=${POLL_MS}`);
    await eventually(() => page.locator('.case-row').count(), (v) => expect(v).toBe(5));
    await page.locator('#map canvas').first().waitFor();
    await page.locator('#alarms-table tbody tr', { hasText: ALARM_SOURCE }).waitFor();
    await page.locator('#formula-parts li').first().waitFor();
    await eventually(() => page.locator('#map').getAttribute('data-regions'), (v) => expect(v).toBe('6'));
    // Nothing wider than the screen.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const shot = path.join(SCREENSHOT_DIR, 'dashboard-390x844.png');
    await page.screenshot({ path: shot, fullPage: true });
    const firstScreen = path.join(SCREENSHOT_DIR, 'dashboard-390x844-first-screen.png');
    await page.screenshot({ path: firstScreen });
    await page.locator('#units-panel').scrollIntoViewIfNeeded();
    const units = path.join(SCREENSHOT_DIR, 'dashboard-390x844-posts-and-grids.png');
    await page.screenshot({ path: units });
    await page.locator('#alarms-panel').scrollIntoViewIfNeeded();
    const alarms = path.join(SCREENSHOT_DIR, 'dashboard-390x844-alarms.png');
    await page.screenshot({ path: alarms });
    console.log(`screenshots: ${shot} ${firstScreen} ${units} ${alarms}`);
    expectNoInternalCodes(await visibleText(page));
    await page.close();
  });
});

describeIfAvailable(chromiumAvailability(), 'the dashboard behind ADMIN_TOKEN', () => {
  const TOKEN = 'dashboard-test-token-7f3a';
  const auth = { authorization: `Bearer ${TOKEN}` };
  let bot: TestBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    await report(bot, '3栋楼道有人飞线充电，电线从四楼窗户吊下来给电瓶车充电，晚上还冒火花', auth, 0);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('asks for the token, keeps it in sessionStorage and out of the URL, and refuses a wrong one', async () => {
    expect((await bot.call('GET', '/api/dashboard/labels')).status).toBe(401);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.setDefaultTimeout(8_000);
    await page.goto(`${bot.runtime.url}/dashboard?poll=${POLL_MS}`);
    await page.locator('#login-form').waitFor();
    expect(await page.locator('#main').isHidden()).toBe(true);

    await page.locator('#token').fill('wrong-token');
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#login-error', { hasText: '令牌不正确' }).waitFor();

    await page.locator('#token').fill(TOKEN);
    await page.locator('#login-form button[type=submit]').click();
    await eventually(() => page.locator('.case-row').count(), (v) => expect(v).toBe(1));
    expect(page.url()).not.toContain(TOKEN);
    // No ALARM_SECRETS: no alarm source, so no alarm panel.
    expect(await page.locator('#alarms-panel').isHidden()).toBe(true);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('dashboardToken'))).toBe(TOKEN);

    // A reload in the same tab stays signed in; 退出 forgets the token.
    await page.reload();
    await eventually(() => page.locator('.case-row').count(), (v) => expect(v).toBe(1));
    expect(await page.locator('#login').isHidden()).toBe(true);
    await page.locator('#logout').click();
    await page.locator('#login-form').waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('dashboardToken'))).toBeNull();
    await page.close();
  });
});
