// The admin's integrations on real screens: API keys (a refused form shows its problem beside the
// field; a key is created and shown once — going back to the list no longer shows it — and it
// works) and webhooks (a subscription to a receiver started here, its secret shown once, a test
// post answered 200 with a valid signature, a ticket's delivery in the log, replayed). Desktop
// and 375-px phone screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');

/** A receiver on loopback: records each POST with its headers and raw body, answers 200. */
async function startReceiver() {
  const got = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      got.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok from the receiver');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { got, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

/** As a receiver checks it, from the README: HMAC-SHA256 of the raw body, and a recent timestamp. */
function verified(delivery, secret) {
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(delivery.body).digest('hex')}`;
  const event = JSON.parse(delivery.body);
  return delivery.headers['x-guanjia-signature'] === expected
    && String(event.sent_at) === delivery.headers['x-guanjia-timestamp']
    && Math.abs(Date.now() / 1000 - event.sent_at) < 300;
}

async function until(what, check, ms = 10_000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('admin: API keys and webhooks', { timeout: 170_000 }, async (t) => {
  const receiver = await startReceiver();
  const { server, browser } = await start(t, { config: 'webhook_allow_private = true\nwebhook_poll_millis = 100\n' });
  t.after(() => receiver.close());
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');

  await t.test('both screens are on the admin menu', async () => {
    await signIn(page, base, 'admin');
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: /接口密钥/ }).click();
    await page.waitForURL(/\/admin\/api-keys$/);
    assert.match(await page.locator('h1').innerText(), /接口密钥/);
  });

  const keyForm = page.locator('form[action="/admin/api-keys"]');
  await t.test('a key without scopes is refused beside the field; what was typed stays', async () => {
    await keyForm.getByLabel('名称（如 12345 对接）').fill('物联网平台');
    await keyForm.getByRole('button', { name: '添加' }).click();
    await page.locator('.notice[role=alert]').waitFor();
    assert.ok((await keyForm.locator('fieldset .field-error').first().innerText()).length > 0, 'the problem is beside the scopes');
    assert.equal(await keyForm.getByLabel('名称（如 12345 对接）').inputValue(), '物联网平台');
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;
  });

  let key;
  await t.test('a key is created and shown once; the list then shows only its prefix', async () => {
    await keyForm.getByLabel('读取工单').check();
    await keyForm.getByLabel('上报设备告警').check();
    await keyForm.getByRole('button', { name: '添加' }).click();
    key = (await page.locator('#issued-key').innerText()).trim();
    assert.match(key, /^gjk_[0-9a-f-]+_[0-9a-f]{64}$/);
    assert.match(await page.locator('.shown-once').innerText(), /只显示这一次/);
    const row = page.locator('table.api-keys tbody tr', { hasText: '物联网平台' });
    assert.match(await row.innerText(), /读取工单/);
    assert.match(await row.innerText(), /未使用/);
    await bothSizes(page, 'admin-api-key-created');
    // The key works, as a machine uses it.
    const response = await fetch(`${base}/api/v1/tickets?per_page=1`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.status, 200);
    await page.goto(`${base}/admin/api-keys`);
    assert.equal(await page.locator('#issued-key').count(), 0, 'shown once only');
    assert.ok(!(await page.content()).includes(key), 'the key is on no later page');
    const listed = await page.locator('table.api-keys tbody tr', { hasText: '物联网平台' }).innerText();
    assert.match(listed, /gjk_/);
    assert.doesNotMatch(listed, /未使用/, 'its last use is listed');
    await bothSizes(page, 'admin-api-keys');
  });

  await t.test('revoking asks first, then the key stops working', async () => {
    const row = page.locator('table.api-keys tbody tr', { hasText: '物联网平台' });
    await row.getByText('吊销', { exact: true }).click();
    await row.getByRole('button', { name: /确认吊销/ }).click();
    await page.waitForURL(/\/admin\/api-keys$/);
    assert.match(await page.locator('table.api-keys tbody tr', { hasText: '物联网平台' }).innerText(), /已吊销/);
    const response = await fetch(`${base}/api/v1/tickets?per_page=1`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.status, 401);
  });

  let secret;
  await t.test('a webhook is created with its secret shown once', async () => {
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: /事件推送/ }).click();
    await page.waitForURL(/\/admin\/webhooks$/);
    const form = page.locator('form[action="/admin/webhooks"]');
    await form.getByLabel('接收地址（http/https）').fill(receiver.url);
    await form.getByLabel('工单创建').check();
    await form.getByRole('button', { name: '添加' }).click();
    secret = (await page.locator('#issued-secret').innerText()).trim();
    assert.match(secret, /^whsec_/);
    assert.match(await page.locator('table.webhooks').innerText(), /工单创建/);
    await bothSizes(page, 'admin-webhook-created');
    await page.goto(`${base}/admin/webhooks`);
    assert.ok(!(await page.content()).includes(secret), 'the secret is on no later page');
  });

  let hookPage;
  await t.test('a test post reaches the receiver signed, and the page shows its 200', async () => {
    await page.locator('table.webhooks a', { hasText: receiver.url }).click();
    await page.waitForURL(/\/admin\/webhooks\/[0-9a-f-]+$/);
    hookPage = page.url();
    await page.getByRole('button', { name: '发送测试' }).click();
    const said = await page.locator('.webhook-test').innerText();
    assert.match(said, /测试已送达/);
    assert.match(said, /HTTP 200/);
    assert.match(said, /ok from the receiver/);
    assert.equal(receiver.got.length, 1);
    assert.equal(JSON.parse(receiver.got[0].body).event, 'ping');
    assert.ok(verified(receiver.got[0], secret), 'signed with the secret shown');
    await bothSizes(page, 'admin-webhook-tested');
  });

  await t.test("a ticket's delivery is in the log with its status, and is replayed", async () => {
    const projects = (await admin('/api/v1/projects?per_page=1')).items;
    const ticket = await admin.post('/api/v1/tickets', {
      project_id: projects[0].id, channel: 'phone', kind: 'repair',
      description: '5栋大堂门禁刷卡没反应', contact: { name: '钱女士', phone: '13600000003' },
    });
    const created = await until('ticket.created at the receiver', () => receiver.got.find((r) => JSON.parse(r.body).event === 'ticket.created'));
    assert.ok(verified(created, secret));
    assert.equal(JSON.parse(created.body).data.ticket.id, ticket.id);
    const row = page.locator('table.deliveries tbody tr').first();
    await until('the delivery logged as delivered', async () => {
      await page.goto(hookPage);
      return (await page.locator('table.deliveries tbody tr').count()) > 0 && /已送达/.test(await row.innerText());
    });
    assert.equal((await row.locator('.status-code').innerText()).trim(), '200');
    assert.match(await row.innerText(), /工单创建/);
    await bothSizes(page, 'admin-webhook-log');
    const before = receiver.got.length;
    await row.getByRole('button', { name: '重发' }).click();
    await page.waitForURL(/\/admin\/webhooks\/[0-9a-f-]+\?done=saved$/);
    const again = await until('the replay at the receiver', () => receiver.got.length > before && receiver.got[receiver.got.length - 1]);
    assert.equal(JSON.parse(again.body).id, JSON.parse(created.body).id, 'the same delivery id');
    assert.deepEqual(errors, []);
  });
});
