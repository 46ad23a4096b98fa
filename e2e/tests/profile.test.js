// Owner profiles and a butler's day on real screens: a butler of the demo company signs in, opens
// 我的住户 (their households, those needing attention today first), goes to a household's page,
// sees its members, tags (a sensitive one the manager recorded with consent), important dates and
// history, and saves a do-not-call-before time and a new date; a desk agent sees the same page
// without the sensitive tag and with masked phones. Desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, signIn, overflows, watchErrors, screenshot, PHONE, DESKTOP } = require('./support');

test('a butler works through their households; the household page by role', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;

  let householdUrl;
  await t.test("the butler's day lists their households, those needing attention first", async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'butler1');
    await page.getByRole('link', { name: '我的住户', exact: true }).click();
    await page.waitForURL(`${base}/butler`);
    const cards = page.locator('#households > li');
    assert.ok((await cards.count()) > 0, 'the demo gives butler1 households');
    const first = cards.first();
    assert.match(await first.getAttribute('class'), /attention/, 'something needs attention today');
    await bothSizes(page, 'butler-day');
    await first.locator('h2 a').click();
    await page.waitForURL(/\/households\/[0-9a-f-]+$/);
    householdUrl = page.url();
  });

  const householdId = householdUrl.split('/').pop();
  const manager = await api(base, 'manager');
  const profile = await manager(`/api/v1/households/${householdId}/profile`);
  const member = profile.members[0];
  await manager.put(`/api/v1/residents/${member.id}/tags`, {
    tags: [{ code: 'elderly_alone', sensitive: true }, { code: 'pets' }],
  });

  await t.test('the butler sees the sensitive tag and saves a preference and a date', async () => {
    await page.goto(householdUrl);
    assert.match(await page.locator('#members').innerText(), /elderly_alone · 敏感 · 已征得本人同意/);
    assert.match(await page.locator('#members').innerText(), new RegExp(member.phone));
    assert.match(await page.locator('#butler').innerText(), /\S/);
    await page.getByLabel('勿早于此时间致电').fill('08:30');
    const emptyRow = page.locator('#dates tbody tr').filter({ has: page.locator('input[name=date_date][value=""]') }).first();
    await emptyRow.locator('select[name=date_kind]').selectOption('other');
    await emptyRow.locator('input[name=date_date]').fill('2027-01-15');
    await emptyRow.locator('input[name=date_label]').fill('春节前走访');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\?saved=1$/);
    await page.locator('#saved').waitFor();
    assert.equal(await page.getByLabel('勿早于此时间致电').inputValue(), '08:30');
    const saved = await manager(`/api/v1/households/${householdId}/profile`);
    assert.equal(saved.preferences.call_not_before, '08:30');
    assert.ok(saved.important_dates.some((d) => d.kind === 'other' && d.date === '2027-01-15' && d.label === '春节前走访'));
    await bothSizes(page, 'household-butler');
  });

  await t.test('a refused date shows its problem and changes nothing', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(householdUrl);
    await page.getByLabel('勿早于此时间致电').fill('');
    await page.evaluate(() => {
      const input = document.querySelector('#dates tbody tr:last-child input[name=date_date]');
      input.type = 'text';
      input.value = '2027-02-30';
    });
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.notice.error').waitFor();
    assert.match(await page.locator('.notice.error').innerText(), /重要日期/);
    assert.equal(await overflows(page), false);
    await screenshot(page, 'household-refused-phone');
    const after = await manager(`/api/v1/households/${householdId}/profile`);
    assert.equal(after.preferences.call_not_before, '08:30');
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;
  });

  await t.test('a desk agent sees no sensitive tag and masked phones', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'agent1');
    await page.goto(householdUrl);
    const members = await page.locator('#members').innerText();
    assert.doesNotMatch(members, /elderly_alone/);
    assert.match(members, /pets/);
    assert.match(members, /\*\*\*\*/);
    await bothSizes(page, 'household-agent');
  });

  assert.deepEqual(errors, []);
});
