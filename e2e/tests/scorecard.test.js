// Monthly scorecards (考核) on real screens: a manager of the demo company opens the league
// table, opens a card, edits the agents' scheme (a bad one is refused by field, a good one saved
// with feedback and scoring the open month at once), sees last month locked by the scheduler;
// an agent sees only their own card. Desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, signIn, overflows, watchErrors, screenshot, PHONE, DESKTOP } = require('./support');

/** `2026-11`: this month in Beijing, or `back` months before it. */
function month(back = 0) {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

test('a manager reads and tunes the scorecards, an agent sees their own', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;
  const manager = await api(base, 'manager');

  await t.test('the manager opens the league table and a card', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'manager');
    await page.getByRole('link', { name: '考核', exact: true }).click();
    await page.waitForURL(`${base}/scorecards`);
    const cards = await manager(`/api/v1/scorecards?month=${month()}&role=agent`);
    assert.ok(cards.items.length > 1, 'the demo agents have cards this month');
    const rows = page.locator('#league tbody tr');
    assert.equal(await rows.count(), cards.items.length);
    // Best first, as the API ranks them.
    assert.match(await rows.first().innerText(), new RegExp(cards.items[0].name));
    assert.match(await page.locator('#scorecard-open').innerText(), /未锁定/);
    assert.ok(await page.locator('#scorecard-export').getAttribute('href').then((h) => h.includes('format=xlsx')));
    await bothSizes(page, 'scorecard-league');
    await page.setViewportSize(DESKTOP);
    const second = cards.items[1];
    await page.getByRole('link', { name: second.name, exact: true }).click();
    await page.waitForURL(/card=/);
    assert.equal(await page.locator('#card-total').innerText(), second.total_score.toFixed(1));
    assert.equal(await page.locator('#card-lines tbody tr').count(), second.measures.length);
    await bothSizes(page, 'scorecard-card');
  });

  await t.test('the manager edits the scheme: refused by field, then saved', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/scorecards?month=${month()}&role=agent`);
    // The default agents' scheme weighs volume 10 and praise 5: 50 breaks the sum of 100.
    await page.locator('input[name="weight.volume"]').fill('50');
    await page.getByRole('button', { name: '保存方案' }).click();
    await page.locator('.notice.error').waitFor();
    assert.match(await page.locator('.notice.error').innerText(), /terms|权重|方案|考核/);
    assert.equal(await page.locator('input[name="weight.volume"]').inputValue(), '50', 'the form as typed');
    await screenshot(page, 'scorecard-scheme-refused');
    assert.equal((await manager('/api/v1/scorecards/schemes/agent')).terms.find((x) => x.measure === 'volume').weight, 10);
    // Volume 15, praise left out: 100 again.
    await page.locator('input[name="weight.volume"]').fill('15');
    await page.locator('input[name="weight.praise"]').fill('0');
    await page.getByRole('button', { name: '保存方案' }).click();
    await page.waitForURL(/saved=1/);
    assert.match(await page.locator('#scheme-saved').innerText(), /已保存/);
    await bothSizes(page, 'scorecard-scheme-saved');
    const scheme = await manager('/api/v1/scorecards/schemes/agent');
    assert.equal(scheme.terms.find((x) => x.measure === 'volume').weight, 15);
    assert.equal(scheme.terms.find((x) => x.measure === 'praise'), undefined);
    const rescored = await manager(`/api/v1/scorecards?month=${month()}&role=agent`);
    assert.ok(rescored.items.every((c) => !c.measures.some((m) => m.measure === 'praise')));
  });

  await t.test('last month is locked by the scheduler', async () => {
    let locked = false;
    for (let i = 0; i < 60 && !locked; i += 1) {
      const last = await manager(`/api/v1/scorecards?month=${month(1)}&role=agent`);
      locked = last.items.length > 0 && last.items.every((c) => c.locked);
      if (!locked) await new Promise((done) => setTimeout(done, 500));
    }
    assert.ok(locked, 'last month locked');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/scorecards?month=${month(1)}&role=technician`);
    assert.equal(await page.locator('#scorecard-locked').innerText(), '已锁定');
    await bothSizes(page, 'scorecard-locked');
  });

  await t.test('an agent sees only their own card', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(PHONE);
    await signIn(page, base, 'agent1');
    await page.goto(`${base}/scorecards`);
    assert.match(await page.locator('h1').innerText(), /我的月度考核/);
    assert.equal(await page.locator('#league tbody tr').count(), 1);
    assert.equal(await page.locator('#scheme-form').count(), 0, 'no scheme editor');
    const own = await (await api(base, 'agent1'))(`/api/v1/scorecards?month=${month()}&role=agent`);
    assert.equal(own.items.length, 1);
    assert.match(await page.locator('#league').innerText(), new RegExp(own.items[0].name));
    assert.equal(await overflows(page), false);
    await screenshot(page, 'scorecard-mine-phone');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'scorecard-mine-desktop');
  });

  // The refused scheme answers 422 by design (the form again, with what to put right).
  assert.deepEqual(errors.filter((e) => !/status of 422 .*\/scorecards\/scheme$/.test(e)), []);
});
