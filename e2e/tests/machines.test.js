// The machine channels' admin pages: an admin adds a WeCom group robot (after a refused form),
// sends a test message through a local webhook that answers as WeCom documents and sees what
// it answered, changes the key to one WeCom refuses and sees the refusal, and stops the robot;
// registers a device at a place, sees its alarms after one is received, filters the list and
// deactivates the device; an agent reads the device without the admin's forms.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');

const KEY = '693a91f6-7aaa-4bc4-97a0-0ec2b1fa5aaa';

/** A WeCom group robot webhook: `POST /cgi-bin/webhook/send?key=KEY` with a text message. */
async function wecom() {
  const received = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const url = new URL(request.url, 'http://localhost');
      let message = {};
      try { message = JSON.parse(body); } catch { /* refused below */ }
      const answer = (json) => { response.setHeader('content-type', 'application/json'); response.end(JSON.stringify(json)); };
      if (request.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send') { response.statusCode = 404; return response.end(); }
      received.push({ key: url.searchParams.get('key'), message });
      if (url.searchParams.get('key') !== KEY) return answer({ errcode: 93000, errmsg: 'invalid webhook url' });
      if (message.msgtype !== 'text' || !message.text?.content) return answer({ errcode: 40008, errmsg: 'invalid message type' });
      answer({ errcode: 0, errmsg: 'ok' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, received, close: () => server.close() };
}

test('robots and devices on the admin pages', { timeout: 240_000 }, async (t) => {
  const hook = await wecom();
  t.after(() => hook.close());
  const { server, browser } = await start(t, { config: `[delivery.wecom]\nbase_url = "${hook.base}"\nrobots = []\n` });
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const agent = await api(base, 'agent1');
  const me = await agent('/api/v1/me');
  const projectId = me.project_ids[0];

  await t.test('an admin adds a robot, tests it and sees what WeCom answered', async () => {
    await signIn(page, base, 'admin');
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: /企业微信群机器人/ }).click();
    await page.waitForURL(/\/admin\/robots$/);
    assert.match(await page.locator('.empty').innerText(), /暂无/);
    const form = page.locator('form[action="/admin/robots"]');
    await form.getByLabel(/名称/).fill('维修班群');
    await form.getByLabel('项目', { exact: true }).selectOption(projectId);
    await form.getByLabel(/Webhook/).fill('not a key');
    await form.getByRole('button', { name: '添加' }).click();
    await page.locator('.notice[role=alert]').waitFor();
    assert.match(await page.locator('#e-webhook_key').innerText(), /格式不正确/);
    assert.equal(await form.getByLabel(/Webhook/).inputValue(), '', 'a key is never written back');
    assert.equal(await form.getByLabel(/名称/).inputValue(), '维修班群', 'what was typed stays');
    await bothSizes(page, 'robots-refused');
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;

    await form.getByLabel(/Webhook/).fill(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`);
    await form.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/admin\/robots\/[0-9a-f-]{36}\?done=saved$/);
    assert.match(await page.locator('h1').innerText(), /维修班群/);
    assert.ok(!(await page.content()).includes(KEY), 'the key is not on the page');
    await page.getByRole('button', { name: '发送测试消息' }).click();
    const result = page.locator('.robot-test');
    await result.waitFor();
    assert.match(await result.innerText(), /测试消息已发到群里（errcode 0 ok）/);
    const posted = hook.received.at(-1);
    assert.equal(posted.key, KEY);
    assert.match(posted.message.text.content, /管家测试消息/);
    await bothSizes(page, 'robot-tested');

    // A key WeCom does not know: the page says what WeCom said.
    await page.getByLabel(/新的 Webhook/).fill('0a0b0c0d-dead-beef-0000-000000000000');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/done=saved$/);
    await page.getByRole('button', { name: '发送测试消息' }).click();
    await result.waitFor();
    assert.match(await result.innerText(), /测试消息未发出（errcode 93000 invalid webhook url）/);
    await page.getByRole('button', { name: '停用' }).click();
    await page.waitForURL(/done=saved$/);
    assert.match(await page.locator('.badge').first().innerText(), /已停用/);
    await page.goto(`${base}/admin/robots`);
    const row = page.locator('table.robots tbody tr', { hasText: '维修班群' });
    assert.match(await row.innerText(), /整个项目/);
    assert.match(await row.innerText(), /已停用/);
    await bothSizes(page, 'robots');
    assert.deepEqual(errors, []);
  });

  let deviceId;
  await t.test('an admin registers a device at a place and sees its alarms', async () => {
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: /物联网设备/ }).click();
    await page.waitForURL(/\/admin\/devices$/);
    const form = page.locator('form[method=post][action="/admin/devices"]');
    await form.getByLabel('项目').selectOption(projectId);
    await form.getByLabel(/设备编号/).fill('SD-E2E-1');
    await form.getByLabel('设备类型').selectOption('smoke_detector');
    const buildings = await form.getByLabel('楼栋').locator('option').allInnerTexts();
    const building = buildings.find((b) => b.includes(' · '));
    await form.getByLabel('楼栋').selectOption({ label: building });
    await form.getByLabel(/公共区域/).fill('电梯厅');
    await form.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/admin\/devices\/[0-9a-f-]{36}\?done=saved$/);
    deviceId = page.url().split('/').pop().split('?')[0];
    assert.match(await page.locator('h1').innerText(), /SD-E2E-1/);
    assert.match(await page.locator('#alarms-title').locator('..').innerText(), /暂无告警/);

    await agent.post('/api/v1/iot/alarms', { device_id: 'SD-E2E-1', type: 'smoke', state: 'alarm', at: new Date(Date.now() - 5000).toISOString().replace(/\.\d+Z$/, 'Z') });
    await page.reload();
    const alarm = page.locator('table.alarms tbody tr').first();
    assert.match(await alarm.innerText(), /烟雾报警/);
    assert.match(await alarm.innerText(), /新建工单/);
    assert.equal(await alarm.getByRole('link', { name: '工单' }).count(), 1);
    assert.match(await page.locator('main').innerText(), /电梯厅/);
    await bothSizes(page, 'device');

    await page.getByRole('button', { name: '停用' }).click();
    await page.waitForURL(/done=saved$/);
    await page.goto(`${base}/admin/devices`);
    await page.locator('form.filters').getByLabel('设备类型').selectOption('smoke_detector');
    await page.locator('form.filters').getByLabel('状态').selectOption('false');
    await page.locator('form.filters').getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/type=smoke_detector&active=false/);
    const rows = page.locator('table.devices tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /SD-E2E-1.*烟感|SD-E2E-1/s);
    assert.match(await rows.first().innerText(), /已停用/);
    await bothSizes(page, 'devices');
    assert.deepEqual(errors, []);
  });

  await t.test('an agent reads the device and its alarms, without the forms', async () => {
    await signIn(page, base, 'agent1');
    await page.goto(`${base}/admin/devices/${deviceId}`);
    assert.match(await page.locator('table.alarms').innerText(), /烟雾报警/);
    assert.equal(await page.locator('form[action$="/active"]').count(), 0);
    assert.equal(await page.locator(`form[action="/admin/devices/${deviceId}"]`).count(), 0);
    await bothSizes(page, 'device-agent');
  });
});
