// One inbox for every channel, on real screens: a follower writes to the company's WeChat
// official account (the test POSTs to the account's callback as WeChat does: signature over
// Token, timestamp and nonce, XML body), and a resident mails the company's mailbox (a real
// IMAP server, dovecot); agent1 sees both appear in /inbox without a reload and answers them
// from the reply box. The answers leave as WeChat documents its customer-service message (to a
// local stand-in of WeChat's API that checks the request) and by SMTP in the mail's thread (to
// a real SMTP server, aiosmtpd). A picture the follower sends is fetched from the stand-in's
// temporary-media API after the push was answered and shown in the thread, loaded from the files
// route. Then agent1 opens a ticket from the WeChat conversation and finds the messages first on
// its timeline. Desktop and 375-px phone screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { start, api, bothSizes, watchErrors, signIn, screenshot, overflows, PHONE, DESKTOP } = require('./support');
const { startMailServers, USER: MAILBOX } = require('./mail');

const APP_ID = 'wx2c2769f8efd9abc2';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'guanjiae2e2026';
/** An answer's delivery once the provider took it (the page shows the state's code for now). */
const SENT = /已送达|\bsent\b/;
/** The demo project agent1 works in: the mailbox serves it. */
const PROJECT_CODE = 'cuihu';

/** A 1×1 PNG: the picture the stand-in serves for `e2e_image_*` media ids. */
const PICTURE = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8dfc0000004010180c52a185d0000000049454e44ae426082', 'hex');

/**
 * A local stand-in for WeChat's server API, written from WeChat's documentation (获取
 * Access token, 客服消息, 获取临时素材): it checks each request and answers as WeChat does,
 * errors included, and keeps the customer-service messages it accepted.
 */
async function startWechatApi() {
  const sent = [];
  let current = null;
  let issued = 0;
  const answer = (response, body) => {
    response.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' });
    response.end(JSON.stringify(body));
  };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const q = url.searchParams;
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      // GET /cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET
      if (request.method === 'GET' && url.pathname === '/cgi-bin/token') {
        if (q.get('grant_type') !== 'client_credential') return answer(response, { errcode: 40002, errmsg: 'invalid grant_type' });
        if (q.get('appid') !== APP_ID) return answer(response, { errcode: 40013, errmsg: 'invalid appid' });
        if (q.get('secret') !== APP_SECRET) return answer(response, { errcode: 40125, errmsg: 'invalid appsecret' });
        issued += 1;
        current = `ACCESS_TOKEN_${issued}`;
        return answer(response, { access_token: current, expires_in: 7200 });
      }
      // POST /cgi-bin/message/custom/send?access_token=TOKEN {"touser","msgtype":"text","text":{"content"}}
      if (request.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
        if (!q.get('access_token')) return answer(response, { errcode: 41001, errmsg: 'access_token missing' });
        if (q.get('access_token') !== current) return answer(response, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
        let message;
        try {
          message = JSON.parse(body);
        } catch {
          return answer(response, { errcode: 47001, errmsg: 'data format error' });
        }
        const wellFormed = typeof message.touser === 'string' && message.touser !== ''
          && message.msgtype === 'text' && typeof message.text?.content === 'string' && message.text.content !== '';
        if (!wellFormed) return answer(response, { errcode: 44002, errmsg: 'empty post data' });
        sent.push(message);
        return answer(response, { errcode: 0, errmsg: 'ok' });
      }
      // GET /cgi-bin/media/get?access_token=TOKEN&media_id=MEDIA_ID: the file itself, or 40007.
      if (request.method === 'GET' && url.pathname === '/cgi-bin/media/get') {
        if (q.get('access_token') !== current) return answer(response, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
        const mediaId = q.get('media_id') || '';
        if (!mediaId.startsWith('e2e_image_')) return answer(response, { errcode: 40007, errmsg: 'invalid media_id' });
        response.writeHead(200, {
          'content-type': 'image/png',
          'content-disposition': `attachment; filename="${mediaId}.png"`,
        });
        return response.end(PICTURE);
      }
      response.writeHead(404);
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    sent,
    close: () => server.close(),
  };
}

/** WeChat's `signature`: SHA-1 of the sorted Token, timestamp and nonce. */
function signature(timestamp, nonce) {
  return crypto.createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
}

/** POSTs a follower's text message to the callback as WeChat does (明文模式). */
async function pushText(base, callbackPath, openid, msgId, content) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(crypto.randomInt(1e9));
  const xml = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>`
    + `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>`
    + `<MsgId>${msgId}</MsgId></xml>`;
  const response = await fetch(`${base}${callbackPath}?signature=${signature(timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: xml,
  });
  return { status: response.status, body: await response.text() };
}

/** POSTs a follower's picture to the callback as WeChat does: its PicUrl and MediaId. */
async function pushImage(base, callbackPath, openid, msgId, mediaId) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(crypto.randomInt(1e9));
  const xml = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>`
    + `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[image]]></MsgType>`
    + `<PicUrl><![CDATA[http://mmbiz.qpic.cn/mmbiz_jpg/e2e/0]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId>`
    + `<MsgId>${msgId}</MsgId></xml>`;
  const response = await fetch(`${base}${callbackPath}?signature=${signature(timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: xml,
  });
  return { status: response.status, body: await response.text() };
}

/** Waits until `probe()` answers something truthy; that answer. */
async function eventually(probe, what, seconds = 15) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const got = probe();
    if (got) return got;
    if (Date.now() > until) throw new Error(`${what}: nothing after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A mail's headers (unfolded, by lower-case name) and its body decoded to text. */
function readMail(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(at).trim();
  const encoding = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => `%${hex}`);
    body = decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return { headers, body };
}

/** A mail as a client writes it: UTF-8 subject and text. */
function mail({ from, messageId, subject, text }) {
  return [
    `From: ${from}`,
    `To: ${MAILBOX}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
  ].join('\n');
}

test('inbox: a WeChat message and an e-mail answered on their channels, a ticket opened from one', { timeout: 240_000 }, async (t) => {
  const wechat = await startWechatApi();
  const mailServers = await startMailServers();
  t.after(() => {
    wechat.close();
    mailServers.stop();
  });
  const config = `[delivery]
# No quiet hours, so that the test does not depend on the hour it runs at.
quiet_start = "00:00"
quiet_end = "00:00"
poll_millis = 200

[delivery.wechat]
base_url = "${wechat.base}"

${mailServers.config(PROJECT_CODE)}`;
  const { server, browser } = await start(t, { config });
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);

  const admin = await api(base, 'admin');
  const agent = await api(base, 'agent1');
  const me = await agent('/api/v1/me');
  const project = await admin(`/api/v1/projects/${me.project_ids[0]}`);
  assert.equal(project.code, PROJECT_CODE, 'the mailbox serves agent1\'s project');
  const account = await admin.post('/api/v1/channels/wechat', {
    name: '翠湖服务号', app_id: APP_ID, app_secret: APP_SECRET, token: TOKEN, project_id: project.id,
  });
  assert.match(account.callback_path, /^\/wechat\/callback\//);

  const stamp = Date.now() % 100000;
  const openid = `oE2eFollower${stamp}`.padEnd(28, '0');
  const wechatWords = `2栋电梯门关不上，一直在响 ${stamp}`;
  const wechatAnswer = `您好，电梯维保人员10分钟内到场 ${stamp}`;
  const mailWords = `地下车库B区顶上在滴水，车都湿了 ${stamp}`;
  const mailAnswer = `您好，已安排工程部今天下午检修车库 ${stamp}`;
  const mailId = `e2e-${stamp}@example.com`;

  await signIn(page, base, 'agent1');
  await page.getByRole('link', { name: '会话' }).first().click();
  await page.waitForURL(/\/inbox$/);

  await t.test('a WeChat message appears without a reload and the answer reaches WeChat', async () => {
    // Pushed after the page loaded: the list's polling brings it in.
    const pushed = await pushText(base, account.callback_path, openid, `61${stamp}`, wechatWords);
    assert.deepEqual(pushed, { status: 200, body: 'success' });
    const row = page.locator('.conversation-row', { hasText: wechatWords });
    await row.waitFor({ timeout: 5000 });
    assert.equal(await row.locator('.unread-count').innerText(), '1');
    assert.match(await row.locator('.chip').innerText(), /微信/);
    await row.getByRole('link').click();
    await page.waitForURL(/\/inbox\?c=/);
    assert.match(await page.locator('#thread-messages').innerText(), new RegExp(wechatWords));
    assert.match(await page.locator('.inbox-profile').innerText(), /未绑定的用户/);
    await bothSizes(page, 'inbox-wechat');

    await page.getByLabel('回复住户').fill(wechatAnswer);
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/\/inbox\?c=/);
    const answer = page.locator('.bubble.out', { hasText: wechatAnswer });
    await answer.waitFor();
    const received = await eventually(() => wechat.sent.find((m) => m.text.content === wechatAnswer), 'the answer at WeChat');
    assert.deepEqual(received, { touser: openid, msgtype: 'text', text: { content: wechatAnswer } });
    // The thread's polling shows how far the answer got.
    await page.locator('.bubble.out', { hasText: wechatAnswer }).locator('.delivery', { hasText: SENT }).waitFor({ timeout: 10_000 });
    await bothSizes(page, 'inbox-wechat-answered');
  });

  await t.test('a WeChat picture is fetched after the push and shown in the thread', async () => {
    const mediaId = `e2e_image_${stamp}`;
    const pushed = await pushImage(base, account.callback_path, openid, `62${stamp}`, mediaId);
    assert.deepEqual(pushed, { status: 200, body: 'success' });
    const thread = page.url();
    const picture = page.locator('.bubble.in img[src*="/files/"]');
    // The media worker fetches it within a poll or two; the thread shows it once kept.
    const until = Date.now() + 15_000;
    while (await picture.count() === 0) {
      if (Date.now() > until) throw new Error('the picture never appeared in the thread');
      await page.waitForTimeout(300);
      await page.goto(thread);
    }
    const src = await picture.first().getAttribute('src');
    assert.match(src, /^\/inbox\/[0-9a-f-]{36}\/files\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    for (const size of [null, PHONE]) {
      if (size) await page.setViewportSize(size);
      await picture.first().scrollIntoViewIfNeeded();
      const loaded = await picture.first().evaluate((img) => img.complete && img.naturalWidth > 0);
      assert.equal(loaded, true, 'the picture loaded from the files route');
    }
    await page.setViewportSize(DESKTOP);
    await bothSizes(page, 'inbox-wechat-picture');
  });

  await t.test('an e-mail appears without a reload and the answer leaves by SMTP in its thread', async () => {
    await page.goto(`${base}/inbox`);
    await mailServers.deliver(mail({
      from: '=?UTF-8?B?546L6Iqz?= <wang.fang@example.com>', messageId: mailId, subject: '车库漏水', text: mailWords,
    }));
    // Read by IMAP within a second or two, then shown by the list's polling.
    const row = page.locator('.conversation-row', { hasText: mailWords });
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.locator('.chip').innerText(), /邮件/);
    assert.match(await row.locator('.who').innerText(), /wang\.fang@example\.com/);
    await row.getByRole('link').click();
    await page.waitForURL(/\/inbox\?c=/);
    assert.match(await page.locator('#thread-messages').innerText(), new RegExp(mailWords));
    await bothSizes(page, 'inbox-email');

    await page.getByLabel('回复住户').fill(mailAnswer);
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/\/inbox\?c=/);
    await page.locator('.bubble.out', { hasText: mailAnswer }).waitFor();
    const raw = await eventually(() => mailServers.sent().find((m) => readMail(m).body.includes(mailAnswer)), 'the answer at the SMTP server');
    const { headers } = readMail(raw);
    assert.match(headers.to, /wang\.fang@example\.com/);
    assert.match(headers.from, new RegExp(MAILBOX));
    assert.equal(headers['in-reply-to'], `<${mailId}>`);
    assert.match(headers.references, new RegExp(`<${mailId}>`));
    assert.match(headers.subject, /^(Re:|=\?utf-8\?)/i);
    await page.locator('.bubble.out', { hasText: mailAnswer }).locator('.delivery', { hasText: SENT }).waitFor({ timeout: 10_000 });
    await bothSizes(page, 'inbox-email-answered');
  });

  await t.test('a ticket opened from the WeChat conversation starts with its messages', async () => {
    const row = page.locator('.conversation-row', { has: page.locator('.chip', { hasText: '微信' }) });
    await row.getByRole('link').click();
    await page.waitForURL(/\/inbox\?c=/);
    assert.match(await page.locator('#thread-messages').innerText(), new RegExp(wechatWords));
    await page.getByRole('button', { name: '转为工单' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const entries = page.locator('.timeline > li');
    const [first, second, ...rest] = await entries.allInnerTexts();
    assert.match(first, /会话消息/);
    assert.match(first, new RegExp(wechatWords));
    // The FAQ bot answered first: a broken lift is a repair, handed to a person with a note.
    assert.match(second, /会话消息/);
    assert.match(second, /智能客服/);
    assert.match(second, /已为您转人工客服/);
    // The agent's answer follows; the picture the resident sent after it carries WeChat's time in
    // whole seconds, so within the same second it may stand before the answer.
    const answer = rest.find((text) => text.includes(wechatAnswer));
    assert.ok(answer, `the agent's answer is on the timeline: ${JSON.stringify(rest)}`);
    assert.match(answer, /会话消息/);
    assert.match(await page.locator('main').innerText(), /微信/, 'the ticket names the channel it came on');
    await bothSizes(page, 'inbox-channels-ticket');
    // The timeline on a phone, where it sits below the ticket's details.
    await page.setViewportSize(PHONE);
    await entries.nth(0).scrollIntoViewIfNeeded();
    assert.equal(await overflows(page), false, 'the timeline fits a phone');
    await screenshot(page, 'inbox-channels-timeline-phone');
  });

  assert.deepEqual(errors, []);
});
