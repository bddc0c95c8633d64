// The sandbox page on a phone (390×844) and in Chinese, in a real browser: the groups are a drawer behind ☰, a
// resident reports, the lead post's member takes the case and resolves it with a few lines, the resident sees
// 【已办结】; nothing is wider than the screen, and no visible text is an internal code or English. Screenshots of
// each page at 390×844 and 1440×900 go to SCREENSHOT_DIR (a tmp dir by default; the paths are printed).
// Without Chromium the suite is skipped with the reason printed (or fails, under REQUIRE_SERVICES=1).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailability, describeIfAvailable } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/** What must never show on the Chinese pages: org unit codes, post codes, state / urgency / source words, English sentences. */
const FORBIDDEN: [string, RegExp][] = [
  ['an org unit code', /\b[a-z]+\.[a-z]+(\.\d+)?\b/],
  ['a post code', /\b[A-Z_]{3,}\b/],
  ['a state, urgency or source code', /\b(accepted|pending|resolved|receipt_sent|dispatched|rules|model|high|normal|critical)\b/],
  ['English', /[A-Za-z]{4,}\s+[A-Za-z]{3,}/],
];
/** Case numbers (A-20261203-0001, H-…) are what residents quote: allowed. */
const CASE_NUMBER = /\b[A-Z]-\d{8}-\d{4}\b/g;

describeIfAvailable(chromiumAvailability(), 'the sandbox page on a phone, in Chinese', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  const dir = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'sandbox-phone-'));
  const shots: string[] = [];

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    bot = await startTestBot();
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.setDefaultTimeout(8_000);
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    if (shots.length) console.log('sandbox screenshots:\n' + shots.join('\n'));
  });

  const openGroup = async (name: string) => {
    if (await page.locator('#menu').isVisible()) {
      await page.locator('#menu').click();
      await page.locator('#groups').waitFor({ state: 'visible' });
    }
    await page.locator('button.group', { hasText: name }).click();
    await page.locator('#group-title', { hasText: name }).waitFor();
    await page.locator('#groups').waitFor({ state: 'hidden' }).catch(() => undefined);
  };

  /** Visible words only: a code or an English error on screen fails the test, naming what it found. */
  const expectChineseOnly = async (where: string) => {
    const text = ((await page.evaluate('document.body.innerText')) as string).replace(CASE_NUMBER, '');
    for (const [what, pattern] of FORBIDDEN) {
      const found = pattern.exec(text);
      expect(found ? `${where}: ${what} «${found[0]}» in …${text.slice(Math.max(0, found.index - 40), found.index + 40)}…` : null).toBeNull();
    }
  };
  const fitsThePhone = async () => {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const overflowing = await page.evaluate(`[...document.querySelectorAll('.msg, .card, #composer, header')].filter((node) => node.getBoundingClientRect().right > ${PHONE.width} + 0.5).length`);
    expect(overflowing).toBe(0);
  };
  const screenshot = async (name: string) => {
    const path = join(dir, name + '.png');
    await page.screenshot({ path });
    shots.push(path);
  };
  /** The same page at desktop size, then back to the phone. */
  const atDesktopToo = async (name: string) => {
    await page.setViewportSize(DESKTOP);
    expect(await page.evaluate('getComputedStyle(document.body).gridTemplateColumns.split(" ").length')).toBe(3);
    await expectChineseOnly(name + ' at 1440×900');
    await screenshot(name + '-1440x900');
    await page.setViewportSize(PHONE);
  };

  it('goes from a report to its resolution on a phone, in Chinese only', async () => {
    await page.goto(bot.runtime.url + '/');
    // The chat fills the screen; the groups wait behind ☰.
    await page.locator('#menu').waitFor();
    expect(await page.locator('#groups').isVisible()).toBe(false);
    await page.locator('#menu').click();
    await page.locator('button.group', { hasText: '桂香苑社区居民群' }).waitFor();
    await expectChineseOnly('the drawer');
    await screenshot('drawer-390x844');
    await page.locator('button.group', { hasText: '桂香苑社区居民群' }).click();
    await page.locator('#groups').waitFor({ state: 'hidden' });
    await expect(page.locator('#samples').isVisible()).resolves.toBe(true);

    await page.locator('#member').selectOption({ label: '王秀英' });
    await page.locator('#text').fill('12栋楼道里有人飞线给电瓶车充电，线从三楼窗户吊下来');
    await page.locator('#composer button[type=submit]').click();
    const receipt = page.locator('.bubble', { hasText: '受理回执' });
    await receipt.waitFor({ timeout: 10_000 });
    const receiptText = (await receipt.textContent()) ?? '';
    const number = /A-\d{8}-\d{4}/.exec(receiptText)![0];
    const lead = /已派：(\S+?)主办/.exec(receiptText)![1];
    await fitsThePhone();
    await expectChineseOnly('the residents\' group');
    await screenshot('residents-390x844');
    await atDesktopToo('residents');

    await openGroup(`${lead}工作群`);
    // Worker groups get no resident examples.
    expect(await page.locator('#samples').isVisible()).toBe(false);
    const card = page.locator('.card', { has: page.locator('h3', { hasText: number }) }).last();
    await card.locator('.status', { hasText: '待接单' }).waitFor();
    // The next step is the emphasised button.
    expect(await card.locator('button[data-action=accept]').getAttribute('class')).toBe('');
    await card.scrollIntoViewIfNeeded();
    await fitsThePhone();
    await expectChineseOnly('the worker group');
    await screenshot('worker-390x844');

    await card.locator('button[data-action=accept]').click();
    await card.locator('.status', { hasText: '已接单' }).waitFor();
    expect(await card.locator('button[data-action=resolve]').getAttribute('class')).toBe('');
    // Confirming 办结 with nothing written is refused, in Chinese.
    await card.locator('button[data-action=resolve]').click();
    await card.locator('.note button', { hasText: /^确定/ }).click();
    await page.locator('#toast', { hasText: '办结需要填写办理情况' }).waitFor();
    await expectChineseOnly('the refusal');
    await card.locator('.note textarea').fill('已拆除飞线，电瓶车已推到充电棚\n上门提醒12栋住户不要再从窗户拉线充电');
    await fitsThePhone();
    await screenshot('resolve-note-390x844');
    await card.locator('.note button', { hasText: /^确定/ }).click();
    await card.locator('.status', { hasText: '已办结' }).waitFor();
    expect(await card.locator('.actions button').count()).toBe(0);
    // The note keeps its two lines on the card.
    expect(await card.locator('dd', { hasText: '上门提醒12栋住户' }).innerText()).toContain('充电棚\n上门提醒');
    await fitsThePhone();
    await expectChineseOnly('the resolved card');
    await screenshot('worker-resolved-390x844');

    // The case number opens its timeline over the chat, in Chinese.
    await card.locator('.status a', { hasText: number }).click();
    await page.locator('#incident h2', { hasText: `${number} · 已办结` }).waitFor();
    await page.locator('#incident li', { hasText: '发送受理回执' }).waitFor();
    await fitsThePhone();
    await expectChineseOnly('the timeline');
    await screenshot('timeline-390x844');
    await atDesktopToo('worker');
    await page.locator('#side-close').click();

    await openGroup('桂香苑社区居民群');
    // The timeline of the worker group's case does not follow to another group.
    expect(await page.locator('#incident > *').count()).toBe(0);
    await page.locator('.bubble', { hasText: `【已办结】${number}` }).waitFor({ timeout: 10_000 });
    await page.locator('.bubble', { hasText: `【已办结】${number}` }).scrollIntoViewIfNeeded();
    await fitsThePhone();
    await expectChineseOnly('the resolution notice');
    await screenshot('residents-resolved-390x844');
    await atDesktopToo('residents-resolved');
  });

  it('shows every group, after the flow, without codes or English', async () => {
    const groups: { name: string }[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
    for (const { name } of groups) {
      await openGroup(name);
      await page.locator('#messages > *').first().waitFor(); // the conversation (or 这个群还没有消息。) is shown
      await expectChineseOnly(name);
    }
  });

  it('marks a staff member\'s message with a badge', async () => {
    await page.goto(bot.runtime.url + '/');
    await openGroup('桂香苑社区居民群');
    const groups: { name: string; members: { name: string; posts: string[] }[] }[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
    const worker = groups.find((g) => g.name === '桂香苑社区居民群')!.members.find((m) => m.posts.length)!;
    await page.locator('#member').selectOption({ label: `${worker.name}（网格员）` });
    await page.locator('#text').fill('大家好，我是本网格的网格员，有事可以在群里找我');
    await page.locator('#composer button[type=submit]').click();
    const mine = page.locator('.msg', { hasText: '我是本网格的网格员' }).last();
    await mine.locator('.who .staff', { hasText: '工作人员' }).waitFor({ timeout: 10_000 });
    await expectChineseOnly('the staff message');
    await screenshot('staff-badge-390x844');
  });

  it('says the API\'s English refusals in Chinese, with a Chinese fallback for the unknown ones', async () => {
    await page.goto(bot.runtime.url + '/');
    await page.locator('#menu').waitFor();
    const zh = (status: number, message: string) => page.evaluate(`zhError(${JSON.stringify({ status, message })})`);
    await expect(zh(403, 'res-guixiangyuan-1 is not a member of 消防安全岗 (FIRE) and cannot act on its card')).resolves.toBe('你不是该岗位的成员，不能操作这张卡片。请在上方「我是」里选择该岗位的成员。');
    await expect(zh(400, 'a return (退回) needs a reason in "note"')).resolves.toBe('退回需要填写理由。');
    await expect(zh(400, '"from": res-1 is not a member of 桂香苑社区居民群')).resolves.toBe('所选成员不在这个群里，请重新选择。');
    await expect(zh(409, 'incident A-20261203-0001 is already resolved')).resolves.toBe('这件事已办结，不能再操作。');
    await expect(zh(403, '上门任务 H-20261203-0001 由 骑手 何军 接单，只有接单人能报告完成（rider-2 不是）')).resolves.toBe('上门任务 H-20261203-0001 由 骑手 何军 接单，只有接单人能报告完成');
    await expect(zh(409, 'something nobody mapped yet')).resolves.toBe('这一步现在不能做（情况已有变化），请刷新后再试。');
    await expect(zh(500, 'internal error; it has been logged')).resolves.toBe('服务器出错了，请稍后再试。');
  });
});
