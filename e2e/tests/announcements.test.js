// Announcements on real screens: a manager writes a critical notice (停水通知) to one building on
// the desktop, counts its recipients first and sends it; a resident of that building signs in on a
// 375-px phone, sees the unread notice from the home page, opens it and taps 已知晓; the manager
// then reads read 1 and acknowledged 1 on the announcement's page.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, screenshot, bothSizes, signIn, overflows, watchErrors, PHONE, DESKTOP } = require('./support');

const CODE_LINE = /resident sign-in code \(demo delivery\).*?code=(\d{6})/g;

test('a manager sends a critical notice to one building; a resident acknowledges it on a phone', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;

  // A building of the manager's with a resident in it.
  const manager = await api(base, 'manager');
  const projects = await manager('/api/v1/projects?per_page=50');
  let target = null;
  for (const project of projects.items) {
    const buildings = await manager(`/api/v1/projects/${project.id}/buildings?per_page=200`);
    for (const building of buildings.items) {
      const rooms = await manager(`/api/v1/buildings/${building.id}/rooms?per_page=200`);
      for (const room of rooms.items) {
        const residents = await manager(`/api/v1/residents?room_id=${room.id}`);
        if (residents.items.length > 0) {
          const resident = await manager(`/api/v1/residents/${residents.items[0].id}`);
          target = { project, building, resident };
          break;
        }
      }
      if (target) break;
    }
    if (target) break;
  }
  assert.ok(target, 'the demo has a resident in a building the manager sees');
  const preview = await manager.post('/api/v1/announcements/preview', {
    project_id: target.project.id,
    audience: { building_ids: [target.building.id] },
  });
  assert.ok(preview.recipients >= 1);

  let announcementUrl;
  await t.test('the manager counts the recipients, then sends the notice to one building', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'manager');
    await page.getByRole('link', { name: '公告', exact: true }).click();
    await page.waitForURL(`${base}/announcements`);
    await page.getByLabel('项目').selectOption(target.project.id);
    await page.getByLabel('标题').fill('停水通知');
    await page.getByLabel('类别').selectOption('outage');
    await page.getByLabel('正文（支持 Markdown）').fill('明天 9:00-12:00 因管道检修停水，请提前储水。');
    await page.getByLabel(`${target.project.name} · ${target.building.name}`).check();
    await page.getByLabel('重要通知，需要业主确认“已知晓”').check();
    await page.getByRole('button', { name: '预估人数' }).click();
    await page.locator('#preview-count').waitFor();
    assert.equal(await page.locator('#preview-count strong').innerText(), String(preview.recipients));
    assert.equal(await page.getByLabel('标题').inputValue(), '停水通知', 'the form stays filled in');
    await bothSizes(page, 'announcement-new');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL(/\/announcements\/[0-9a-f-]+$/);
    announcementUrl = page.url();
    assert.equal(await page.locator('#recipients').innerText(), String(preview.recipients));
    assert.equal(await page.locator('#read').innerText(), '0');
    assert.equal(await page.locator('#acknowledged').innerText(), '0');
    assert.match(await page.locator('#to-call').innerText(), /\*\*\*\*/);
    await bothSizes(page, 'announcement-sent');
  });

  await t.test('the resident opens the notice on a phone and taps 已知晓', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/h5`);
    await page.waitForURL(/\/h5\/login$/);
    await page.getByLabel('手机号').fill(target.resident.phone);
    const seen = [...server.log().matchAll(CODE_LINE)].length;
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.locator('.sent[role=status]').waitFor();
    let code = null;
    for (let i = 0; i < 50 && !code; i += 1) {
      const codes = [...server.log().matchAll(CODE_LINE)].map((m) => m[1]);
      if (codes.length > seen) code = codes[codes.length - 1];
      else await page.waitForTimeout(100);
    }
    assert.ok(code, 'a sign-in code in the server log');
    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${base}/h5`);
    assert.match(await page.locator('#unread-notices').innerText(), /未读/);
    await screenshot(page, 'h5-home-unread-notice-phone');
    await page.locator('.notices-link a').click();
    await page.waitForURL(`${base}/h5/notices`);
    const card = page.locator('.notices .job-card', { hasText: '停水通知' }).first();
    assert.match(await card.innerText(), /未读/);
    assert.equal(await overflows(page), false);
    await screenshot(page, 'h5-notices-phone');
    await card.click();
    await page.waitForURL(/\/h5\/notices\/[0-9a-f-]+$/);
    assert.match(await page.locator('.notice-body').innerText(), /管道检修停水/);
    assert.equal(await overflows(page), false);
    await screenshot(page, 'h5-notice-phone');
    await page.getByRole('button', { name: '已知晓' }).click();
    await page.locator('p.ok[role=status]').waitFor();
    assert.match(await page.locator('p.ok').innerText(), /您已确认知晓/);
    await screenshot(page, 'h5-notice-acknowledged-phone');
  });

  await t.test('the manager reads read 1 and acknowledged 1', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'manager');
    await page.goto(announcementUrl);
    assert.equal(await page.locator('#read').innerText(), '1');
    assert.equal(await page.locator('#acknowledged').innerText(), '1');
    await bothSizes(page, 'announcement-figures');
    await page.goto(`${base}/announcements`);
    assert.match(await page.locator('#announcements').innerText(), /停水通知/);
  });

  assert.deepEqual(errors, []);
});
