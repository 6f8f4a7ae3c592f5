// End-to-end tests of the built page (dist/) in real headless Chromium.
// Run: scripts/build-web.sh && node --test tests/e2e/
// Uses the system Chromium (/usr/bin/chromium, or CHROMIUM=...) through
// playwright-core: no browser download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist, launchChromium } from './serve-dist.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = path.join(root, 'dist');
const fixtures = path.join(here, 'fixtures');
const artifacts = path.join(root, 'tests', 'artifacts');

let server;
let origin;
let browser;

before(async () => {
  ({ server, origin } = await serveDist(dist));
  browser = await launchChromium();
  fs.mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** A fresh page with every request, console error and page error recorded. */
async function open(t, { viewport } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: viewport || { width: 1200, height: 900 } });
  const page = await context.newPage();
  const rec = { requests: [], errors: [], dialogs: [] };
  // The context sees the page's requests and its scanner worker's.
  context.on('request', (r) => rec.requests.push(r.url()));
  page.on('console', (m) => {
    // The page asks for a portal policy.json beside it at start; the test
    // server has none, and that 404 is the normal "built-in default".
    const at = (m.location() && m.location().url) || '';
    if (m.type() === 'error' && !at.endsWith('/policy.json')) rec.errors.push(m.text());
  });
  page.on('pageerror', (e) => rec.errors.push(String(e)));
  page.on('dialog', (d) => {
    rec.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  t.after(() => context.close());
  await page.goto(origin + '/', { waitUntil: 'networkidle' });
  try {
    await page.waitForSelector('#drop-zone', { timeout: 20000 });
  } catch (e) {
    const panic = await page.textContent('#panic').catch(() => '');
    throw new Error(`the page did not start: ${e.message}\npanic: ${panic}\nerrors: ${rec.errors.join('\n')}`);
  }
  // Scans start once the policy in force is known.
  await page.waitForSelector('#policy[data-ready="true"]', { timeout: 20000 });
  return { page, context, rec };
}

/** Choose files with the page's file input and wait for the answer. */
async function choose(page, files) {
  await page.setInputFiles('#file-input', files);
  await page.waitForSelector('#summary, #error, .crash', { timeout: 30000 });
}

async function titles(page) {
  return page.$$eval('.finding-title', (els) => els.map((e) => e.textContent));
}

async function panicShown(page) {
  return page.$eval('#panic', (el) => !el.hidden && el.textContent.length > 0);
}

test('the page loads with its CSP, no console errors, no panic, and only same-origin requests', async (t) => {
  const { page, rec } = await open(t);
  const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.doesNotMatch(csp, /'unsafe-eval'/);
  // No inline script or style anywhere in the served page.
  const inline = await page.evaluate(() => ({
    scripts: [...document.scripts].filter((s) => !s.src).length,
    styles: document.querySelectorAll('style').length,
    styleAttrs: document.querySelectorAll('[style]').length,
  }));
  assert.deepEqual(inline, { scripts: 0, styles: 0, styleAttrs: 0 });
  assert.equal(await panicShown(page), false);
  assert.deepEqual(rec.errors, []);
  assert.ok(rec.requests.length > 0);
  for (const url of rec.requests) {
    assert.ok(url.startsWith(origin + '/') || url.startsWith('data:'), `request left the page's origin: ${url}`);
  }
  // The wasm module was loaded by the page and by its scanner worker, at
  // page load: the recorder sees worker requests too.
  assert.equal(rec.requests.filter((u) => u.endsWith('/lcscan_www_bg.wasm')).length, 2, rec.requests.join('\n'));
  assert.ok(rec.requests.some((u) => u.endsWith('/worker.js')), rec.requests.join('\n'));
  // Drop zone is reachable and labelled for keyboard users.
  const dz = await page.$eval('#drop-zone', (el) => ({ tab: el.tabIndex, role: el.getAttribute('role') }));
  assert.equal(dz.tab, 0);
  assert.equal(dz.role, 'button');
  assert.ok(await page.$('label[for="file-input"]'));
});

const SAMPLES = [
  ['n8n-lead-intake.json', ['Anyone on the internet can start this app', 'Certificate checks are switched off']],
  ['power-automate-order-webhook.json', ['Anyone on the internet can start this app', 'A database query is built from incoming data']],
  ['salesforce-contact-lookup.flow-meta.xml', ['A password, key or token is written into the app', 'Data is sent over an unencrypted connection']],
];

for (const [sample, expected] of SAMPLES) {
  test(`sample ${sample} shows its findings`, async (t) => {
    const { page, rec } = await open(t);
    await page.click(`button[data-sample="${sample}"]`);
    await page.waitForSelector('#summary', { timeout: 30000 });
    const got = await titles(page);
    for (const title of expected) assert.ok(got.includes(title), `missing "${title}" in ${JSON.stringify(got)}`);
    const grade = await page.textContent('#grade');
    assert.match(grade, /Grade [A-F]/);
    const score = Number(await page.textContent('#risk-score'));
    assert.ok(score > 0 && score <= 100, `score ${score}`);
    // Evidence is masked: no full planted fake secret on the page.
    const body = await page.textContent('body');
    assert.ok(!body.includes('FAKE0000test0000token0000abcdef123456'), 'an unmasked secret is shown');
    assert.equal(await panicShown(page), false);
    assert.deepEqual(rec.errors, []);
  });
}

test('choosing a real-shaped export with the file picker shows a specific finding at its step', async (t) => {
  const { page, rec } = await open(t);
  await choose(page, [path.join(root, 'tests/fixtures/n8n/public-webhook-hardcoded-key.json')]);
  const cards = await page.$$eval('.finding', (els) =>
    els.map((e) => ({
      rule: e.dataset.rule,
      title: e.querySelector('.finding-title').textContent,
      step: e.querySelector('.finding-step').textContent,
      owasp: e.querySelector('.finding-owasp').textContent,
      fix: e.querySelector('.finding-fix').textContent,
    })),
  );
  const lc001 = cards.find((c) => c.rule === 'LC001');
  assert.ok(lc001, JSON.stringify(cards));
  assert.equal(lc001.title, 'Anyone on the internet can start this app');
  assert.match(lc001.step, /Webhook/);
  assert.match(lc001.owasp, /CD-SEC|LCNC/);
  assert.ok(lc001.fix.length > 20);
  // Findings are grouped by severity, most severe first.
  const groups = await page.$$eval('#findings .group h2', (els) => els.map((e) => e.textContent));
  assert.match(groups[0], /^Critical/);
  assert.deepEqual(rec.errors, []);
});

test('several files at once are each summarised', async (t) => {
  const { page } = await open(t);
  await page.setInputFiles('#file-input', [
    path.join(root, 'tests/fixtures/n8n/public-webhook-hardcoded-key.json'),
    path.join(root, 'tests/fixtures/salesforce-flow/Sync_Orders_Callout.flow-meta.xml'),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.summary').length === 2, null, { timeout: 30000 });
  const names = await page.$$eval('.summary .file-name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(names.sort(), ['Sync_Orders_Callout.flow-meta.xml', 'public-webhook-hardcoded-key.json']);
});

test('dropping a file on the drop zone scans it', async (t) => {
  const { page } = await open(t);
  const text = fs.readFileSync(path.join(root, 'www/samples/n8n-lead-intake.json'), 'utf8');
  const dt = await page.evaluateHandle((content) => {
    const d = new DataTransfer();
    d.items.add(new File([content], 'dropped.json', { type: 'application/json' }));
    return d;
  }, text);
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dt });
  await page.waitForSelector('#summary', { timeout: 30000 });
  assert.equal(await page.textContent('#summary .file-name'), 'dropped.json');
  assert.ok((await titles(page)).includes('Anyone on the internet can start this app'));
});

test('the drop zone opens the file chooser from the keyboard (Enter and Space)', async (t) => {
  const { page } = await open(t);
  // Count the file input's activations instead of opening the OS dialog
  // (headless file-chooser interception is racy).
  await page.evaluate(() => {
    window.__opened = 0;
    document.getElementById('file-input').addEventListener('click', (e) => {
      window.__opened += 1;
      e.preventDefault();
    });
  });
  await page.focus('#drop-zone');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__opened === 1);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.__opened === 2);
  // Tab order: the drop zone comes before the sample buttons.
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement.dataset.sample || document.activeElement.id);
  assert.ok(next, 'focus went nowhere after the drop zone');
});

for (const [file, expected] of [
  ['truncated.zip', /zip archive is damaged or incomplete/i],
  ['random.bin', /not valid text|not recogni|could not/i],
]) {
  test(`a broken file (${file}) shows the engine's friendly message, not a panic`, async (t) => {
    const { page, rec } = await open(t);
    await choose(page, [path.join(fixtures, file)]);
    const msg = await page.textContent('#error');
    assert.match(msg, expected);
    assert.match(msg, new RegExp(file.replace('.', '\\.')));
    assert.equal(await page.$('.crash'), null, 'the scanner crashed');
    assert.equal(await panicShown(page), false);
    assert.deepEqual(rec.errors, []);
    // The page still works afterwards.
    await page.click('button[data-sample="n8n-lead-intake.json"]');
    await page.waitForSelector('#summary', { timeout: 30000 });
    assert.equal(await page.$('#error'), null);
  });
}

test('no request at all is made while files are scanned', async (t) => {
  const { page, rec } = await open(t);
  // Give the scanner worker time to load everything it needs.
  await page.waitForTimeout(300);
  const before = rec.requests.length;
  // The portal policy (policy.json beside the page) was looked for once, at
  // load, before any scan: none here, so the built-in default is in force.
  assert.equal(rec.requests.filter((u) => u === origin + '/policy.json').length, 1, rec.requests.join('\n'));
  assert.equal(await page.textContent('#policy-source'), 'built-in default');
  await choose(page, [path.join(root, 'tests/fixtures/n8n/public-webhook-hardcoded-key.json')]);
  await page.click('button[data-sample="salesforce-contact-lookup.flow-meta.xml"]');
  await page.waitForFunction(() => document.querySelector('#summary .file-name')?.textContent.includes('salesforce'), null, {
    timeout: 30000,
  });
  await page.click('#tab-inventory');
  await page.waitForSelector('#inventory');
  await page.waitForTimeout(300);
  assert.deepEqual(rec.requests.slice(before), [], 'requests during/after a scan');
  for (const url of rec.requests) assert.ok(url.startsWith(origin + '/') || url.startsWith('data:'), url);
});

test('hostile text in an export is shown as text and runs nothing', async (t) => {
  const { page, rec } = await open(t);
  await choose(page, [path.join(fixtures, 'xss-n8n.json')]);
  await page.waitForSelector('.finding');
  const steps = await page.$$eval('.finding-step', (els) => els.map((e) => e.textContent).join('\n'));
  assert.ok(steps.includes('<img src=x onerror="window.__pwned=1">'), steps);
  assert.ok(steps.includes('<script>window.__pwned=1</script>'), steps);
  await page.click('#tab-inventory');
  await page.waitForSelector('#inventory');
  await page.click('#tab-findings');
  await page.fill('#search', 'pwned');
  await page.waitForTimeout(200);
  const injected = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    imgs: document.querySelectorAll('#app img').length,
    scripts: document.querySelectorAll('#app script, #app svg, #app a[href^="javascript:"]').length,
  }));
  assert.deepEqual(injected, { pwned: 'undefined', imgs: 0, scripts: 0 });
  assert.deepEqual(rec.dialogs, []);
  assert.deepEqual(rec.errors, []);
});

test('filters by severity, rule and search narrow the findings', async (t) => {
  const { page } = await open(t);
  await page.click('button[data-sample="n8n-lead-intake.json"]');
  await page.waitForSelector('#summary', { timeout: 30000 });
  const all = (await titles(page)).length;
  assert.ok(all >= 3);
  await page.selectOption('#filter-severity', 'critical');
  const sev = await page.$$eval('.finding', (els) => els.map((e) => e.dataset.severity));
  assert.ok(sev.length > 0 && sev.every((s) => s === 'critical'), JSON.stringify(sev));
  await page.selectOption('#filter-severity', '');
  await page.selectOption('#filter-rule', 'LC005');
  assert.deepEqual(await page.$$eval('.finding', (els) => els.map((e) => e.dataset.rule)), ['LC005']);
  await page.selectOption('#filter-rule', '');
  await page.fill('#search', 'certificate');
  assert.deepEqual(await titles(page), ['Certificate checks are switched off']);
  await page.fill('#search', 'no such words anywhere');
  assert.ok(await page.$('#no-findings'));
});

test('the inventory tab lists triggers and who can start them, reachable by keyboard', async (t) => {
  const { page } = await open(t);
  await page.click('button[data-sample="n8n-lead-intake.json"]');
  await page.waitForSelector('#summary', { timeout: 30000 });
  await page.focus('#tab-findings');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#inventory');
  assert.equal(await page.getAttribute('#tab-inventory', 'aria-selected'), 'true');
  const text = await page.textContent('#inventory');
  assert.match(text, /Webhook/);
  assert.match(text, /api\.example-crm\.test/);
  // Sensitive fields say how sure lcscan is and which regulations apply.
  const fields = await page.$$eval('#inventory tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(fields.some((r) => /How sure/.test(r) && /Regulations/.test(r)), 'header row');
  assert.ok(fields.some((r) => /email/.test(r) && /Sensitive/.test(r) && /GDPR/.test(r)), 'email row');
  assert.ok(fields.some((r) => /fullName/.test(r) && /Likely sensitive/.test(r)), 'fullName row');
});

test('downloads are made in the browser: valid JSON, SARIF 2.1.0, Markdown and CSV', async (t) => {
  const { page, rec } = await open(t);
  await page.click('button[data-sample="n8n-lead-intake.json"]');
  await page.waitForSelector('#summary', { timeout: 30000 });
  const read = async (format) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button.download[data-format="${format}"]`)]);
    const file = await download.path();
    return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
  };
  const json = await read('json');
  assert.match(json.name, /\.json$/);
  const report = JSON.parse(json.text);
  assert.ok(report.findings.some((f) => f.rule_id === 'LC001'));
  const sarif = await read('sarif');
  const log = JSON.parse(sarif.text);
  assert.equal(log.version, '2.1.0');
  assert.ok(log.runs[0].results.length >= 3);
  const md = await read('markdown');
  assert.match(md.text, /Anyone on the internet can start this app/);
  const csv = await read('csv');
  assert.ok(csv.text.split('\n').length >= 4);
  for (const url of rec.requests) {
    assert.ok(url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:' + origin), url);
  }
});

test('nothing is stored in the browser', async (t) => {
  const { page } = await open(t);
  await page.click('button[data-sample="power-automate-order-webhook.json"]');
  await page.waitForSelector('#summary', { timeout: 30000 });
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).length,
    cookies: document.cookie,
    caches: 'caches' in window ? (await caches.keys()).length : 0,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, idb: 0, cookies: '', caches: 0 });
});

test('phone width: no sideways scrolling; screenshot kept as an artifact', async (t) => {
  const { page } = await open(t, { viewport: { width: 375, height: 800 } });
  await page.click('button[data-sample="n8n-lead-intake.json"]');
  await page.waitForSelector('#summary', { timeout: 30000 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `page is ${width}px wide at phone width`);
  await page.screenshot({ path: path.join(artifacts, 'results-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.screenshot({ path: path.join(artifacts, 'results.png'), fullPage: true });
  assert.ok(fs.statSync(path.join(artifacts, 'results.png')).size > 1000);
});

test('the browser report is byte-identical to the native CLI report for the same file', async (t) => {
  // Determinism across targets: the same engine compiled to WebAssembly and
  // natively must give the same JSON (findings, order, fingerprints).
  const cli = path.join(root, 'target', 'debug', process.platform === 'win32' ? 'lcscan.exe' : 'lcscan');
  assert.ok(fs.existsSync(cli), `${cli} is missing: cargo test builds it before the browser tests`);
  const { spawnSync } = await import('node:child_process');
  const name = 'n8n-lead-intake.json';
  const native = spawnSync(cli, ['scan', name, '--format', 'json', '--fail-on', 'never'], {
    cwd: path.join(root, 'www', 'samples'),
    encoding: 'utf8',
  });
  assert.equal(native.status, 0, native.stderr);
  const { page } = await open(t);
  await page.click(`button[data-sample="${name}"]`);
  await page.waitForSelector('#summary', { timeout: 30000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('button.download[data-format="json"]'),
  ]);
  const inBrowser = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(inBrowser, native.stdout);
});

test('a multi-MB export is scanned in the worker with a progress bar while the page keeps answering', async (t) => {
  // 20,000 nodes, about 5 MB: big enough that the scan is visibly under way.
  const nodes = [];
  const connections = {};
  for (let i = 0; i < 20000; i++) {
    nodes.push({
      id: `n${i}`,
      name: `Step ${i}`,
      type: 'n8n-nodes-base.set',
      typeVersion: 3,
      position: [i * 10, 0],
      parameters: { values: { string: [{ name: `field${i}`, value: `value number ${i} with some text` }] } },
    });
    if (i > 0) connections[`Step ${i - 1}`] = { main: [[{ node: `Step ${i}`, type: 'main', index: 0 }]] };
  }
  nodes[0] = { id: 'hook', name: 'Step 0', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'big', httpMethod: 'POST' } };
  const buffer = Buffer.from(JSON.stringify({ name: 'Big workflow', nodes, connections }));
  assert.ok(buffer.length > 3_000_000, `${buffer.length}`);
  const { page } = await open(t);
  await page.setInputFiles('#file-input', { name: 'big.json', mimeType: 'application/json', buffer });
  // The page shows the progress bar and still runs script while the worker scans.
  await page.waitForSelector('#progress', { timeout: 10000 });
  const answered = await page.evaluate(() => document.querySelector('#progress progress') !== null);
  assert.equal(answered, true);
  await page.waitForSelector('#summary', { timeout: 120000 });
  const text = await page.textContent('#summary');
  assert.match(text, /Big workflow/);
  assert.ok((await titles(page)).includes('Anyone on the internet can start this app'));
  assert.equal(await panicShown(page), false);
});
