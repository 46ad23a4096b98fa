// The back office and the field: an admin imports rooms from an .xlsx (a bad file first, with its
// per-row report), a manager reads the dashboard's charts, a technician works a job on a phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { start, api, screenshot, bothSizes, watchErrors, signIn, overflows, PHONE, DESKTOP } = require('./support');

const FIXTURES = path.join(__dirname, '..', 'fixtures');

test('admin import, manager dashboard, technician jobs', { timeout: 150_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');

  await t.test('an admin downloads the template and is shown every problem of a bad file', async () => {
    await signIn(page, base, 'admin');
    await page.getByRole('link', { name: '导入房屋与住户' }).click();
    await page.waitForURL(/\/admin\/import$/);
    const template = await page.request.get(`${base}/admin/import/template`);
    assert.equal(template.status(), 200);
    assert.match(template.headers()['content-type'], /spreadsheetml/);
    assert.equal((await template.body()).subarray(0, 2).toString(), 'PK');
    await screenshot(page, 'import-desktop');

    await page.getByLabel('Excel 文件 (.xlsx)').setInputFiles(path.join(FIXTURES, 'rooms-bad.xlsx'));
    await page.getByRole('button', { name: '检查文件' }).click();
    const problems = page.locator('table.problems tbody tr');
    await problems.first().waitFor();
    assert.equal(await problems.count(), 3);
    const report = await page.locator('table.problems').innerText();
    assert.match(report, /2\s+类型\s+应为：住宅、商铺、办公、车位/);
    assert.match(report, /2\s+电话\s+格式不正确/);
    assert.match(report, /3\s+楼栋\s+必填/);
    assert.match(await page.locator('#import-result').innerText(), /未导入任何数据/);
    await bothSizes(page, 'import-errors');
  });

  await t.test('a good file is checked, then imported, and its rooms are there', async () => {
    const project = page.getByLabel('项目');
    const projectId = await project.inputValue();
    await page.getByLabel('Excel 文件 (.xlsx)').setInputFiles(path.join(FIXTURES, 'rooms-good.xlsx'));
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.locator('#import-result .ready').waitFor();
    assert.match(await page.locator('#import-result .counts').innerText(), /新建房屋\s+3/);
    // The chosen file stays chosen after a check: importing is one more click.
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('#import-result .success').waitFor();
    const done = await page.locator('#import-result').innerText();
    assert.match(done, /导入完成/);
    assert.match(done, /新建楼栋\s+1/);
    assert.match(done, /新增住户\s+2/);
    assert.match(await page.locator('table.rooms').innerText(), /车位-001/);
    await bothSizes(page, 'import-done');

    const buildings = await admin(`/api/v1/projects/${projectId}/buildings?per_page=200`);
    const building = buildings.items.find((b) => b.name === '99栋');
    assert.ok(building, 'the new building is in the project');
    const rooms = await admin(`/api/v1/buildings/${building.id}/rooms`);
    assert.deepEqual(rooms.items.map((r) => r.number).sort(), ['0101', '0102', '车位-001']);
  });

  await t.test('the manager dashboard draws its charts over readable tables', async () => {
    errors.length = 0;
    await signIn(page, base, 'manager');
    await page.getByRole('link', { name: '服务看板' }).click();
    await page.waitForURL(/\/dashboard$/);
    for (const id of ['intake', 'open', 'sla', 'csat', 'response', 'trend', 'projects']) {
      await page.locator(`#chart-${id} canvas`).first().waitFor();
    }
    assert.equal(await page.locator('.tiles .tile').count(), 26, 'the service figures, open-and-late clocks, the seeds\' nine and the FAQ bot\'s four among them');
    assert.match(await page.locator('.tiles').innerText(), /机器人|智能客服/, 'the bot\'s figures are named');
    assert.ok(Number(await page.locator('.tile dd').first().innerText()) > 0, 'the demo reported tickets');
    assert.ok((await page.locator('.chart-box table.grid tbody tr').count()) > 3, 'figures as tables too');
    assert.equal(await page.locator('#trend tbody tr').count(), 12, 'the last twelve months');
    const monthly = await page.locator('#trend tbody tr td:nth-child(2)').allTextContents();
    assert.ok(monthly.map(Number).reduce((a, b) => a + b, 0) > 0, 'the demo\'s tickets are in the trend');
    assert.match(await page.locator('#chart-projects').locator('xpath=..').innerText(), /^1\. /m, 'projects ranked');
    await bothSizes(page, 'dashboard');

    // Custom dates: the period heading says them.
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86400e3).toISOString().slice(0, 10);
    await page.locator('#from').fill(weekAgo);
    await page.locator('#to').fill(today);
    await page.getByRole('button', { name: '应用' }).click();
    await page.waitForURL(/from=/);
    assert.match(await page.locator('.page-head .muted').innerText(), new RegExp(`${weekAgo} — ${today}`));
    await page.goto(`${base}/dashboard`);

    // By channel: each group's count leads to the tickets behind it.
    await page.locator('select[name="by"]').selectOption('channel');
    await page.getByRole('button', { name: '应用' }).click();
    await page.waitForURL(/by=channel/);
    const first = page.locator('#groups tbody tr').first();
    const channel = (await first.locator('td').first().innerText()).trim();
    const count = Number(await first.locator('td a').first().innerText());
    assert.ok(count > 0, 'the largest channel has tickets');
    await bothSizes(page, 'dashboard-by-channel');
    await first.locator('td a').first().click();
    await page.waitForURL(/status=counted/);
    assert.match(await page.locator('.notice.drill').innerText(), /看板/);
    await page.locator('#queue tbody tr').first().waitFor();
    const total = Number((await page.locator('#queue .queue-head .muted').innerText()).replace(/\D/g, ''));
    assert.equal(total, count, `the ${channel} tickets counted are the ones listed`);
    await bothSizes(page, 'dashboard-drill');
    assert.deepEqual(errors, [], 'no script errors');
  });

  let job;
  await t.test('a technician lands on their jobs and works one through', async () => {
    // A fresh urgent job for tech1 in one of their projects, dispatched from the desk.
    const tech = await (await api(base, 'tech1'))('/api/v1/me');
    job = await admin.post('/api/v1/tickets', {
      project_id: tech.project_ids[0], channel: 'phone', kind: 'repair', urgency: 'urgent',
      description: '地下车库B2层消防管滴水，地面积水', contact: { name: '周先生', phone: '13600000001' },
    });
    await admin.post(`/api/v1/tickets/${job.id}/actions`, { action: 'accept' });
    await admin.post(`/api/v1/tickets/${job.id}/actions`, { action: 'dispatch', assignee_id: tech.id });

    await page.setViewportSize(PHONE);
    await signIn(page, base, 'tech1', '/jobs');
    const card = page.locator('.job-card', { hasText: job.number });
    await card.waitFor();
    assert.match(await card.innerText(), /已派单/);
    assert.ok(await card.locator('.badge').count(), 'an SLA badge');
    assert.equal(await overflows(page), false);
    await screenshot(page, 'jobs-phone');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'jobs-desktop');
    await page.setViewportSize(PHONE);

    await card.click();
    await page.waitForURL(new RegExp(`/jobs/${job.id}$`));
    await page.locator('.actions button[value=accept]').click();
    await page.locator('.ticket-head .status', { hasText: '处理中' }).waitFor();
    await page.locator('.actions button[value=arrive]').click();
    await page.locator('.timeline', { hasText: '到场' }).waitFor();
    await screenshot(page, 'job-phone');
    // The job is finished only through the finish form, with the work done and a confirmation.
    assert.equal(await page.locator('.actions button[value=resolve]').count(), 0);
    await page.locator('#work-body').fill('更换了消防管接头，已试压无渗漏');
    await page.locator('#job-work input[name=confirm]').check();
    await page.getByRole('button', { name: '完工并提交记录' }).click();
    await page.locator('.ticket-head .status', { hasText: '待回访' }).waitFor();
    assert.match(await page.locator('.timeline').innerText(), /已试压无渗漏/);
    assert.equal(await overflows(page), false);
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'job-desktop');
    await page.getByRole('link', { name: /返回我的工单/ }).click();
    await page.waitForURL(/\/jobs$/);
    assert.equal(await page.locator('.job-card', { hasText: job.number }).count(), 0, 'a resolved job leaves the list');
  });
});
