// The back office's set-up and the supervisor's day: an admin adds a project, a building and a
// room (after a refused form), a staff member, a team, edits the project and the staff member's
// role (after a refused edit), deletes an unused building, edits an SLA policy and a calendar's
// holiday; a supervisor reassigns a job on the team page and gives a technician a day off; an
// agent adds a photo to a ticket.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, screenshot, bothSizes, watchErrors, signIn, overflows, PHONE, DESKTOP } = require('./support');


test('admin set-up, supervisor reassignment, ticket photos', { timeout: 240_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');
  const staff = (await admin('/api/v1/staff?per_page=200')).items;
  const byUsername = (username) => staff.find((s) => s.username === username);

  await t.test('an admin opens the admin screens from the navigation', async () => {
    await signIn(page, base, 'admin');
    await page.getByRole('link', { name: '系统管理' }).click();
    await page.waitForURL(/\/admin$/);
    const cards = page.locator('.admin-cards a');
    assert.equal(await cards.count(), 12);
    const titles = await page.locator('.admin-cards strong').allInnerTexts();
    for (const title of ['项目与房屋', '住户', '导入房屋与住户', '员工', '班组与网格', '报事分类', '服务时限', '工作日历', '智能识别词库', '微信公众号', '物联网设备', '企业微信群机器人']) assert.ok(titles.includes(title), title);
    await bothSizes(page, 'admin');
  });

  let projectId;
  await t.test('a project with a wrong code is refused and shown where; then it, a building and a room are made', async () => {
    await page.getByRole('link', { name: /项目与房屋/ }).click();
    await page.waitForURL(/\/admin\/projects$/);
    const form = page.locator('form[action="/admin/projects"]');
    await form.getByLabel('编码', { exact: true }).fill('湖畔');
    await form.getByLabel('名称', { exact: true }).fill('湖畔花园');
    await form.getByLabel('地址').fill('滨湖路 8 号');
    await form.getByRole('button', { name: '添加' }).click();
    const notice = page.locator('.notice[role=alert]');
    await notice.waitFor();
    assert.match(await notice.innerText(), /编码：格式不正确/);
    assert.match(await page.locator('#e-code').innerText(), /^格式不正确，只能用字母、数字/, 'the problem is beside its field, saying what is allowed');
    assert.equal(await form.getByLabel('编码', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('地址').inputValue(), '滨湖路 8 号', 'what was typed stays');
    assert.equal(await page.locator('table.grid', { hasText: '湖畔花园' }).count(), 0, 'nothing was made');
    await bothSizes(page, 'admin-validation');
    // The refusal came with its status, which the browser reports; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;

    await form.getByLabel('编码', { exact: true }).fill('hupan');
    await form.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/admin\/projects\/[0-9a-f-]{36}$/);
    projectId = page.url().split('/').pop();
    assert.match(await page.locator('h1').innerText(), /湖畔花园/);
    await page.getByLabel(/楼栋名称/).fill('1栋');
    await page.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/admin\/buildings\/[0-9a-f-]{36}$/);
    const roomForm = page.locator('form[action^="/admin/buildings/"]');
    await roomForm.getByLabel('单元').fill('1单元');
    await roomForm.getByLabel('房号').fill('0101');
    await roomForm.getByLabel('楼层').fill('1');
    await roomForm.getByLabel(/面积/).fill('89.5');
    await roomForm.getByRole('button', { name: '添加' }).click();
    const row = page.locator('table.rooms tbody tr', { hasText: '0101' });
    await row.waitFor();
    assert.match(await row.innerText(), /1单元\s+0101\s+住宅\s+1\s+89\.5/);
    await bothSizes(page, 'admin-building');

    await page.getByRole('link', { name: '项目与房屋' }).click();
    await page.locator('table.grid a', { hasText: '湖畔花园' }).waitFor();
    await bothSizes(page, 'admin-projects');
    const projects = await admin('/api/v1/projects?per_page=200');
    assert.ok(projects.items.some((p) => p.code === 'hupan' && p.address === '滨湖路 8 号'), 'the API sees the new project');
  });

  await t.test('a staff member is added with a role, a project and a skill, and deactivated', async () => {
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: /^员工/ }).click();
    await page.waitForURL(/\/admin\/staff$/);
    const form = page.locator('form[action="/admin/staff"]');
    await form.getByLabel('姓名', { exact: true }).fill('赵建国');
    await form.getByLabel('用户名').fill('zhaojg');
    await form.getByLabel(/初始密码/).fill('zhao-password-1');
    await form.getByLabel('电话').fill('13912345678');
    await form.getByLabel('角色').selectOption('technician');
    await form.getByLabel('湖畔花园').check();
    await form.getByLabel('给排水').check();
    await form.getByRole('button', { name: '添加' }).click();
    const row = page.locator('table.staff tbody tr', { hasText: 'zhaojg' });
    await row.waitFor();
    assert.match(await row.innerText(), /赵建国 排班\s+zhaojg\s+维修工\s+湖畔花园\s+给排水\s+139\*\*\*\*5678\s+在职/);
    await bothSizes(page, 'admin-staff');

    await row.getByRole('button', { name: /停用/ }).click();
    await page.locator('table.staff tbody tr', { hasText: 'zhaojg' }).locator('.badge', { hasText: '已停用' }).waitFor();
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhaojg', password: 'zhao-password-1' }) });
    assert.equal(login.status, 401, 'a deactivated account cannot sign in');
  });

  await t.test('the project and a staff member\'s role are edited, a refused edit shows where, an unused building is deleted', async () => {
    await page.goto(`${base}/admin/projects/${projectId}`);
    const form = page.locator(`form[action="/admin/projects/${projectId}/edit"]`);
    assert.equal(await form.getByLabel('名称', { exact: true }).inputValue(), '湖畔花园', 'the edit form holds the project as it is');
    await form.getByLabel('编码', { exact: true }).fill('湖 畔');
    await form.getByLabel('名称', { exact: true }).fill('湖畔花园一期');
    await form.getByRole('button', { name: '保存修改' }).click();
    await page.locator('.notice[role=alert]').waitFor();
    assert.match(await page.locator('#e-edit-code').innerText(), /^格式不正确，只能用字母、数字、- 和 _，1–64 位$/);
    assert.equal(await form.getByLabel('编码', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('名称', { exact: true }).inputValue(), '湖畔花园一期', 'what was typed stays');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'f-edit-code', 'the first problem has the cursor');
    assert.ok((await admin('/api/v1/projects?per_page=200')).items.some((p) => p.name === '湖畔花园'), 'a refused edit changes nothing');
    await bothSizes(page, 'admin-edit');
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    errors.length = 0;

    await form.getByLabel('编码', { exact: true }).fill('hupan');
    await form.getByRole('button', { name: '保存修改' }).click();
    await page.waitForURL(/done=saved$/);
    assert.equal(await page.locator('.done').innerText(), '已保存。');
    assert.match(await page.locator('h1').innerText(), /湖畔花园一期/);
    assert.ok((await admin('/api/v1/projects?per_page=200')).items.some((p) => p.code === 'hupan' && p.name === '湖畔花园一期'));

    await page.getByLabel(/楼栋名称/).fill('2栋');
    await page.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/admin\/buildings\/[0-9a-f-]{36}$/);
    await page.locator('details.delete summary').click();
    await page.getByRole('button', { name: '确认删除 2栋' }).click();
    await page.waitForURL(new RegExp(`/admin/projects/${projectId}\\?done=deleted$`));
    assert.equal(await page.locator('.done').innerText(), '已删除。');
    assert.deepEqual(await page.locator('ul.buildings li').allInnerTexts(), ['1栋'], 'the unused building is gone');
    await page.getByRole('link', { name: '1栋' }).click();
    await page.locator('details.delete summary').click();
    await page.getByRole('button', { name: '确认删除 1栋' }).click();
    assert.match(await page.locator('.notice[role=alert]').innerText(), /不能删除：1 间房屋/, 'one with a room stays, and says why');
    errors.length = 0;

    const zhao = (await admin('/api/v1/staff?per_page=200')).items.find((s) => s.username === 'zhaojg');
    await page.goto(`${base}/admin/staff`);
    await page.getByRole('link', { name: '编辑 赵建国' }).click();
    await page.waitForURL(new RegExp(`/admin/staff/${zhao.id}$`));
    const staffForm = page.locator(`form[action="/admin/staff/${zhao.id}"]`);
    assert.equal(await staffForm.getByLabel('姓名', { exact: true }).inputValue(), '赵建国');
    await staffForm.getByLabel('角色').selectOption('supervisor');
    await staffForm.getByRole('button', { name: '保存修改' }).click();
    await page.waitForURL(/done=saved$/);
    assert.equal(await page.locator('.done').innerText(), '已保存。');
    assert.equal((await admin('/api/v1/staff?per_page=200')).items.find((s) => s.id === zhao.id).role, 'supervisor');
  });

  await t.test('a team is made with its members', async () => {
    const tech1 = byUsername('tech1');
    const tech4 = byUsername('tech4');
    await page.goto(`${base}/admin/teams?project_id=${tech1.project_ids[0]}`);
    const form = page.locator('form[action="/admin/teams"]');
    await form.getByLabel('班组名称').fill('夜班维修组');
    await form.getByLabel('类型').selectOption('engineering');
    await form.getByLabel(`${tech1.name} · 维修工`).check();
    await form.getByLabel(`${tech4.name} · 维修工`).check();
    await form.getByRole('button', { name: '添加' }).click();
    const team = page.locator('.team-item', { hasText: '夜班维修组' });
    await team.waitFor();
    const members = await team.locator('p').innerText();
    assert.ok(members.includes(tech1.name) && members.includes(tech4.name), members);
    await bothSizes(page, 'admin-teams');
    const teams = await admin(`/api/v1/teams?project_id=${tech1.project_ids[0]}`);
    const made = teams.items.find((x) => x.name === '夜班维修组');
    assert.deepEqual(made.member_ids.sort(), [tech1.id, tech4.id].sort());
  });

  await t.test('an SLA policy is edited: a new first-response target', async () => {
    await page.goto(`${base}/admin/policies`);
    const policies = (await admin('/api/v1/sla/policies')).items;
    const standard = policies.find((p) => p.targets.first_response);
    await page.locator(`#p-${standard.id} a`).click();
    await page.waitForURL(new RegExp(`/admin/policies/${standard.id}`));
    const form = page.locator(`form[action="/admin/policies/${standard.id}"]`);
    assert.equal(await form.getByLabel('名称', { exact: true }).inputValue(), standard.name, 'the form is filled in');
    await form.locator('#f-targets-first_response').fill('20');
    await form.getByLabel('首次响应 单位').selectOption('minutes');
    await form.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/admin\/policies#p-/);
    assert.match(await page.locator(`#p-${standard.id}`).innerText(), /首次响应 20 分钟/);
    await bothSizes(page, 'admin-policies');
    const saved = await admin(`/api/v1/sla/policies/${standard.id}`);
    assert.deepEqual(saved.targets.first_response, { minutes: 20 });
    assert.deepEqual(saved.escalation, standard.escalation, 'the escalation ladder is kept');
  });

  await t.test('a calendar gets a dated holiday, which its CSV export carries', async () => {
    await page.goto(`${base}/admin/calendars`);
    await page.getByRole('link', { name: '中国大陆法定节假日' }).click();
    await page.waitForURL(/\/admin\/calendars\/[0-9a-f-]{36}$/);
    const form = page.locator('form[action$="/days"]');
    await form.getByLabel('日期').fill('2027-03-15');
    await form.getByLabel(/名称/).fill('公司年会');
    await form.getByLabel('休息').check();
    await form.getByRole('button', { name: '保存' }).click();
    const row = page.locator('table.days tbody tr', { hasText: '2027-03-15' });
    await row.waitFor();
    assert.match(await row.innerText(), /公司年会\s+休息/);
    await bothSizes(page, 'admin-calendar');
    const href = await page.getByRole('link', { name: /CSV/ }).getAttribute('href');
    const exported = await page.request.get(`${base}${href}`);
    assert.equal(exported.status(), 200);
    assert.match(await exported.text(), /2027-03-15,false,公司年会/);
  });

  await t.test('the vocabulary page reads a message before anything is saved', async () => {
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: '智能识别词库' }).click();
    await page.waitForURL(/\/admin\/vocabulary$/);
    assert.match(await page.locator('textarea#vocabulary').inputValue(), /"repair\.elevator"/);
    await page.getByLabel('问题描述').fill('5栋2单元电梯困人了，快来');
    await page.getByRole('button', { name: '用上面的词库试读' }).click();
    const urgency = page.locator('table.grid tr', { hasText: '紧急程度' });
    await urgency.waitFor();
    assert.match(await urgency.innerText(), /紧急\s+紧急/, 'the edited and the current vocabulary read it alike');
    assert.match(await page.locator('ul.evidence').innerText(), /困人/);
    await bothSizes(page, 'admin-vocabulary');
  });

  let job;
  await t.test('a supervisor reassigns a job on the team page', async () => {
    const tech1 = byUsername('tech1');
    const tech4 = byUsername('tech4');
    job = await admin.post('/api/v1/tickets', {
      project_id: tech1.project_ids[0], channel: 'phone', kind: 'repair', urgency: 'urgent',
      description: '3栋地下室水泵房漏水，水已漫到走廊', contact: { name: '吴先生', phone: '13600000002' },
    });
    await admin.post(`/api/v1/tickets/${job.id}/actions`, { action: 'accept' });
    await admin.post(`/api/v1/tickets/${job.id}/actions`, { action: 'dispatch', assignee_id: tech1.id });

    await signIn(page, base, 'supervisor1');
    await page.getByRole('link', { name: '班组负荷' }).click();
    await page.waitForURL(/\/team$/);
    const load = page.locator('table.load tbody tr', { hasText: tech1.name });
    assert.ok(Number(await load.locator('td.num').innerText()) >= 1, 'tech1 carries the job');
    const item = page.locator('li.reassign', { hasText: job.number });
    await item.waitFor();
    assert.match(await item.innerText(), new RegExp(`处理人：${tech1.name}`));
    await screenshot(page, 'team-desktop');

    const to = item.getByLabel('改派给');
    const value = await to.locator('option', { hasText: tech4.name }).getAttribute('value');
    await to.selectOption(value);
    await item.getByLabel(/原因/).fill('甲今天去了另一个项目');
    await item.getByRole('button', { name: '转单' }).click();
    await page.waitForURL(/\/team\?/);
    await page.locator('li.reassign', { hasText: job.number }).filter({ hasText: `处理人：${tech4.name}` }).waitFor();
    const after = await admin(`/api/v1/tickets/${job.id}`);
    assert.equal(after.assignee_id, tech4.id);
    const events = await admin(`/api/v1/tickets/${job.id}/events`);
    assert.ok(events.items.some((e) => e.action === 'transfer'), 'through the ticket\'s own transfer');
    await page.setViewportSize(PHONE);
    assert.equal(await overflows(page), false, 'the team page fits a phone');
    await screenshot(page, 'team-phone');
    await page.setViewportSize(DESKTOP);
  });

  await t.test('the supervisor gives a technician a day off on their roster', async () => {
    const tech4 = byUsername('tech4');
    await page.goto(`${base}/team`);
    await page.getByRole('link', { name: `${tech4.name} 排班` }).click();
    await page.waitForURL(new RegExp(`/admin/staff/${tech4.id}/roster$`));
    assert.match(await page.locator('main').innerText(), /尚未排班/);
    const form = page.locator('form[action$="/roster/days"]');
    await form.getByLabel('日期').fill('2027-01-04');
    await form.getByLabel(/事由/).fill('年假');
    await form.getByLabel('不在岗').check();
    await form.getByRole('button', { name: '保存' }).click();
    const row = page.locator('table.days tbody tr', { hasText: '2027-01-04' });
    await row.waitFor();
    assert.match(await row.innerText(), /年假\s+不在岗/);
    await bothSizes(page, 'admin-roster');
  });

  await t.test('an agent adds a photo on the ticket page and sees its thumbnail', async () => {
    await signIn(page, base, 'agent1');
    await page.goto(`${base}/tickets/${job.id}`);
    const attachments = page.locator('section.attachments');
    assert.match(await attachments.innerText(), /暂无照片/);
    // A real picture: the browser's own screenshot of the page.
    const picture = await page.screenshot({ type: 'png' });
    await attachments.getByLabel(/添加照片/).setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: picture });
    await attachments.getByRole('button', { name: '上传' }).click();
    const thumbnail = page.locator('section.attachments .photos img');
    await thumbnail.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('section.attachments .photos img');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.match(await page.locator('.timeline').innerText(), /上传照片/);
    const href = await page.locator('section.attachments .photos a').getAttribute('href');
    const full = await page.request.get(`${base}${href}`);
    assert.equal(full.status(), 200);
    assert.equal(full.headers()['content-type'], 'image/png');
    await bothSizes(page, 'ticket-attachments');
    const photos = await admin(`/api/v1/tickets/${job.id}/photos`);
    assert.equal(photos.items.length, 1);
    assert.deepEqual(errors, [], 'no script errors');
  });

  await t.test('the admin pages in English', async () => {
    await signIn(page, base, 'admin');
    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
    assert.ok((await page.locator('.admin-cards strong').allInnerTexts()).includes('SLA policies'));
    await page.getByRole('link', { name: '中文' }).click();
    await page.getByRole('heading', { name: '系统管理' }).waitFor();
  });
});
