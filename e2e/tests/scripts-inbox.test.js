// Standard scripts in the inbox and on their own page: a resident writes in the H5 chat (through
// the API), agent1 opens the conversation and puts a general script, filled with the resident's
// name, into the reply box with one click (the use counted); an admin adds a script on
// /kb/scripts and archives it, each action answered on the page. Desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, residentToken, bothSizes, watchErrors, signIn } = require('./support');

test('scripts: an agent inserts one in the inbox reply box, an admin keeps them', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');

  await t.test('an agent puts a general script into the inbox reply box', async () => {
    const me = await (await api(base, 'agent1'))('/api/v1/me');
    const residents = await admin(`/api/v1/residents?project_id=${me.project_ids[0]}&per_page=5`);
    const resident = await admin(`/api/v1/residents/${residents.items[0].id}`);
    const token = await residentToken(server, resident.phone);
    const chat = await fetch(`${base}/api/v1/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: `请问物业费可以线上交吗 ${Date.now() % 10000}` }),
    });
    assert.equal(chat.status, 201, await chat.clone().text());
    const { conversation_id: id } = await chat.json();

    await signIn(page, base, 'agent1');
    await page.goto(`${base}/inbox?c=${id}`);
    const list = page.locator('.inbox-scripts .script-list');
    await list.waitFor();
    // No ticket yet: the company-wide words for any talk, none tied to a category.
    assert.equal(await list.locator('button', { hasText: '燃气异味安抚' }).count(), 0);
    await list.locator('button', { hasText: '标准问候' }).click();
    const text = await page.locator('#reply-text').inputValue();
    assert.ok(text.startsWith(`${resident.name}您好`), text);
    assert.ok(!text.includes('{'), text);
    await page.locator('.inbox-scripts button.used').waitFor();
    const scripts = await admin('/api/v1/kb/scripts?per_page=100');
    assert.equal(scripts.items.find((s) => s.title === '标准问候').use_count, 1);
    await bothSizes(page, 'scripts-inbox');
  });

  await t.test('an admin adds a script and archives it', async () => {
    await page.context().clearCookies();
    await signIn(page, base, 'admin');
    await page.goto(`${base}/kb`);
    await page.getByRole('link', { name: '话术库' }).click();
    await page.waitForURL(`${base}/kb/scripts`);
    await page.getByLabel('标题').fill('停水通知答复');
    await page.getByLabel('场景').selectOption('refusal');
    await page.getByLabel('话术内容').fill('{称呼}您好，本次停水由市政施工引起，预计{预计时间}恢复，请提前储水。');
    await page.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(`${base}/kb/scripts?done=saved`);
    await page.locator('.done', { hasText: '已保存' }).waitFor();
    await bothSizes(page, 'scripts-admin-list');
    await page.getByRole('link', { name: /停水通知答复/ }).click();
    await page.locator('details.archive summary').click();
    await page.getByRole('button', { name: /归档 停水通知答复/ }).click();
    await page.locator('.done', { hasText: '已归档' }).waitFor();
    await bothSizes(page, 'scripts-admin-archived');
    const scripts = await admin('/api/v1/kb/scripts?per_page=100');
    assert.equal(scripts.items.find((s) => s.title === '停水通知答复').active, false);
  });

  assert.deepEqual(errors, []);
});
