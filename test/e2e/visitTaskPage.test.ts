// 上门劝阻 on the sandbox page in a real browser: an officer posts 上门 in the police group, a rider takes the
// card in the riders' group, another rider's click is refused, and the taker reports 完成 with an outcome.
// Without Chromium the suite is skipped with the reason printed (or fails, under REQUIRE_SERVICES=1).
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailability, describeIfAvailable } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

describeIfAvailable(chromiumAvailability(), 'the 上门 task card on the sandbox page', () => {
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

  it('offers, takes, refuses a second rider and reports the outcome', async () => {
    await page.goto(bot.runtime.url + '/');
    await openGroup('社区警务岗工作群');
    await page.locator('#member').selectOption({ label: '潘伟（社区警务岗）' });
    await page.locator('#text').fill('上门 嘉禾里6栋2单元302 独居老人近期频繁接到冒充公检法电话 明天18点前');
    await page.locator('#composer button[type=submit]').click();
    const offered = page.locator('.bubble', { hasText: '已发到 枣子湾骑手志愿者群' });
    await offered.waitFor({ timeout: 10_000 });
    const number = /H-\d{8}-\d{4}/.exec((await offered.textContent()) ?? '')![0];

    await openGroup('枣子湾骑手志愿者群');
    const card = page.locator('.card.visit', { has: page.locator('h3', { hasText: number }) });
    await card.locator('.status', { hasText: '待接单' }).waitFor();
    await page.locator('#member').selectOption({ label: '骑手 何军' });
    await card.locator('button[data-action=take]').click();
    await card.locator('.status', { hasText: '骑手 何军 已接单' }).waitFor();

    await page.locator('#member').selectOption({ label: '骑手 郭晓东' });
    await card.locator('button[data-action=done]').click();
    await card.locator('.note select.outcome').selectOption({ label: '劝阻成功' });
    await card.locator('.note button', { hasText: '确定完成' }).click();
    await page.locator('#toast', { hasText: '只有接单人能报告完成' }).waitFor();

    await page.locator('#member').selectOption({ label: '骑手 何军' });
    await card.locator('button[data-action=done]').click();
    await card.locator('.note select.outcome').selectOption({ label: '需民警上门' });
    await card.locator('.note input').fill('老人坚持要去银行');
    await card.locator('.note button', { hasText: '确定完成' }).click();
    await card.locator('.status', { hasText: '需民警上门' }).waitFor();
    expect(await card.locator('.actions button').count()).toBe(0);
    await page.locator('.bubble', { hasText: `【上门任务】${number}` }).filter({ hasText: '已完成：需民警上门' }).waitFor();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

    await openGroup('社区警务岗工作群');
    await page.locator('.bubble', { hasText: `${number} 嘉禾里6栋2单元302 需民警上门` }).waitFor({ timeout: 10_000 });
  });
});
