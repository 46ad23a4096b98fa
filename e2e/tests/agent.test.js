// An agent's day on the web pages: sign in, the queue with SLA badges, a ticket from a phone
// call with the household popping up, accept and dispatch, the timeline; on a phone; in English.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, screenshot, signIn, overflows } = require('./support');

test('agent workbench, phone call, ticket actions', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();

  // A demo resident the agent may serve, with their real number (lists mask it).
  const get = await api(base, 'agent1');
  const residents = await get('/api/v1/residents?per_page=20');
  const resident = await get(`/api/v1/residents/${residents.items[0].id}`);
  const phone = resident.phone;
  assert.match(phone, /^1\d{10}$/);

  await t.test('pages need a signed-in user', async () => {
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/login$/);
    await screenshot(page, 'login-desktop');
  });

  await t.test('agent1 signs in and sees the queue with SLA badges', async () => {
    await signIn(page, base, 'agent1');
    const rows = page.locator('table.tickets tbody tr');
    assert.ok((await rows.count()) > 0, 'the workbench lists tickets');
    const badges = page.locator('table.tickets .c-sla .badge');
    assert.ok((await badges.count()) > 0, 'open tickets carry SLA badges');
    assert.match(await badges.first().innerText(), /剩|超时|暂停/);
    await screenshot(page, 'workbench-desktop');
  });

  await t.test('filters swap the list without leaving the page', async () => {
    await page.getByLabel('时限').selectOption('breached');
    await page.waitForURL(/sla_state=breached/);
    await page.locator('#queue').waitFor();
    const badges = page.locator('table.tickets .c-sla .badge');
    if ((await badges.count()) > 0) assert.match(await badges.first().innerText(), /超时/);
    await page.goto(`${base}/`);
  });

  let ticketUrl;
  await t.test('a call: the number pops up the household, the ticket is created', async () => {
    await page.getByRole('link', { name: '来电登记' }).click();
    await page.getByLabel('来电号码').pressSequentially(phone, { delay: 20 });
    const card = page.locator('#caller .home');
    await card.first().waitFor();
    assert.match(await card.first().innerText(), new RegExp(resident.name));
    assert.ok(await page.locator('#caller input[name=resident_id]:checked').count(), 'the resident is chosen');
    await screenshot(page, 'new-ticket-desktop');
    await page.getByLabel('问题描述').fill('卫生间天花板漏水，滴到地板上了，麻烦尽快派人来看看');
    await page.getByRole('button', { name: '提交工单' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    ticketUrl = page.url();
    const head = await page.locator('.ticket-head').innerText();
    assert.match(head, /待受理/);
    assert.match(head, /报修/, 'the kind was read from the text');
  });

  await t.test('accept and dispatch to a technician; the timeline shows it', async () => {
    await page.locator('.actions button[value=accept]').click();
    await page.locator('.ticket-head .status', { hasText: '已受理' }).waitFor();
    const dispatch = page.locator('details.action', { has: page.locator('input[value=dispatch]') });
    const assignee = dispatch.getByLabel('选择处理人');
    // A repair offers the project's technicians, best first, each with the dispatch pipeline's reasons.
    assert.match(await assignee.locator('option').nth(1).innerText(), /[✓✗]/);
    const technician = await assignee.locator('option:not([value=""])').first().getAttribute('value');
    await assignee.selectOption(technician);
    await dispatch.getByRole('button', { name: '派单' }).click();
    await page.locator('.ticket-head .status', { hasText: '已派单' }).waitFor();
    const timeline = await page.locator('.timeline').innerText();
    assert.match(timeline, /受理/);
    assert.match(timeline, /派单/);
    assert.match(timeline, /→ .+/);
    await screenshot(page, 'ticket-desktop');
  });

  await t.test('a comment is marked internal', async () => {
    const comment = page.locator('details.action', { has: page.locator('input[value=comment]') });
    if (!(await comment.evaluate((d) => d.open))) await comment.locator('summary').click();
    await comment.getByLabel('内容').fill('已电话告知业主维修工 30 分钟内到场');
    await comment.getByRole('button', { name: '备注' }).click();
    await page.locator('.timeline li.internal', { hasText: '30 分钟内到场' }).waitFor();
  });

  await t.test('the supervisor board lists warnings and breaches', async () => {
    await page.getByRole('link', { name: '预警看板' }).click();
    await page.locator('.board .breaches').waitFor();
    await screenshot(page, 'board-desktop');
  });

  await t.test('on a 375-px phone nothing sticks out sideways', async () => {
    await page.setViewportSize({ width: 375, height: 760 });
    for (const [url, name] of [[`${base}/`, 'workbench-phone'], [ticketUrl, 'ticket-phone'], [`${base}/tickets/new`, 'new-ticket-phone'], [`${base}/board`, 'board-phone']]) {
      await page.goto(url);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), `${name} is wider than 375 px`);
      assert.equal(await overflows(page), false, name);
      await screenshot(page, name);
    }
    await page.setViewportSize({ width: 1366, height: 860 });
  });

  await t.test('switching to English', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Workbench' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.locator('.filters').innerText(), /Status/);
    await screenshot(page, 'workbench-english-desktop');
    await page.goto(ticketUrl);
    assert.match(await page.locator('.ticket-head').innerText(), /Dispatched/);
    await page.getByRole('link', { name: '中文' }).click();
    await page.getByRole('link', { name: '客服工作台' }).waitFor();
  });

  await t.test('signing out ends the session', async () => {
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/login$/);
  });
});
