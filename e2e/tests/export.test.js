// Export to Excel from the pages: an agent downloads the ticket list under the filters they set,
// a manager the dashboard's figures; the file is a workbook with Chinese column titles. Desktop
// and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { start, bothSizes, signIn, watchErrors, screenshot, PHONE, DESKTOP } = require('./support');

/** Clicks the page's export button and waits for the file; its name and bytes. */
async function download(page) {
  const button = page.getByRole('link', { name: '导出 Excel' }).first();
  await button.waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const bytes = fs.readFileSync(await file.path());
  return { name: file.suggestedFilename(), bytes, href: await button.getAttribute('href') };
}

/** Whether the bytes are a workbook (a zip archive with something in it); its columns and rows
 * are checked with calamine in crates/web/tests/export.rs. */
function isWorkbook(bytes) {
  return bytes.subarray(0, 2).toString() === 'PK' && bytes.length > 1000;
}

test('the ticket list and the dashboard export to Excel', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;

  await t.test('an agent exports the ticket list under its filters', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'agent1');
    await page.locator('#f-status').selectOption('all');
    await page.waitForURL(/status=all/);
    await page.locator('#queue').waitFor();
    const { name, bytes, href } = await download(page);
    assert.match(name, /^tickets-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.ok(isWorkbook(bytes), 'a workbook arrived');
    // The link carries the page's filters: every status, none left out.
    assert.match(href, /^\/api\/v1\/tickets\?format=xlsx/);
    assert.doesNotMatch(href, /status=/, 'all statuses: no status filter');
    await bothSizes(page, 'export-tickets');
  });

  await t.test('on a phone the button is there and downloads too', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/?status=new`);
    const { bytes, href } = await download(page);
    assert.ok(isWorkbook(bytes));
    assert.match(href, /status=new/);
    await screenshot(page, 'export-tickets-phone-filtered');
    await page.setViewportSize(DESKTOP);
  });

  await t.test('a manager exports the dashboard figures', async () => {
    await page.context().clearCookies();
    await signIn(page, base, 'manager');
    await page.goto(`${base}/dashboard`);
    const { name, bytes, href } = await download(page);
    assert.match(name, /^metrics-service-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.ok(isWorkbook(bytes));
    assert.match(href, /^\/api\/v1\/metrics\/service\?format=xlsx&from=/);
    await bothSizes(page, 'export-dashboard');
  });

  assert.deepEqual(errors, [], 'no script errors');
});
