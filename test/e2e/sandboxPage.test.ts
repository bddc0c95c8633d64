// The sandbox page in a real browser (Debian's Chromium, driven by playwright-core): a newcomer plays a
// resident, then a worker, and sees the receipt, the card, its buttons and the resolution notice.
// Without Chromium the suite is skipped with the reason printed (or fails, under REQUIRE_SERVICES=1).
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailability, describeIfAvailable } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

describeIfAvailable(chromiumAvailability(), 'the sandbox page in Chromium', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestBot();
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(8_000);
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  const openGroup = (name: string) => page.locator('button.group', { hasText: name }).click();
  const lastCard = () => page.locator('.card').last();

  it('shows the whole flow: report, receipt, dispatch card, accept, resolve, resolution notice', async () => {
    await page.goto(bot.runtime.url + '/');
    await openGroup('桂香苑社区居民群');
    await page.locator('#member').selectOption({ label: '王秀英' });
    await page.locator('#text').fill('6栋楼道又有人飞线充电，线从四楼窗户吊下来，晚上看到在冒火花');
    await page.locator('#composer button[type=submit]').click();
    const receipt = page.locator('.bubble', { hasText: '受理回执' });
    await receipt.waitFor({ timeout: 10_000 });
    const number = /A-\d{8}-\d{4}/.exec((await receipt.textContent()) ?? '')![0];

    await openGroup('消防安全岗工作群');
    await page.locator('.card h3', { hasText: number }).waitFor();
    await expectText(lastCard(), '待接单');

    await lastCard().locator('button[data-action=accept]').click();
    await lastCard().locator('.status', { hasText: '已接单' }).waitFor();
    await lastCard().locator('button[data-action=resolve]').click();
    await lastCard().locator('.note textarea').fill('已拆除飞线，提醒住户到充电棚充电');
    await lastCard().locator('.note button', { hasText: /^确定/ }).click();
    await lastCard().locator('.status', { hasText: '已办结' }).waitFor();
    expect(await lastCard().locator('.actions button').count()).toBe(0);
    await page.locator('#incident h2', { hasText: `${number} · 已办结` }).waitFor();

    await openGroup('桂香苑社区居民群');
    await page.locator('.bubble', { hasText: `【已办结】${number}` }).waitFor({ timeout: 10_000 });
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

    // The reporter closes the loop with one tap under the resolution notice.
    await page.locator('#member').selectOption({ label: '王秀英' });
    await page.locator('.replies button', { hasText: /^满意$/ }).last().click();
    await page.locator('.bubble', { hasText: `【已结案】${number}` }).waitFor({ timeout: 10_000 });
  });

  it('returns a misrouted case and re-routes it from the dispatcher\'s card with 改派', async () => {
    await page.goto(bot.runtime.url + '/');
    await openGroup('桂香苑社区居民群');
    await page.locator('#member').selectOption({ label: '李建国' });
    await page.locator('#text').fill('3栋楼道里堆满了纸箱和旧家具，消防通道都堵死了');
    await page.locator('#composer button[type=submit]').click();
    // The receipt @ the reporter with the first words of the report: in a busy group, this one is theirs.
    const receipt = page.locator('.bubble', { hasText: '受理回执' }).filter({ hasText: '@李建国 您反映的「3栋楼道里堆满了纸箱' });
    await receipt.waitFor({ timeout: 10_000 });
    const number = /A-\d{8}-\d{4}/.exec((await receipt.textContent()) ?? '')![0];
    const lead = /已派：(\S+?)主办/.exec((await receipt.textContent()) ?? '')![1];
    expect(lead).not.toBe('网格员'); // 改派 below moves it to 网格员

    await openGroup(`${lead}工作群`);
    const card = page.locator('.card', { has: page.locator('h3', { hasText: number }) }).first();
    await card.locator('button[data-action=return]').click();
    await card.locator('.note textarea').fill('属于物业管理范围');
    await card.locator('.note button', { hasText: /^确定/ }).click();
    await card.locator('.status', { hasText: '已退回' }).waitFor();

    await openGroup('流转调度岗工作群');
    const dispatch = page.locator('.card', { has: page.locator('h3', { hasText: number }) }).last();
    await dispatch.locator('dd', { hasText: '属于物业管理范围' }).waitFor();
    await dispatch.locator('button[data-action=reroute]').click();
    await dispatch.locator('.reroute select.lead').selectOption({ label: '网格员' });
    await dispatch.locator('.reroute button', { hasText: '确定改派' }).click();
    await dispatch.locator('.status', { hasText: '已改派' }).waitFor();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-reroute.png'), fullPage: true });

    await openGroup('网格员工作群');
    await page.locator('.card h3', { hasText: number }).waitFor();
    await openGroup('桂香苑社区居民群');
    await page.locator('.bubble', { hasText: `【已改派】${number}` }).waitFor({ timeout: 10_000 });
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string) {
  await locator.locator(`text=${text}`).first().waitFor();
}
