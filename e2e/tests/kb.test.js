// The knowledge base on the pages: an admin writes an article with the form (a refused save
// keeps what was typed, the problem beside its field), publishes it, and an agent finds it by
// asking in colloquial words, the matched words marked; desktop and a 375-px phone.

const test = require('node:test');
const assert = require('node:assert/strict');
const { start, bothSizes, watchErrors, signIn } = require('./support');

test('knowledge base: write, publish, search in plain words', { timeout: 170_000 }, async (t) => {
  const { server, browser } = await start(t);
  const { base } = server;
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const title = `地下车库月卡如何办理 ${Date.now()}`;

  await t.test('an admin writes and publishes an article', async () => {
    await signIn(page, base, 'admin');
    await page.getByRole('link', { name: '知识库' }).first().click();
    await page.waitForURL(/\/kb$/);
    await page.getByRole('link', { name: /新建文章/ }).click();
    await page.waitForURL(/\/kb\/new$/);
    // A body too long is refused beside its field; the title stays as typed.
    await page.getByLabel('标题').fill(title);
    await page.getByLabel('正文（Markdown）').fill('字'.repeat(20_001));
    await page.getByRole('button', { name: '保存为草稿' }).click();
    await page.locator('#e-body').waitFor();
    assert.equal(await page.getByLabel('标题').inputValue(), title);

    await page.getByLabel('正文（Markdown）').fill(
      '**停车月卡**请到地下车库岗亭办理，携带行驶证和身份证。\n\n- 月卡费用每月300元\n- <script>alert(1)</script>',
    );
    await page.getByLabel('其他问法（每行一个）').fill('车位包月怎么弄\n停车包月在哪交钱');
    await page.getByLabel('标签（逗号分隔）').fill('停车, 月卡');
    await page.getByRole('button', { name: '保存为草稿' }).click();
    await page.waitForURL(/\/kb\/[0-9a-f-]+\?done=saved$/);
    await page.getByRole('button', { name: '发布' }).click();
    await page.locator('.kb-state', { hasText: '已发布' }).waitFor();
    // Markdown rendered, raw HTML shown as text.
    assert.equal(await page.locator('.markdown strong', { hasText: '停车月卡' }).count(), 1);
    assert.equal(await page.locator('.markdown script').count(), 0);
    assert.match(await page.locator('.markdown').innerText(), /<script>alert\(1\)<\/script>/);
    assert.match(await page.locator('.kb-history').innerText(), /已发布版本/);
    await bothSizes(page, 'kb-article-admin');
  });

  await t.test('an agent asks in plain words and sees the matched words marked', async () => {
    await page.context().clearCookies();
    await signIn(page, base, 'agent1');
    await page.getByRole('link', { name: '知识库' }).first().click();
    await page.waitForURL(/\/kb$/);
    await page.getByLabel('搜索').fill('停车包月卡去哪办');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/\/kb\?q=/);
    const result = page.locator('.kb-result', { hasText: title });
    await result.waitFor();
    const marked = await result.locator('mark').allInnerTexts();
    assert.ok(marked.length > 0, 'matched words are marked');
    assert.ok(marked.some((m) => /月|车|办/.test(m)), marked.join(','));
    // The desk writes nothing here.
    assert.equal(await page.getByRole('link', { name: /新建文章/ }).count(), 0);
    await bothSizes(page, 'kb-search-agent');
    await result.getByRole('link').click();
    await page.locator('.markdown strong', { hasText: '停车月卡' }).waitFor();
    assert.equal(await page.getByRole('button', { name: '发布' }).count(), 0);
  });

  // The form refused on purpose answers 422; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
});
