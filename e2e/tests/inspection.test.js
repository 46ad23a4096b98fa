// Quality inspection (质检) on real screens: a supervisor of the demo company opens the queue,
// scores a sampled ticket beside its timeline, the agent inspected sees the result and appeals
// once, and the supervisor overturns it with a new score. Desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, signIn, overflows, watchErrors, screenshot, PHONE, DESKTOP } = require('./support');

test('an inspector scores, the agent appeals, the supervisor decides', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;

  // A pending inspection of one of the desk agents the demo signs in as.
  const supervisorApi = await api(base, 'supervisor1');
  const manager = await api(base, 'manager');
  const staff = await manager('/api/v1/staff?per_page=200');
  const username = new Map(staff.items.map((s) => [s.id, s.username]));
  const pending = await supervisorApi('/api/v1/inspections?state=pending&per_page=200');
  const chosen = pending.items.find((i) => /^agent[123]$/.test(username.get(i.staff_id) || ''));
  assert.ok(chosen, 'the demo has a pending inspection of a desk agent');
  const agent = username.get(chosen.staff_id);
  const url = `${base}/inspection/${chosen.id}`;

  await t.test('the supervisor scores it beside the ticket', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'supervisor1');
    await page.getByRole('link', { name: '质检', exact: true }).click();
    await page.waitForURL(`${base}/inspection`);
    assert.ok((await page.locator('#inspections tbody tr').count()) > 0, 'the queue lists inspections');
    await bothSizes(page, 'inspection-queue');
    await page.setViewportSize(DESKTOP);
    await page.goto(url);
    assert.match(await page.locator('.inspect-ticket').innerText(), new RegExp(chosen.ticket_number));
    await page.getByLabel('开场白', { exact: false }).first().fill('6');
    await page.locator('#comment').fill('开场白未报工号');
    await bothSizes(page, 'inspection-score-form');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: '保存评分' }).click();
    await page.waitForURL(/\?done=scored$/);
    await page.locator('#done').waitFor();
    assert.equal(await page.locator('#inspection-state').innerText(), '已评分');
    const scored = await supervisorApi(`/api/v1/inspections/${chosen.id}`);
    assert.equal(scored.state, 'scored');
    assert.ok(scored.score < 100 && scored.score > 0, `score ${scored.score}`);
    assert.equal(await page.locator('#inspection-score').innerText(), String(scored.score));
  });

  await t.test('the agent sees the result and appeals once', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(PHONE);
    await signIn(page, base, agent);
    await page.goto(`${base}/inspection`);
    assert.match(await page.locator('h1').innerText(), /我的质检结果/);
    assert.match(await page.locator('#inspections').innerText(), new RegExp(chosen.ticket_number));
    assert.equal(await overflows(page), false);
    await screenshot(page, 'inspection-mine-phone');
    await page.goto(url);
    await page.locator('#reason').fill('已报工号，录音第 3 秒可听到');
    await page.getByRole('button', { name: '提交申诉（仅一次）' }).click();
    await page.waitForURL(/\?done=appealed$/);
    await page.locator('#done').waitFor();
    assert.equal(await page.locator('#appeal-form').count(), 0, 'one appeal only');
    assert.equal(await page.locator('#inspection-state').innerText(), '申诉中');
    await bothSizes(page, 'inspection-appealed');
  });

  await t.test('the supervisor overturns it with a new score', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'supervisor1');
    await page.goto(`${base}/inspection?state=appealed`);
    assert.match(await page.locator('#inspections').innerText(), new RegExp(chosen.ticket_number));
    await page.goto(url);
    await page.getByLabel('改判为新分数').check();
    await page.getByLabel('新分数（0–100）').fill('95');
    await page.getByLabel('裁定理由').fill('复听录音，开场白完整');
    await page.getByRole('button', { name: '提交裁定' }).click();
    await page.waitForURL(/\?done=decided$/);
    await page.locator('#done').waitFor();
    assert.equal(await page.locator('#inspection-state').innerText(), '已改判');
    assert.equal(await page.locator('#inspection-score').innerText(), '95');
    await bothSizes(page, 'inspection-decided');
    const decided = await supervisorApi(`/api/v1/inspections/${chosen.id}`);
    assert.equal(decided.state, 'overturned');
    assert.equal(decided.score, 95);
  });

  assert.deepEqual(errors, []);
});
