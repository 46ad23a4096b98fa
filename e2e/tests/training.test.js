// Training (培训) on real screens: an agent of the demo company opens the course their role must
// pass, reads its lessons, takes the exam, fails once, passes and sees the certificate with its
// expiry; a supervisor sees who is overdue. Desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, signIn, overflows, watchErrors, PHONE, DESKTOP } = require('./support');

test('an agent fails once, passes and is certified; a supervisor sees who is overdue', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const { base } = server;

  const agentApi = await api(base, 'agent1');
  const courses = await agentApi('/api/v1/training/courses');
  const course = courses.items.find((c) => c.title === '客服上岗培训');
  assert.ok(course, 'the demo has the onboarding course');

  await t.test('the agent opens the required course and reads its lessons', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'agent1');
    await page.getByRole('link', { name: '培训', exact: true }).click();
    await page.waitForURL(`${base}/training`);
    const required = page.locator('#required-courses tbody tr');
    assert.equal(await required.count(), 1);
    assert.match(await required.first().innerText(), /客服上岗培训[\s\S]*已逾期/);
    await bothSizes(page, 'training-mine');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: '客服上岗培训' }).first().click();
    await page.waitForURL(`${base}/training/courses/${course.id}`);
    assert.equal(await page.locator('.lesson').count(), 5);
    assert.match(await page.locator('.lesson').first().innerText(), /微信公众号/);
    await bothSizes(page, 'training-course');
  });

  await t.test('the agent fails once with the attempts left shown', async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: '开始考试' }).click();
    await page.waitForURL(/\/training\/attempts\//);
    assert.equal(await page.locator('.question').count(), 4);
    const html = await page.content();
    assert.doesNotMatch(html, /correct/, 'the exam page never carries the answers');
    for (const wrong of ['8:00', '邮局汇款', '维修班组长', '3 天']) {
      await page.getByLabel(wrong, { exact: true }).check();
    }
    assert.equal(await overflows(page), false);
    await bothSizes(page, 'training-exam');
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: '交卷' }).click();
    await page.locator('#result').waitFor();
    assert.equal(await page.locator('#result-title').innerText(), '未通过');
    assert.equal(await page.locator('#result-score').innerText(), '0');
    assert.match(await page.locator('#attempts-left').innerText(), /2/);
    await bothSizes(page, 'training-failed');
  });

  await t.test('the agent passes and sees the certificate with its expiry', async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: '再考一次' }).click();
    await page.waitForURL(/\/training\/attempts\//);
    for (const right of ['8:30', '微信公众号', '服务中心柜台', '银行代扣', '仍是第一个接到诉求的人', '24 小时']) {
      await page.getByLabel(right, { exact: true }).check();
    }
    await page.getByRole('button', { name: '交卷' }).click();
    await page.locator('#result').waitFor();
    assert.equal(await page.locator('#result-title').innerText(), '考试通过');
    assert.equal(await page.locator('#result-score').innerText(), '100');
    const expected = new Date();
    expected.setFullYear(expected.getFullYear() + 1);
    assert.match(await page.locator('#certificate').innerText(), new RegExp(String(expected.getFullYear())));
    await bothSizes(page, 'training-passed');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: '返回培训' }).click();
    await page.waitForURL(`${base}/training`);
    assert.match(await page.locator('#required-courses').innerText(), /已持证/);
    assert.match(await page.locator('#certificate-list').innerText(), /客服上岗培训/);
    await bothSizes(page, 'training-certified');
  });

  await t.test('a supervisor sees who is overdue', async () => {
    await browser.context.clearCookies();
    await page.setViewportSize(DESKTOP);
    await signIn(page, base, 'supervisor1');
    await page.goto(`${base}/training`);
    const overdue = page.locator('#overdue-list');
    await overdue.waitFor();
    const listed = await overdue.innerText();
    assert.match(listed, /客服上岗培训/);
    assert.match(listed, /已逾期/);
    const supervisorApi = await api(base, 'supervisor1');
    const manager = await api(base, 'manager');
    const staff = await manager('/api/v1/staff?per_page=200');
    const agent1 = staff.items.find((s) => s.username === 'agent1');
    const projectId = agent1.project_ids[0];
    const list = await supervisorApi(`/api/v1/training/overdue?project_id=${projectId}`);
    assert.ok(list.total > 0, 'agents of the demo who have not passed are overdue');
    assert.ok(!list.items.some((r) => r.staff_id === agent1.id), 'the certified agent is not overdue');
    await bothSizes(page, 'training-overdue');
  });

  assert.deepEqual(errors, []);
});
