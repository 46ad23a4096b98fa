// The admin's WeChat official accounts on real screens: the screen is on the admin menu; a bad
// AppID is refused beside its field; an account is registered, listed with the server URL to
// paste into WeChat's console, edited with its secrets left empty (kept, shown only as set),
// stopped and started again. The secrets typed never appear on any page. Desktop and 375-px
// phone screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');

const SECRET = 'e2e0secret0123456789abcdef012345';
const TOKEN = 'e2eCallbackToken77';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

test('admin: WeChat official accounts', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');
  const projects = (await admin('/api/v1/projects?per_page=5')).items;
  const project = projects[0];
  const seesNoSecret = async () => {
    const html = await page.content();
    for (const secret of [SECRET, TOKEN, AES_KEY]) assert.ok(!html.includes(secret), 'no secret on the page');
  };

  await t.test('the screen is on the admin menu', async () => {
    await signIn(page, base, 'admin');
    await page.getByRole('link', { name: '系统管理' }).click();
    await page.waitForURL(/\/admin$/);
    await page.getByRole('link', { name: /微信公众号/ }).click();
    await page.waitForURL(/\/admin\/wechat$/);
    assert.match(await page.locator('h1').innerText(), /微信公众号/);
  });

  const form = page.locator('form[action="/admin/wechat"]');
  await t.test('a bad AppID is refused beside its field; what was typed stays, the secrets do not', async () => {
    await form.getByLabel('公众号名称').fill('翠湖业主服务号');
    await form.getByLabel('开发者ID (AppID)').fill('wx123');
    await form.getByLabel('项目').selectOption(project.id);
    await form.getByLabel('AppSecret').fill(SECRET);
    await form.getByLabel('Token').fill(TOKEN);
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('.notice[role=alert]').waitFor();
    assert.ok((await page.locator('#e-app_id').innerText()).length > 0, 'the problem is beside the AppID');
    assert.equal(await form.getByLabel('开发者ID (AppID)').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('公众号名称').inputValue(), '翠湖业主服务号', 'what was typed stays');
    assert.equal(await form.getByLabel('AppSecret').inputValue(), '', 'a secret is never sent back');
    await seesNoSecret();
    await bothSizes(page, 'admin-wechat-refused');
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;
  });

  let id;
  await t.test('an account is registered and listed with its server URL; its secrets only as set', async () => {
    await form.getByLabel('开发者ID (AppID)').fill('wx00e2e0000000beef');
    await form.getByLabel('AppSecret').fill(SECRET);
    await form.getByLabel('Token').fill(TOKEN);
    await form.getByLabel('EncodingAESKey').fill(AES_KEY);
    await form.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/admin\/wechat\?done=saved#a-/);
    id = page.url().split('#a-').pop();
    const row = page.locator(`tr#a-${id}`);
    const text = await row.innerText();
    assert.match(text, /翠湖业主服务号/);
    assert.match(text, /wx00e2e0000000beef/);
    assert.ok(text.includes(project.name), 'its project');
    assert.match(text, /启用/);
    assert.match(text, /AppSecret 已设置/);
    assert.match(text, /EncodingAESKey 已设置/);
    const url = await row.locator('.callback-url').innerText();
    const stored = await admin(`/api/v1/channels/wechat/${id}`);
    assert.equal(url, `https://${new URL(base).host}${stored.callback_path}`, 'the URL to paste into WeChat');
    assert.match(await page.locator('.done[role=status]').innerText(), /已保存|Saved/);
    await seesNoSecret();
    await bothSizes(page, 'admin-wechat');
  });

  await t.test('an edit with the secrets left empty keeps them', async () => {
    await page.getByRole('link', { name: '编辑 翠湖业主服务号' }).click();
    await page.waitForURL(/\/admin\/wechat\?id=/);
    assert.match(await page.locator('#form-title').innerText(), /编辑公众号/);
    assert.equal(await form.getByLabel('AppSecret').inputValue(), '');
    assert.match(await page.locator('#h-app_secret').innerText(), /已设置：留空则保持不变/);
    await seesNoSecret();
    await bothSizes(page, 'admin-wechat-edit');
    await form.getByLabel('公众号名称').fill('翠湖花园服务号');
    await form.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/admin\/wechat\?done=saved#a-/);
    const stored = await admin(`/api/v1/channels/wechat/${id}`);
    assert.equal(stored.name, '翠湖花园服务号');
    assert.equal(stored.app_secret_set, true);
    assert.equal(stored.token_set, true);
    assert.equal(stored.encoding_aes_key_set, true);
    assert.ok(!JSON.stringify(stored).includes(SECRET), 'the API never answers a secret either');
  });

  await t.test('the account is stopped and started again', async () => {
    await page.getByRole('button', { name: '停用 翠湖花园服务号' }).click();
    await page.waitForURL(/\/admin\/wechat\?done=saved#a-/);
    assert.match(await page.locator(`tr#a-${id}`).innerText(), /已停用/);
    assert.equal((await admin(`/api/v1/channels/wechat/${id}`)).active, false);
    await page.getByRole('button', { name: '启用 翠湖花园服务号' }).click();
    await page.waitForURL(/\/admin\/wechat\?done=saved#a-/);
    assert.equal((await admin(`/api/v1/channels/wechat/${id}`)).active, true);
    await seesNoSecret();
  });

  await t.test('an agent may not open it', async () => {
    const agent = await browser.context.newPage();
    await browser.context.clearCookies();
    await signIn(agent, base, 'agent1');
    const response = await agent.goto(`${base}/admin/wechat`);
    assert.equal(response.status(), 403);
    await agent.close();
  });

  assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), []);
});
