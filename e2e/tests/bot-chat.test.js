// The FAQ bot answering first in the residents' H5 chat, on real screens: a demo resident asks
// how to pay the property fee and the bot (智能客服) answers from the demo's articles in the
// thread, with 有帮助 / 没帮助 under it; then reports a dripping tap, which the bot hands to a
// person with its note; agent1 sees that conversation in /inbox as waiting for an answer, with
// the question, the bot's answer and its hand-off note. Desktop and 375-px phone screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');

const CODE_LINE = /resident sign-in code \(demo delivery\).*?code=(\d{6})/g;

test('bot chat: answered in the H5 chat, a repair handed off and seen in the inbox', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  // A demo resident of a project agent1 works in, signed in with the code the demo logs.
  const admin = await api(base, 'admin');
  const me = await (await api(base, 'agent1'))('/api/v1/me');
  const projectId = me.project_ids[0];
  const residents = await admin(`/api/v1/residents?project_id=${projectId}&per_page=5`);
  const resident = await admin(`/api/v1/residents/${residents.items[0].id}`);
  const post = (url, body) => fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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

  const ask = async (words) => {
    await page.getByLabel('输入消息…').fill(words);
    await page.getByRole('button', { name: '发送' }).click();
    await page.locator('.bubble.out', { hasText: words }).waitFor();
  };

  await t.test('the bot answers a question in the H5 chat', async () => {
    await browser.context.addCookies([{ name: 'gj_session', value: token, url: base }]);
    await page.goto(`${base}/h5/chat`);
    await ask('物业费能用微信交吗？');
    const answer = page.locator('.bubble.in', { hasText: '微信公众号' });
    await answer.waitFor();
    assert.match(await answer.innerText(), /智能客服/);
    assert.ok(await answer.getByRole('button', { name: '有帮助' }).isVisible());
    assert.ok(await answer.getByRole('button', { name: '没帮助' }).isVisible());
    await bothSizes(page, 'bot-chat-answered');
  });

  await t.test('a repair is handed to a person with the bot\'s note', async () => {
    await ask('卫生间水龙头坏了，关不紧，麻烦派师傅来修一下');
    const note = page.locator('.bubble.in', { hasText: '已为您转人工客服' });
    await note.waitFor();
    assert.match(await note.innerText(), /报修工单/);
    assert.equal(await note.getByRole('button').count(), 0, 'a hand-off has nothing to rate');
    await bothSizes(page, 'bot-chat-handed-off');
  });

  await t.test('the agent sees it in the inbox, waiting for an answer', async () => {
    await browser.context.clearCookies();
    await signIn(page, base, 'agent1');
    await page.goto(`${base}/inbox?state=open`);
    const row = page.locator('.conversation-row', { hasText: '卫生间水龙头坏了' });
    await row.waitFor();
    await row.getByRole('link').click();
    await page.waitForURL(/\/inbox\?.*c=/);
    const thread = page.locator('#thread-messages');
    await thread.locator('.bubble', { hasText: '微信公众号' }).waitFor();
    const shown = await thread.innerText();
    for (const words of ['物业费能用微信交吗', '智能客服', '卫生间水龙头坏了', '已为您转人工客服']) {
      assert.ok(shown.includes(words), `${words} in the thread`);
    }
    assert.ok(await page.getByRole('button', { name: '转为工单' }).isVisible(), 'a ticket can be opened from it');
    await bothSizes(page, 'bot-chat-inbox');
    assert.deepEqual(errors, []);
  });
});
