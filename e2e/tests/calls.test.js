// Calls on the pages: an agent's workbench is open; the phone system posts a ringing call at the
// agent's extension through the API; the caller pops up without a reload; the agent opens a
// ticket for the caller from the pop-up; once the call has ended with its recording, the ticket
// page links the recording. Desktop and 375-px phone screenshots.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, api, bothSizes, watchErrors, signIn } = require('./support');

const RECORDING = 'https://pbx.example.com/recordings/e2e-call.mp3';

test('calls: the ringing pop-up, a ticket from it, the recording on the ticket', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const admin = await api(base, 'admin');

  // agent1 answers extension 8101; the phone system posts as the admin-made account (here admin).
  const staff = await admin('/api/v1/staff?per_page=200');
  const agent = staff.items.find((s) => s.username === 'agent1');
  assert.ok(agent, 'the demo has agent1');
  await admin.put(`/api/v1/staff/${agent.id}/extension`, { extension: '8101' });
  // A registered resident of agent1's first project calls.
  const listed = await admin(`/api/v1/residents?project_id=${agent.project_ids[0]}&per_page=1`);
  const resident = await admin(`/api/v1/residents/${listed.items[0].id}`);
  const callId = `e2e-${Date.now()}`;
  const post = (event, extra = {}) => admin.post('/api/v1/calls/events', {
    call_id: callId, event, caller: resident.phone, extension: '8101', at: new Date().toISOString(), ...extra,
  });

  await t.test('the ringing call pops up on the open workbench without a reload', async () => {
    await signIn(page, base, 'agent1');
    assert.equal(await page.locator('.call-popup').count(), 0, 'nothing rings yet');
    // Marks this page load: a reload would lose it.
    await page.evaluate(() => { window.__sameLoad = true; });
    const ringing = await post('ringing');
    assert.equal(ringing.state, 'ringing');
    const popup = page.locator('.call-popup');
    await popup.waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__sameLoad === true), true, 'no reload');
    const text = await popup.innerText();
    assert.match(text, /来电/);
    assert.match(text, /振铃中/);
    assert.ok(text.includes(resident.name), `the caller is named: ${text}`);
    assert.ok(!text.includes(resident.phone), 'the number shows masked');
    await bothSizes(page, 'call-popup');
  });

  let ticketUrl;
  await t.test('the agent answers and opens a ticket for the caller from the pop-up', async () => {
    await post('answered');
    await page.locator('.call-popup', { hasText: '通话中' }).waitFor({ timeout: 10_000 });
    await page.getByRole('link', { name: '为来电人登记工单' }).click();
    await page.waitForURL(/\/tickets\/new\?phone=/);
    assert.equal(await page.locator('#phone').inputValue(), resident.phone, 'the caller is filled in');
    await page.locator('#description').fill('卫生间顶上渗水，滴到洗手台上了，麻烦尽快派人看看');
    await page.getByRole('button', { name: '提交工单' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    ticketUrl = page.url();
  });

  await t.test('after the call ends the ticket links its recording', async () => {
    const ended = await post('ended', { recording_url: RECORDING });
    assert.equal(ended.state, 'ended');
    assert.ok(ended.ticket_id && ticketUrl.endsWith(ended.ticket_id), 'the call kept the ticket');
    await page.goto(ticketUrl);
    const link = page.locator('section.calls a.recording');
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), RECORDING);
    await bothSizes(page, 'call-ticket');
    // The workbench's pop-up is gone with the call.
    await page.goto(`${base}/`);
    await page.waitForTimeout(2500);
    assert.equal(await page.locator('.call-popup').count(), 0);
  });

  assert.deepEqual(errors, []);
});
