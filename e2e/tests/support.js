// Starts a fresh `guanjia serve --demo` and Debian's Chromium for the browser tests.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'guanjia-demo';
const PHONE = { width: 375, height: 760 };
const DESKTOP = { width: 1366, height: 860 };

/** The binary to test: $GUANJIA_BIN, else a release build, else a debug build. */
function binary() {
  const candidates = [
    process.env.GUANJIA_BIN,
    path.join(ROOT, 'target', 'release', 'guanjia'),
    path.join(ROOT, 'target', 'debug', 'guanjia'),
  ].filter(Boolean);
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`no guanjia binary: build it or set GUANJIA_BIN (looked at ${candidates.join(', ')})`);
  // Absolute: the server runs in its own temporary folder.
  return path.resolve(found);
}

/**
 * Starts the server on a free port with the demo company in a new SQLite file; `config`, when
 * given, is its guanjia.toml (the settings read from the file only, such as `[delivery]` and
 * `[email]`).
 */
async function startServer({ config } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guanjia-e2e-'));
  if (config) fs.writeFileSync(path.join(dir, 'guanjia.toml'), config);
  const child = spawn(binary(), ['serve', '--demo'], {
    cwd: dir,
    env: {
      ...process.env,
      GUANJIA_DATABASE_URL: `sqlite://${path.join(dir, 'guanjia.db')}`,
      GUANJIA_LISTEN: '127.0.0.1:0',
      GUANJIA_LOG: 'info',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${log}`)), 120_000);
    const read = (chunk) => {
      log += chunk;
      const match = log.match(/listening on (http:\/\/[0-9.]+:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    base,
    /** Everything the server wrote so far (in demo mode, residents' sign-in codes too). */
    log: () => log,
    stop() {
      child.kill('SIGINT');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with a fresh profile. */
async function startBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'guanjia-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    viewport: DESKTOP,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Calls the JSON API as `username`: `get(url)`, and `get.post(url, body)`. */
async function api(base, username) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`API login of ${username}: ${login.status}`);
  const { token } = await login.json();
  const get = async (url) => {
    const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    return response.json();
  };
  // `get.post(url, body)`: the same caller writing.
  get.post = async (url, body) => {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  // `get.put(url, body)`: the same caller replacing.
  get.put = async (url, body) => {
    const response = await fetch(`${base}${url}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return get;
}

/** Saves a screenshot as screenshots/NAME.png: the whole page on a desktop, the screen on a phone. */
async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const fullPage = page.viewportSize().width > 600;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The page's script errors and failed loads, as they come (the browser's favicon request aside). */
function watchErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon/.test(message.location().url)) errors.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A fresh demo server (see startServer's options) and browser for one test file, both stopped when the test ends. */
async function start(t, options) {
  const server = await startServer(options);
  const browser = await startBrowser();
  t.after(async () => {
    await browser.close();
    server.stop();
  });
  return { server, browser };
}

/** Screenshots of the current page on a desktop and on a 375-px phone, where nothing may stick out. */
async function bothSizes(page, name) {
  const desktop = page.viewportSize();
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  // Charts redraw for the new width a moment after the resize.
  await page.waitForTimeout(300);
  if (await overflows(page)) throw new Error(`${name} is wider than a phone`);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(desktop);
}

/** Signs in through the login page; `landing` is where the role starts its day. */
async function signIn(page, base, username, landing = '/') {
  await page.goto(`${base}/login`);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
  await page.waitForURL(`${base}${landing}`);
}

/** A resident's API token: asks for a sign-in code and reads it from the demo server's log. */
async function residentToken(server, phone) {
  const CODE_LINE = /resident sign-in code \(demo delivery\).*?code=(\d{6})/g;
  const post = (url, body) => fetch(`${server.base}${url}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const seen = [...server.log().matchAll(CODE_LINE)].length;
  const sent = await post('/api/v1/auth/resident/code', { phone });
  if (!sent.ok) throw new Error(`resident code: ${sent.status}`);
  let code = null;
  for (let i = 0; i < 50 && !code; i += 1) {
    const codes = [...server.log().matchAll(CODE_LINE)].map((m) => m[1]);
    if (codes.length > seen) code = codes[codes.length - 1];
    else await new Promise((done) => setTimeout(done, 100));
  }
  if (!code) throw new Error('no sign-in code in the server log');
  const login = await post('/api/v1/auth/resident/login', { phone, code });
  if (!login.ok) throw new Error(`resident login: ${login.status}`);
  return (await login.json()).token;
}

/** Whether the page is wider than its viewport (something sticks out sideways). */
async function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

module.exports = { start, startServer, startBrowser, api, residentToken, screenshot, bothSizes, watchErrors, signIn, overflows, PHONE, DESKTOP, PASSWORD };
