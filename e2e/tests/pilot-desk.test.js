// What staff are told without reloading: the notification bell's count rises when a job is
// dispatched to a technician, the phone is alerted, opening the bell lists the notification in
// words and clicking it goes to the job; the workbench's 我的 filter; on a desktop and a phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, screenshot, signIn, overflows, watchErrors, PHONE, DESKTOP } = require('./support');

test('the bell, new jobs and 我的', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  // A leak in tech1's project, logged by the manager (its first-contact owner).
  const tech = await (await api(base, 'tech1'))('/api/v1/me');
  const manager = await api(base, 'manager');
  const projectId = tech.project_ids[0];
  const ticket = await manager.post('/api/v1/tickets', {
    project_id: projectId, channel: 'phone', kind: 'repair', category: 'repair.water', urgency: 'urgent',
    description: '厨房水管接头漏水，地上全是水', contact: { name: '测试住户', phone: '13900001111' },
  });

  await t.test('the count rises without a reload when a job is dispatched to the technician', async () => {
    await signIn(page, base, 'tech1', '/jobs');
    const count = page.locator('#bell-count');
    const before = Number(await count.getAttribute('data-unread'));
    const jobsBefore = Number(await count.getAttribute('data-new-jobs'));
    await page.evaluate(() => { window.notReloaded = true; });
    await manager.post(`/api/v1/tickets/${ticket.id}/actions`, { action: 'dispatch', assignee_id: tech.id });
    // The bell asks every 20 s.
    await page.waitForFunction((n) => Number(document.getElementById('bell-count').dataset.unread) > n, before, { timeout: 45_000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    // The demo's clocks keep warning too, so the count may have risen by more than this job.
    assert.ok(Number(await count.getAttribute('data-new-jobs')) > jobsBefore, 'counted as a new job');
    const shown = Number(await count.getAttribute('data-unread'));
    assert.match(await count.innerText(), new RegExp(`^${shown}\\s*条未读`), 'the bell shows the new count');
    // The phone was alerted, and the job list reloaded with the new job on top.
    await page.waitForFunction(() => document.body.dataset.newJobAlert);
    await page.locator('#jobs-list .job-card', { hasText: ticket.number }).waitFor();
    const first = page.locator('#jobs-list .job-card').first();
    assert.match(await first.innerText(), /新派单/);
  });

  await t.test('opening the bell lists the notification in words; clicking it goes to the job', async () => {
    await page.locator('#bell summary').click();
    const note = page.getByRole('button', { name: `新派单：工单 ${ticket.number} 已派给您` });
    await note.waitFor();
    await screenshot(page, 'bell-desktop');
    const unread = Number(await page.locator('#bell-count').getAttribute('data-unread'));
    await note.click();
    await page.waitForURL(`${base}/jobs/${ticket.id}`);
    assert.equal(Number(await page.locator('#bell-count').getAttribute('data-unread')), unread - 1, 'clicking marked it read');
    await page.goto(`${base}/jobs`);
    assert.equal(Number(await page.locator('#bell-count').getAttribute('data-unread')), unread - 1, 'and it stays read');
  });

  await t.test('on a phone the bell fits the screen', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/jobs`);
    await page.locator('#bell summary').click();
    await page.locator('#bell-panel .note-list, #bell-panel .muted').first().waitFor();
    assert.equal(await overflows(page), false, 'nothing sticks out sideways');
    const panel = await page.locator('#bell-panel').boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= PHONE.width, 'the panel is on the screen');
    await screenshot(page, 'bell-phone');
    await page.setViewportSize(DESKTOP);
  });

  await t.test('我的 keeps the workbench to what I own or am assigned', async () => {
    await signIn(page, base, 'manager');
    const total = async () => Number((await page.locator('#queue .queue-head .muted').innerText()).replace(/\D/g, ''));
    const all = await total();
    await page.getByLabel('我的').check();
    await page.waitForURL(/mine=true/);
    await page.locator('#queue', { hasText: ticket.number }).waitFor();
    const mine = await total();
    assert.ok(mine >= 1 && mine < all, `mine ${mine} of ${all}`);
    const mineApi = await manager(`/api/v1/tickets?mine=true&per_page=1`);
    assert.equal(mineApi.total, mine, 'the page and the API agree');
    await screenshot(page, 'workbench-mine-desktop');
  });

  assert.deepEqual(errors, []);
});
