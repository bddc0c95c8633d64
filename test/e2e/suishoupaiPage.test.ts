// 随手拍 on the sandbox page on a phone-sized screen (390×844), in a real browser: a rider picks a photo (a small
// preview shows before sending) and a place name, sends the report, and sees the thumbnail and the 📍 line in
// the conversation; the lead post's card shows the photo too, opens it whole on a tap, and nothing is wider
// than the screen. Without Chromium the suite is skipped with the reason printed (or fails, under REQUIRE_SERVICES=1).
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailability, describeIfAvailable } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

const WIDTH = 390;

/** A small PNG of a missing manhole cover (a dark hole in grey asphalt), so the screenshot shows a real picture. */
function manholePng(width = 160, height = 120): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const inHole = ((x - width / 2) / (width * 0.3)) ** 2 + ((y - height / 2) / (height * 0.28)) ** 2 <= 1;
      const grain = ((x * 7 + y * 13) % 11) * 3;
      const [r, g, b] = inHole ? [24, 22, 20] : [128 + grain, 128 + grain, 124 + grain];
      rows.set([r, g, b], y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describeIfAvailable(chromiumAvailability(), '随手拍 on the sandbox page at 390 px', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestBot();
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.setDefaultTimeout(8_000);
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  /** On a phone the groups are a drawer behind ☰. */
  const openGroup = async (name: string) => {
    await page.locator('#menu').click();
    await page.locator('button.group', { hasText: name }).click();
    await page.locator('#groups').waitFor({ state: 'hidden' });
  };
  /** Waits until the image has really loaded: a broken one has no natural width (page scripts as text: no DOM types here). */
  const loaded = async (image: Locator) => {
    await image.waitFor();
    const handle = await image.elementHandle();
    await page.waitForFunction('(img) => img.complete && img.naturalWidth === 160', handle, { timeout: 8_000 });
  };
  const fitsTheScreen = async () => {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(WIDTH);
    const overflowing = await page.evaluate(`[...document.querySelectorAll('.msg, .card, .thumb')].filter((node) => node.getBoundingClientRect().right > ${WIDTH} + 0.5).length`);
    expect(overflowing).toBe(0);
  };

  it('sends a photo and a place, and shows both in the conversation and on the card', async () => {
    await page.goto(bot.runtime.url + '/');
    await openGroup('枣子湾骑手志愿者群');
    await page.locator('#member').selectOption({ label: '骑手 何军' });

    await page.locator('#photo-input').setInputFiles({ name: 'manhole.png', mimeType: 'image/png', buffer: manholePng() });
    await page.locator('#draft .pending img').waitFor();
    await page.locator('#location-button').click();
    await page.locator('#location-name').fill('桂香苑8栋');
    await page.locator('#location-ok').click();
    await page.locator('#draft .chip', { hasText: '📍 桂香苑8栋' }).waitFor();
    await page.locator('#text').fill('【随手拍】井盖没了，差点踩进去');
    await fitsTheScreen();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-draft.png') });
    await page.locator('#composer button[type=submit]').click();

    const mine = page.locator('.msg.mine .bubble', { hasText: '井盖没了' });
    await mine.locator('.place', { hasText: '📍 桂香苑8栋' }).waitFor({ timeout: 10_000 });
    await loaded(mine.locator('.photos img'));
    // Sent: the composer is empty again.
    expect(await page.locator('#draft > *').count()).toBe(0);
    const receipt = page.locator('.bubble', { hasText: '受理回执' });
    await receipt.waitFor({ timeout: 10_000 });
    const number = /A-\d{8}-\d{4}/.exec((await receipt.textContent()) ?? '')![0];
    await fitsTheScreen();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });

    const incident = (await bot.call('GET', '/api/incidents?limit=50')).body.items.find((i: { number: string }) => i.number === number);
    expect(incident.place).toContain('8栋');
    const groups: { name: string; kind: string; post: string | null }[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
    await openGroup(groups.find((g) => g.kind === 'worker' && g.post === incident.leadPost)!.name);
    const card = page.locator('.card', { has: page.locator('h3', { hasText: number }) }).first();
    await card.locator('dd', { hasText: '桂香苑8栋' }).waitFor();
    const thumb = card.locator('.photos img');
    await loaded(thumb);
    await card.scrollIntoViewIfNeeded();
    await fitsTheScreen();
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-card.png') });

    await thumb.click();
    await loaded(page.locator('#viewer.open img'));
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-photo.png') });
    await page.locator('#viewer').click();
    await page.locator('#viewer.open').waitFor({ state: 'detached' });
  });

  it('shows the photos behind ADMIN_TOKEN too, fetched with the token the page was given', async () => {
    const token = 'a-long-enough-admin-token-for-photos';
    const guarded = await startTestBot({ ADMIN_TOKEN: token });
    const tokenPage = await browser.newPage({ viewport: { width: WIDTH, height: 844 } });
    try {
      const auth = { authorization: `Bearer ${token}` };
      const riders = (await guarded.call('GET', '/sandbox/groups', undefined, auth)).body.groups.find((g: { name: string }) => g.name === '枣子湾骑手志愿者群');
      const photo = { name: 'manhole.png', contentType: 'image/png', dataBase64: manholePng().toString('base64') };
      const posted = await guarded.call('POST', `/sandbox/groups/${riders.id}/messages`, { from: riders.members[0].userId, text: '【随手拍】井盖没了', attachments: [photo], location: { name: '桂香苑8栋' } }, auth);
      expect(posted.status).toBe(202);
      await guarded.settle();
      await tokenPage.addInitScript(`localStorage.setItem('gridBotToken', ${JSON.stringify(token)})`);
      await tokenPage.goto(guarded.runtime.url + '/');
      await tokenPage.locator('#menu').click();
      await tokenPage.locator('button.group', { hasText: '枣子湾骑手志愿者群' }).click();
      const image = tokenPage.locator('.bubble', { hasText: '井盖没了' }).locator('.photos img');
      await image.waitFor();
      await tokenPage.waitForFunction('(img) => img.complete && img.naturalWidth === 160 && img.src.startsWith("blob:")', await image.elementHandle(), { timeout: 8_000 });
    } finally {
      await tokenPage.close();
      await guarded.stop();
    }
  });
});
