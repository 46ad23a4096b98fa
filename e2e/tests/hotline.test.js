// 12345 hotline orders on the pages: an agent imports the platform's .xlsx export on /hotline and
// sees the on-time share move, opens an imported order's ticket with its number and the
// platform's deadlines, has a too-short reply refused with the text kept and each rule beside
// it, then, once the ticket is resolved, saves a complete reply that is accepted.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');
const { workbook } = require('./xlsx');

const HOUR = 3_600_000;
/** A time as the platform writes it: Beijing time, "2026-12-06 21:30:00". */
const beijing = (ms) => new Date(ms + 8 * HOUR).toISOString().slice(0, 19).replace('T', ' ');

/** The on-time share's counts, "(answered in time/orders whose outcome is known)"; none before any. */
async function onTime(page) {
  const text = await page.locator('dd.on-time').innerText();
  const counts = text.match(/\((\d+)\/(\d+)\)/);
  return counts ? { inTime: Number(counts[1]), known: Number(counts[2]), text } : { inTime: 0, known: 0, text };
}

test('12345 orders: import, the order on its ticket, the handling result', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const agent = await api(base, 'agent1');

  const now = Date.now();
  // Numbers unique to this run (the platform's 工单编号 is unique within the company).
  const onTimeNo = `GD-E2E-${now}-1`;
  const lateNo = `GD-E2E-${now}-2`;
  const request = '3号楼东侧路灯不亮已经一周，晚上出行很不方便，请物业尽快维修。';
  // The platform's columns in its own order, under its title row.
  const sheet = workbook([
    ['12345政务服务便民热线工单导出'],
    ['工单编号', '来电时间', '诉求人', '联系电话', '诉求内容', '签收时限', '办理时限', '所属街道'],
    [onTimeNo, beijing(now - HOUR), '李先生', '13700137000', request, beijing(now + 2 * HOUR), beijing(now + 72 * HOUR), '翠湖街道'],
    // Its 办结 deadline passed an hour ago with no reply: it counts against the on-time share.
    [lateNo, beijing(now - 72 * HOUR), '王女士', '13800138000', '地下车库入口积水严重，车辆进出困难。', beijing(now - 70 * HOUR), beijing(now - HOUR), '翠湖街道'],
  ]);
  const file = { name: '12345工单导出.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: sheet };

  let before;
  await t.test('an agent checks and imports the platform export and sees the on-time share', async () => {
    await signIn(page, base, 'agent1');
    await page.getByRole('link', { name: '12345工单' }).first().click();
    await page.waitForURL(/\/hotline$/);
    before = await onTime(page);

    await page.getByLabel('Excel 文件 (.xlsx)').setInputFiles(file);
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.locator('#import-result .ok').waitFor();
    assert.match(await page.locator('#import-result').innerText(), /检查通过，可导入的工单数\s*2/);
    assert.deepEqual(await onTime(page), before, 'a check takes nothing in');

    // A plain form: after the check the file is chosen again, then imported.
    await page.getByLabel('Excel 文件 (.xlsx)').setInputFiles(file);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('#import-result .ok').waitFor();
    assert.match(await page.locator('#import-result').innerText(), /新建工单\s*2\s*·\s*更新工单\s*0/);
    const after = await onTime(page);
    assert.equal(after.known, before.known + 1, `the overdue order counts: ${after.text}`);
    assert.equal(after.inTime, before.inTime, after.text);
    assert.match(after.text, /^\d+% \(\d+\/\d+\)$/);
    await bothSizes(page, 'hotline-import');
  });

  let ticketUrl;
  await t.test('the order opens on its ticket with its number and the platform deadlines', async () => {
    await page.getByRole('link', { name: /12345$/ }).click();
    await page.waitForURL(/channel=hotline_12345/);
    // The imported ticket: find it by its order (the list is the channel's, demo orders included).
    const orders = await agent(`/api/v1/hotline/orders?per_page=100`);
    const order = orders.items.find((o) => o.order_no === onTimeNo);
    assert.ok(order, 'the imported order is listed by the API');
    const row = page.locator('table.tickets tbody tr', { hasText: order.ticket_number });
    assert.equal(await row.count(), 1, 'the workbench lists the imported order among the 12345 tickets');
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    ticketUrl = page.url();

    const section = page.locator('section.hotline');
    assert.match(await section.locator('h2').innerText(), new RegExp(`12345工单\\s*${onTimeNo}`));
    assert.match(await section.innerText(), /所属街道\s*翠湖街道/);
    assert.match(await page.locator('.description').innerText(), /路灯不亮/);
    const deadlines = await page.locator('ul.deadlines').innerText();
    assert.match(deadlines, /12345签收/);
    assert.match(deadlines, /12345办结/);
    await bothSizes(page, 'hotline-ticket');
  });

  await t.test('a too-short reply is refused with each rule beside it and the text kept', async () => {
    const typed = '已处理，已告知。';
    const result = page.getByLabel('办理结果');
    await result.fill(typed);
    await page.getByRole('button', { name: '保存办理结果' }).click();
    const problems = page.locator('#hotline-problems');
    await problems.waitFor();
    const why = await problems.innerText();
    assert.match(why, /办理结果：太短/);
    assert.match(why, /工单状态：工单尚未办结，请先完成处理/);
    assert.equal(await page.getByLabel('办理结果').inputValue(), typed, 'what was typed is still there');
    assert.equal(await page.getByLabel('办理结果').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.ticket .notice').count(), 1, 'the refusal is beside the reply, not also at the top');

    // A reply long enough but saying nothing done: that rule, and still the text as typed.
    const vague = '关于您反映的情况，我们非常重视，请您耐心等待进一步的消息。';
    await page.getByLabel('办理结果').fill(vague);
    await page.getByRole('button', { name: '保存办理结果' }).click();
    await page.locator('#hotline-problems', { hasText: '没有写明做了什么' }).waitFor();
    assert.doesNotMatch(await page.locator('#hotline-problems').innerText(), /太短/);
    assert.equal(await page.getByLabel('办理结果').inputValue(), vague);
    await bothSizes(page, 'hotline-reply-refused');
  });

  await t.test('once resolved, a complete reply is accepted and counts as answered in time', async () => {
    const id = ticketUrl.split('/').pop();
    await agent.post(`/api/v1/tickets/${id}/actions`, { action: 'respond', body: '您好，已收到，马上安排电工查看。' });
    await agent.post(`/api/v1/tickets/${id}/actions`, { action: 'resolve', body: '已更换路灯灯泡' });
    await page.goto(ticketUrl);
    assert.equal(await page.locator('#hotline-problems').count(), 0, 'a fresh page carries no old refusal');

    const reply = '已安排电工更换3号楼东侧路灯灯泡，现已恢复照明，并已电话告知李先生处理结果。';
    await page.getByLabel('办理结果').fill(reply);
    await page.getByRole('button', { name: '保存办理结果' }).click();
    await page.locator('section.hotline dt', { hasText: '已答复' }).waitFor();
    assert.equal(await page.locator('#hotline-problems').count(), 0);
    assert.equal(await page.locator('.ticket .notice').count(), 0, 'no refusal anywhere on the ticket');
    assert.equal(await page.getByLabel('办理结果').inputValue(), reply, 'the stored reply is shown');
    assert.match(await page.locator('.timeline').innerText(), /填写办理结果/);
    await bothSizes(page, 'hotline-reply-saved');

    await page.goto(`${base}/hotline`);
    const after = await onTime(page);
    assert.equal(after.inTime, before.inTime + 1, `answered in time: ${after.text}`);
    assert.equal(after.known, before.known + 2, after.text);
    assert.deepEqual(errors, []);
  });
});
