// End-to-end tests of the portal features of the built page (dist/): the
// policy given by the portal (?policy= or policy.json) or picked by the user,
// the module API (lcscan.js) and its example page, the iframe example,
// reviewed exceptions and the two-version comparison.
// Run: scripts/build-web.sh && node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = path.join(root, 'dist');
const sample = path.join(root, 'www/samples/n8n-lead-intake.json');
const cli = path.join(root, 'target', 'debug', process.platform === 'win32' ? 'lcscan.exe' : 'lcscan');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.toml': 'application/toml',
  '.ts': 'text/plain; charset=utf-8',
};

let server;
let origin;
let browser;
/** Extra files served as if they were in dist/ (path → [content type, body]). */
const extra = new Map();

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'dist/index.html is missing: run scripts/build-web.sh first');
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const headers = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    // Framing as www/_headers sets it: same-site pages only.
    if (rel.endsWith('.html')) {
      headers['content-security-policy'] = "frame-ancestors 'self'";
      headers['x-frame-options'] = 'SAMEORIGIN';
    }
    if (extra.has(rel)) {
      const [type, body] = extra.get(rel);
      res.writeHead(200, { ...headers, 'content-type': type });
      res.end(body);
      return;
    }
    const file = path.normalize(path.join(dist, rel));
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** Open a page of dist/ with requests and errors recorded. */
async function open(t, rel = '/', { ready = true } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const rec = { requests: [], errors: [] };
  context.on('request', (r) => rec.requests.push(r.url()));
  page.on('console', (m) => {
    // The page asks for policy.json beside it; a 404 is the normal "none".
    const at = (m.location() && m.location().url) || '';
    if (m.type() === 'error' && !/\/(policy\.json|policies\/missing\.json)/.test(at)) rec.errors.push(m.text());
  });
  page.on('pageerror', (e) => rec.errors.push(String(e)));
  t.after(() => context.close());
  await page.goto(origin + rel, { waitUntil: 'networkidle' });
  if (ready) await page.waitForSelector('#policy[data-ready="true"]', { timeout: 20000 });
  return { page, rec };
}

function cliJson(args, cwd = root) {
  assert.ok(fs.existsSync(cli), `${cli} is missing: cargo test builds it before the browser tests`);
  const out = spawnSync(cli, ['scan', ...args, '--format', 'json', '--fail-on', 'never'], { cwd, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout;
}

async function scanSample(page, name = 'n8n-lead-intake.json') {
  await page.click(`button[data-sample="${name}"]`);
  await page.waitForSelector('#summary', { timeout: 30000 });
}

async function severityOf(page, rule) {
  return page.$$eval(`.finding[data-rule="${rule}"]`, (els) => els.map((e) => e.dataset.severity));
}

const PORTAL_POLICY = JSON.stringify({ name: 'Portal JSON policy', version: '5', severity: { LC005: 'critical' } });

test('policy.json beside the page is loaded once at start, before any scan, and applied', async (t) => {
  extra.set('/policy.json', ['application/json', PORTAL_POLICY]);
  t.after(() => extra.delete('/policy.json'));
  const { page, rec } = await open(t);
  assert.equal(await page.textContent('#policy-name'), 'Portal JSON policy');
  assert.equal(await page.textContent('#policy-version'), 'version 5');
  assert.match(await page.textContent('#policy-source'), /set by your organisation \(policy\.json\)/);
  const loaded = rec.requests.length;
  assert.equal(rec.requests.filter((u) => u === origin + '/policy.json').length, 1, rec.requests.join('\n'));
  await scanSample(page);
  assert.deepEqual(await severityOf(page, 'LC005'), ['critical']);
  await page.waitForTimeout(200);
  assert.deepEqual(rec.requests.slice(loaded), [], 'requests during the scan');
  assert.deepEqual(rec.errors, []);
});

test('without policy.json (404) the built-in default is used, silently', async (t) => {
  const { page, rec } = await open(t);
  assert.equal(await page.textContent('#policy-source'), 'built-in default');
  assert.equal(await page.textContent('#policy-name'), 'lcscan default');
  assert.equal(await page.$('#policy-error'), null);
  assert.ok(rec.requests.includes(origin + '/policy.json'));
  await scanSample(page);
  assert.deepEqual(await severityOf(page, 'LC005'), ['high']);
  assert.deepEqual(rec.errors, []);
});

test('?policy= takes a path on the same site', async (t) => {
  const { page, rec } = await open(t, '/?policy=policies/portal-example.json');
  assert.equal(await page.textContent('#policy-name'), 'Example portal policy');
  assert.equal(await page.textContent('#policy-version'), 'version 2026.11');
  assert.ok(!rec.requests.includes(origin + '/policy.json'), 'policy.json is not asked for when ?policy= is given');
  await scanSample(page);
  assert.deepEqual(await severityOf(page, 'LC005'), ['critical']);
  assert.equal(await page.textContent('#summary .report-policy'), 'Judged by the policy Example portal policy (version 2026.11)');
  // The report names the policy (as the CLI's --policy would).
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download[data-format="json"]')]);
  const report = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(report.tool.policy, 'Example portal policy');
  assert.equal(report.tool.policy_version, '2026.11');
  const native = JSON.parse(cliJson(['n8n-lead-intake.json', '--policy', path.join(root, 'www/policies/portal-example.json')], path.join(root, 'www/samples')));
  assert.deepEqual(report, native);
});

for (const bad of ['https://evil.example/policy.json', '//evil.example/policy.json', 'data:application/json,{}']) {
  test(`?policy=${bad} is refused with a clear message and nothing is fetched from it`, async (t) => {
    const { page, rec } = await open(t, '/?policy=' + encodeURIComponent(bad));
    const msg = await page.textContent('#policy-error');
    assert.match(msg, /was not used/);
    assert.match(msg, /same site/);
    assert.equal(await page.textContent('#policy-source'), 'built-in default');
    for (const url of rec.requests) assert.ok(url.startsWith(origin + '/'), `request left the origin: ${url}`);
    await scanSample(page);
    assert.deepEqual(await severityOf(page, 'LC005'), ['high']);
  });
}

test('a missing or broken portal policy is reported, not silently replaced', async (t) => {
  const { page } = await open(t, '/?policy=policies/missing.json');
  assert.match(await page.textContent('#policy-error'), /could not be loaded \(there is no such file on this site\)/);
  extra.set('/policies/broken.json', ['application/json', '{"name": "x", "no_such_key": 1}']);
  t.after(() => extra.delete('/policies/broken.json'));
  const second = await open(t, '/?policy=policies/broken.json');
  assert.match(await second.page.textContent('#policy-error'), /could not be used: .*no_such_key/);
});

test('the user can pick a TOML policy file; the shown results are checked again with it', async (t) => {
  const { page, rec } = await open(t);
  await scanSample(page);
  assert.equal((await severityOf(page, 'LC005')).length, 1);
  const before = rec.requests.length;
  await page.setInputFiles('#policy-input', {
    name: 'team-lab.toml',
    mimeType: 'application/toml',
    buffer: Buffer.from('name = "Team lab"\nversion = "0.3"\ndisabled_rules = ["LC005"]\n'),
  });
  await page.waitForFunction(() => document.querySelector('#policy-name')?.textContent === 'Team lab');
  assert.match(await page.textContent('#policy-source'), /from the file you chose \(team-lab\.toml\)/);
  await page.waitForFunction(() => document.querySelector('#summary') && !document.querySelector('.finding[data-rule="LC005"]'), null, { timeout: 30000 });
  assert.ok((await page.$$('.finding')).length > 3);
  // A broken file leaves the policy in force.
  await page.setInputFiles('#policy-input', { name: 'bad.toml', mimeType: 'application/toml', buffer: Buffer.from('name = [') });
  await page.waitForSelector('#policy-error');
  assert.match(await page.textContent('#policy-error'), /bad\.toml could not be used/);
  assert.equal(await page.textContent('#policy-name'), 'Team lab');
  assert.deepEqual(rec.requests.slice(before), []);
});

test('module API: the example portal page scans a file and gets the CLI report, with no request during the scan', async (t) => {
  const { page, rec } = await open(t, '/embed-example.html', { ready: false });
  await page.waitForFunction(() => !document.getElementById('embed-file').disabled, null, { timeout: 20000 });
  assert.match(await page.textContent('#embed-status'), /lcscan 0\.\d+\.\d+ ready; reads .*n8n.*Power Automate/);
  const loaded = rec.requests.length;
  await page.setInputFiles('#embed-file', sample);
  await page.waitForSelector('.embed-title');
  await page.waitForTimeout(200);
  assert.deepEqual(rec.requests.slice(loaded), [], 'requests during the module scan');
  const report = await page.evaluate(() => window.lcscanReport);
  const native = JSON.parse(cliJson([path.basename(sample), '--policy', path.join(root, 'www/policies/portal-example.json')], path.dirname(sample)));
  assert.deepEqual(report, native);
  const shown = await page.$$eval('.embed-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(shown, native.findings.map((f) => f.title));
  assert.match(await page.textContent('#embed-count'), new RegExp(`^${native.findings.length} finding\\(s\\) in n8n-lead-intake\\.json, policy Example portal policy 2026\\.11`));
  assert.deepEqual(rec.errors, []);
});

test('module API: default policy gives the byte-identical CLI JSON; errors carry a code; formats and version', async (t) => {
  const { page } = await open(t, '/embed-example.html', { ready: false });
  const text = fs.readFileSync(sample, 'utf8');
  const got = await page.evaluate(async (content) => {
    const m = await import('./lcscan.js');
    await m.default();
    const bytes = new TextEncoder().encode(content);
    const report = m.scan(bytes, 'n8n-lead-intake.json');
    const fromBuffer = m.scan(bytes.buffer, 'n8n-lead-intake.json', { name: 'Object policy', version: '1', disabled_rules: ['LC001'] });
    const fp = report.findings[0].fingerprint;
    const exceptions = `format_version = 1\n[[exception]]\nfingerprint = "${fp}"\naccepted_by = "Jo"\nreason = "Test"\naccepted_on = "2026-01-01"\nexpires = "2026-12-31"\n`;
    const withExceptions = [
      m.scan(bytes, 'n8n-lead-intake.json', null, { exceptions, today: '2026-11-23' }),
      m.scan(bytes, 'n8n-lead-intake.json', null, { exceptions, today: '2027-01-01' }),
    ].map((r) => [r.findings.length, r.exceptions[0].status]);
    const errors = [];
    for (const [b, n, p] of [[new Uint8Array(), 'a.json'], [new TextEncoder().encode('PK\u0003\u0004'), 'x.zip'], [bytes, 'a.json', '{"nope":1}'], [bytes, 'a.json', 42]]) {
      try {
        m.scan(b, n, p);
        errors.push('no error');
      } catch (e) {
        errors.push(`${e instanceof Error}:${e.code}`);
      }
    }
    return {
      pretty: JSON.stringify(report, null, 2) + '\n',
      objectPolicy: [fromBuffer.tool.policy, fromBuffer.findings.some((f) => f.rule_id === 'LC001')],
      withExceptions,
      total: report.findings.length,
      errors,
      formats: m.formats(),
      version: m.version(),
    };
  }, text);
  assert.equal(got.pretty, cliJson([path.basename(sample)], path.dirname(sample)));
  assert.deepEqual(got.objectPolicy, ['Object policy', false]);
  assert.deepEqual(got.withExceptions, [[got.total - 1, 'accepted'], [got.total, 'expired']]);
  assert.deepEqual(got.errors, ['true:empty', 'true:broken-zip', 'true:invalid-policy', 'true:invalid-policy']);
  assert.ok(got.formats.some((f) => f.id === 'salesforce-flow' && f.name === 'Salesforce Flow'), JSON.stringify(got.formats));
  assert.match(got.version, /^\d+\.\d+\.\d+$/);
  // The declaration file ships beside the module.
  const dts = fs.readFileSync(path.join(dist, 'lcscan.d.ts'), 'utf8');
  for (const name of ['export default function init', 'export function scan', 'export function version', 'export function formats', 'export interface Report']) {
    assert.ok(dts.includes(name), name);
  }
});

test('iframe example: the embedded page shows the policy given by the portal, and scans inside the frame', async (t) => {
  const { page, rec } = await open(t, '/iframe-example.html', { ready: false });
  const frame = await (await page.waitForSelector('#lcscan-frame')).contentFrame();
  await frame.waitForSelector('#policy[data-ready="true"]', { timeout: 20000 });
  assert.equal(await frame.textContent('#policy-name'), 'Example portal policy');
  assert.match(await frame.textContent('#policy-source'), /policies\/portal-example\.json/);
  const loaded = rec.requests.length;
  await frame.click('button[data-sample="n8n-lead-intake.json"]');
  await frame.waitForSelector('#summary', { timeout: 30000 });
  assert.deepEqual(await frame.$$eval('.finding[data-rule="LC005"]', (els) => els.map((e) => e.dataset.severity)), ['critical']);
  await page.waitForTimeout(200);
  assert.deepEqual(rec.requests.slice(loaded), []);
  assert.deepEqual(rec.errors, []);
});

test('exceptions: accept a finding (who, why, expiry required), see it as accepted, download the file the CLI reads', async (t) => {
  const { page, rec } = await open(t);
  await scanSample(page);
  const total = (await page.$$('.finding')).length;
  const card = '.finding[data-rule="LC005"]';
  await page.click(`${card} button.accept`);
  await page.fill('#accept-who', 'Jane Reviewer');
  await page.fill('#accept-until', '2099-12-31');
  await page.click('#accept-save');
  assert.match(await page.textContent('#accept-error'), /why/i);
  await page.fill('#accept-why', 'Internal test system with a self-signed certificate');
  await page.fill('#accept-until', '');
  await page.click('#accept-save');
  assert.match(await page.textContent('#accept-error'), /last day/i);
  await page.fill('#accept-until', '2099-12-31');
  await page.fill('#accept-ticket', 'CHG-1234');
  await page.click('#accept-save');
  // The file is checked again with the exception: LC005 leaves the findings.
  await page.waitForSelector('#accepted .accepted-finding', { timeout: 30000 });
  assert.equal(await page.$(card), null);
  assert.equal((await page.$$('.finding')).length, total - 1);
  assert.match(await page.textContent('#accepted'), /Certificate checks are switched off/);
  assert.match(await page.textContent('#accepted .accepted-until'), /Accepted until 2099-12-31 by Jane Reviewer on \d{4}-\d\d-\d\d, ticket CHG-1234\./);
  assert.match(await page.textContent('#exceptions-count'), /1 reviewed exception/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#exceptions-download')]);
  assert.equal(download.suggestedFilename(), 'lcscan-exceptions.toml');
  const file = await download.path();
  const toml = fs.readFileSync(file, 'utf8');
  assert.match(toml, /fingerprint = "248e9a99344ca416"|fingerprint = "[0-9a-f]{16}"/);
  assert.match(toml, /accepted_by = "Jane Reviewer"/);
  assert.match(toml, /expires = "2099-12-31"/);
  assert.match(toml, /ticket = "CHG-1234"/);
  // The CLI honours the downloaded file.
  const copy = path.join(root, 'tests', 'artifacts', 'page-exceptions.toml');
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(file, copy);
  const native = JSON.parse(cliJson([path.basename(sample), '--baseline', copy], path.dirname(sample)));
  assert.equal(native.exceptions.length, 1);
  assert.equal(native.exceptions[0].status, 'accepted');
  assert.equal(native.exceptions[0].finding.rule_id, 'LC005');
  for (const url of rec.requests) assert.ok(url.startsWith(origin + '/') || url.startsWith('blob:'), url);
  assert.deepEqual(rec.errors, []);
});

test('exceptions: a loaded file shows accepted findings as "accepted until …" and expired ones back as findings', async (t) => {
  const native = JSON.parse(cliJson([path.basename(sample)], path.dirname(sample)));
  const fp = (rule) => native.findings.find((f) => f.rule_id === rule).fingerprint;
  const file = [
    'format_version = 1',
    '',
    '[[exception]]',
    `fingerprint = "${fp('LC001')}"`,
    'accepted_by = "Sam Owner"',
    'reason = "Behind the API gateway"',
    'accepted_on = "2026-01-10"',
    'expires = "2099-01-31"',
    '',
    '[[exception]]',
    `fingerprint = "${fp('LC005')}"`,
    'accepted_by = "Old Reviewer"',
    'reason = "Was a test system"',
    'accepted_on = "2020-01-01"',
    'expires = "2020-06-30"',
    '',
  ].join('\n');
  const { page, rec } = await open(t);
  await page.setInputFiles('#exceptions-input', { name: 'team-exceptions.toml', mimeType: 'application/toml', buffer: Buffer.from(file) });
  await page.waitForFunction(() => /2 reviewed exception\(s\), from team-exceptions\.toml/.test(document.querySelector('#exceptions-count')?.textContent));
  const before = rec.requests.length;
  await scanSample(page);
  await page.waitForSelector('#accepted');
  assert.match(await page.textContent('#accepted'), /Accepted until 2099-01-31 by Sam Owner on 2026-01-10\./);
  assert.equal(await page.$('.finding[data-rule="LC001"]'), null);
  assert.match(await page.textContent('.finding[data-rule="LC005"] .finding-expired'), /accepted this until 2020-06-30 \(Old Reviewer\); that has ended, so it counts again/);
  assert.deepEqual(rec.requests.slice(before), []);
  // A broken file is refused with the engine's reason.
  await page.setInputFiles('#exceptions-input', { name: 'bad.toml', mimeType: 'application/toml', buffer: Buffer.from('format_version = 1\n[[exception]]\nfingerprint = "zz"\n') });
  await page.waitForSelector('#exceptions-error');
  assert.match(await page.textContent('#exceptions-error'), /bad\.toml: The exceptions file is not valid/);
});

test('compare two versions: the summary, fixed problems and score change, with no request', async (t) => {
  const { page, rec } = await open(t);
  const v1 = fs.readFileSync(sample, 'utf8');
  const v2 = v1.replace('"allowUnauthorizedCerts": true', '"allowUnauthorizedCerts": false');
  assert.notEqual(v1, v2);
  const before = rec.requests.length;
  await page.setInputFiles('#diff-old', { name: 'lead-intake-v1.json', mimeType: 'application/json', buffer: Buffer.from(v1) });
  await page.setInputFiles('#diff-new', { name: 'lead-intake-v2.json', mimeType: 'application/json', buffer: Buffer.from(v2) });
  await page.waitForSelector('#diff-run:not([disabled])');
  await page.click('#diff-run');
  await page.waitForSelector('#diff-result', { timeout: 30000 });
  assert.match(await page.textContent('#diff-result .diff-files'), /lead-intake-v1\.json → lead-intake-v2\.json/);
  assert.deepEqual(await page.$$eval('#diff-fixed-findings .diff-finding', (els) => els.map((e) => e.dataset.rule)), ['LC005']);
  assert.equal(await page.$('#diff-new-findings'), null);
  const summary = await page.$$eval('#diff-summary li', (els) => els.map((e) => e.textContent));
  assert.ok(summary.length >= 1, JSON.stringify(summary));
  assert.match(await page.textContent('#diff-score'), /Risk score \d+ \(grade [A-F]\) → \d+ \(grade [A-F]\)/);
  // Same comparison as the CLI's `lcscan diff`.
  const dir = path.join(root, 'tests', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'lead-intake-v1.json'), v1);
  fs.writeFileSync(path.join(dir, 'lead-intake-v2.json'), v2);
  const out = spawnSync(cli, ['diff', 'lead-intake-v1.json', 'lead-intake-v2.json', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.ok(out.status === 0 || out.status === 1, out.stderr);
  assert.deepEqual(summary, JSON.parse(out.stdout).summary);
  // A broken newer version is explained.
  await page.setInputFiles('#diff-new', { name: 'empty.json', mimeType: 'application/json', buffer: Buffer.alloc(0) });
  await page.waitForSelector('#diff-run:not([disabled])');
  await page.click('#diff-run');
  await page.waitForSelector('#diff-error', { timeout: 30000 });
  assert.match(await page.textContent('#diff-error'), /^empty\.json \(newer version\) could not be checked: The file is empty/);
  assert.deepEqual(rec.requests.slice(before), []);
  assert.deepEqual(rec.errors, []);
});

test('compare two versions by dropping both files: the one changed last is the newer', async (t) => {
  const { page, rec } = await open(t);
  const v1 = fs.readFileSync(sample, 'utf8');
  const v2 = v1.replace('"allowUnauthorizedCerts": true', '"allowUnauthorizedCerts": false');
  const before = rec.requests.length;
  const drop = async (files) => {
    const dt = await page.evaluateHandle((list) => {
      const d = new DataTransfer();
      for (const [content, name, lastModified] of list) d.items.add(new File([content], name, { type: 'application/json', lastModified }));
      return d;
    }, files);
    await page.dispatchEvent('#compare', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#compare', 'drop', { dataTransfer: dt });
  };
  await drop([[v1, 'one.json', 1_000_000]]);
  assert.match(await page.textContent('#diff-hint'), /exactly two files/);
  // Dropped newest first: the order comes from the files' dates.
  await drop([[v2, 'flow-new.json', 2_000_000], [v1, 'flow-old.json', 1_000_000]]);
  await page.waitForSelector('#diff-result', { timeout: 30000 });
  assert.equal(await page.$('#diff-hint'), null);
  assert.equal(await page.textContent('#diff-chosen'), 'Older: flow-old.json · Newer: flow-new.json');
  assert.match(await page.textContent('#diff-result .diff-files'), /flow-old\.json → flow-new\.json/);
  assert.deepEqual(await page.$$eval('#diff-fixed-findings .diff-finding', (els) => els.map((e) => e.dataset.rule)), ['LC005']);
  assert.deepEqual(rec.requests.slice(before), []);
});
