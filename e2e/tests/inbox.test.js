// The agents' inbox on real screens: a resident writes in the H5 chat (through the API, as the
// chat page does), the message appears in agent1's /inbox without a reload, the agent answers
// it and opens a ticket from it (the ticket's page shows the messages on its timeline); the
// resident's H5 chat, on a 375-px phone, shows the answer and sends a photo, which the agent
// sees inline; opening the conversation reads it (unread back to zero). Desktop and phone
// screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, watchErrors, signIn, screenshot, overflows, PHONE } = require('./support');

const CODE_LINE = /resident sign-in code \(demo delivery\).*?code=(\d{6})/g;

test('inbox: an H5 chat message answered, a ticket opened, the answer in the chat', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  // A demo resident of a project agent1 works in.
  const admin = await api(base, 'admin');
  const me = await (await api(base, 'agent1'))('/api/v1/me');
  const projectId = me.project_ids[0];
  const residents = await admin(`/api/v1/residents?project_id=${projectId}&per_page=5`);
  const resident = await admin(`/api/v1/residents/${residents.items[0].id}`);

  // The resident signs in over the API with the code the demo writes to the log.
  const post = (url, body, token) => fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const sent = await post('/api/v1/auth/resident/code', { phone: resident.phone });
  assert.ok(sent.ok, `code: ${sent.status}`);
  let code;
  for (let i = 0; i < 50 && !code; i += 1) {
    code = [...server.log().matchAll(CODE_LINE)].map((m) => m[1]).pop();
    if (!code) await page.waitForTimeout(100);
  }
  assert.ok(code, 'a sign-in code in the server log');
  const login = await post('/api/v1/auth/resident/login', { phone: resident.phone, code });
  assert.ok(login.ok, `login: ${login.status}`);
  const { token } = await login.json();

  const words = `卫生间下水道堵了，水漫出来了 ${Date.now() % 10000}`;
  let conversationId;

  await t.test('the message appears in the inbox without a reload', async () => {
    await signIn(page, base, 'agent1');
    await page.getByRole('link', { name: '会话' }).first().click();
    await page.waitForURL(/\/inbox$/);
    // Written after the page loaded: the list's polling brings it in.
    const chat = await post('/api/v1/chat/messages', { text: words }, token);
    const body = await chat.text();
    assert.equal(chat.status, 201, body);
    ({ conversation_id: conversationId } = JSON.parse(body));
    const row = page.locator('.conversation-row', { hasText: words.slice(0, 20) });
    await row.waitFor({ timeout: 4000 });
    assert.equal(await row.locator('.unread-count').innerText(), '1');
    await row.getByRole('link').click();
    await page.waitForURL(/\/inbox\?c=/);
    assert.match(await page.locator('#thread-messages').innerText(), new RegExp(words.slice(0, 10)));
    assert.match(await page.locator('.inbox-profile').innerText(), new RegExp(resident.name));
    await bothSizes(page, 'inbox-thread');
  });

  await t.test('the agent answers and opens a ticket from the conversation', async () => {
    await page.getByLabel('回复住户').fill('您好，已通知维修师傅，30分钟内上门');
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/\/inbox\?c=/);
    await page.locator('.bubble.out', { hasText: '30分钟内上门' }).waitFor();
    const row = page.locator('.conversation-row.current');
    assert.equal(await row.locator('.unread-count').count(), 0, 'answered: nothing unread');
    await page.getByRole('button', { name: '转为工单' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const timeline = await page.locator('.timeline').innerText();
    assert.match(timeline, /会话消息/, 'the messages are on the ticket\'s timeline');
    await screenshot(page, 'inbox-ticket-desktop');
    const c = await (await api(base, 'agent1'))(`/api/v1/conversations/${conversationId}`);
    assert.ok(c.ticket_id, 'the conversation links its ticket');
    assert.equal(c.owner_id, me.id, 'the first to answer owns it');
  });

  await t.test('the resident reads the answer in the H5 chat on a phone', async () => {
    const resident_page = await browser.context.newPage();
    await browser.context.clearCookies();
    await browser.context.addCookies([{ name: 'gj_session', value: token, url: base }]);
    await resident_page.setViewportSize(PHONE);
    await resident_page.goto(`${base}/h5/chat`);
    await resident_page.locator('.bubble.in', { hasText: '30分钟内上门' }).waitFor();
    assert.match(await resident_page.locator('#chat-thread').innerText(), new RegExp(words.slice(0, 10)));
    assert.equal(await overflows(resident_page), false, 'the chat fits a phone');
    await screenshot(resident_page, 'h5-chat-phone');
    // The resident writes again from the page, with a photo; it reaches the inbox unread.
    const picture = await resident_page.screenshot({ type: 'png' });
    await resident_page.getByLabel('输入消息…').fill('好的，谢谢');
    await resident_page.getByLabel('照片', { exact: true }).setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: picture });
    await resident_page.getByRole('button', { name: '发送' }).click();
    const mine = resident_page.locator('.bubble.out', { hasText: '好的，谢谢' });
    await mine.waitFor();
    const shown = mine.locator('img');
    await shown.waitFor();
    assert.ok(await shown.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo shows in the chat');
    await screenshot(resident_page, 'h5-chat-photo-phone');
    const agent = await api(base, 'agent1');
    const unread = await agent('/api/v1/conversations?unread=true');
    const listed = unread.items.find((c) => c.id === conversationId);
    assert.ok(listed, 'unread again');
    assert.equal(listed.unread, 1);
    assert.equal(listed.state, 'open');
    await resident_page.close();
  });

  await t.test('the agent opens it: the photo shows inline and reading clears unread', async () => {
    await browser.context.clearCookies();
    await signIn(page, base, 'agent1');
    await page.goto(`${base}/inbox?c=${conversationId}`);
    const bubble = page.locator('.bubble.in', { hasText: '好的，谢谢' });
    await bubble.waitFor();
    const thumbnail = bubble.locator('.message-files img');
    await thumbnail.waitFor();
    assert.ok(await thumbnail.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo loads');
    assert.equal(await page.locator('.conversation-row.current .unread-count').count(), 0, 'read: nothing unread in the list');
    const c = await (await api(base, 'agent1'))(`/api/v1/conversations/${conversationId}`);
    assert.equal(c.unread, 0, 'read in the inbox');
    assert.equal(c.messages.at(-1).files[0].content_type, 'image/png');
    const unread = await (await api(base, 'agent1'))('/api/v1/conversations?unread=true');
    assert.ok(!unread.items.some((x) => x.id === conversationId));
    await bothSizes(page, 'inbox-photo');
  });

  assert.deepEqual(errors, []);
});
