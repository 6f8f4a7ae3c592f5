// End-to-end tests of the page's "What lcscan looks for" section (rules,
// secret patterns, field categories, connector catalog, with a filter) and
// of the drop zone's list of platforms and the newer platforms' samples, in
// real headless Chromium.
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

let server;
let origin;
let browser;

before(async () => {
  ({ server, origin } = await serveDist(dist));
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

/** A fresh page with console errors and requests recorded. */
async function open(t) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const rec = { requests: [], errors: [] };
  context.on('request', (r) => rec.requests.push(r.url()));
  page.on('console', (m) => {
    const at = (m.location() && m.location().url) || '';
    if (m.type() === 'error' && !at.endsWith('/policy.json')) rec.errors.push(m.text());
  });
  page.on('pageerror', (e) => rec.errors.push(String(e)));
  t.after(() => context.close());
  await page.goto(origin + '/', { waitUntil: 'networkidle' });
  await page.waitForSelector('#drop-zone', { timeout: 20000 });
  return { page, rec };
}

/** Counts from the data files, to compare with what the page lists. */
function countIn(file, table) {
  const text = fs.readFileSync(path.join(root, 'rules', file), 'utf8');
  return text.split('\n').filter((l) => l.trim() === `[[${table}]]`).length;
}

async function filterTo(page, text) {
  await page.fill('#catalog-filter', text);
  // Yew re-renders on the input event.
  await page.waitForFunction(
    (want) => document.querySelector('#catalog-filter').value === want,
    text,
  );
}

async function rowTexts(page, list) {
  return page.$$eval(`#${list} .catalog-row`, (rows) => rows.map((r) => r.textContent));
}

test('"What lcscan looks for" is collapsed and not rendered until opened', async (t) => {
  const { page, rec } = await open(t);
  const catalog = await page.$eval('#catalog', (d) => ({ tag: d.tagName, open: d.open, summary: d.querySelector('summary').textContent }));
  assert.deepEqual(catalog, { tag: 'DETAILS', open: false, summary: 'What lcscan looks for' });
  // Lazy: no list in the page before it is opened.
  assert.equal(await page.$$eval('.catalog-row', (r) => r.length), 0);
  assert.equal(await page.$('#catalog-filter'), null);

  const before = rec.requests.length;
  await page.click('#catalog > summary');
  await page.waitForSelector('#catalog-secrets .catalog-row', { timeout: 10000 });
  // Opening it asks the network for nothing: the lists come from the engine.
  assert.deepEqual(rec.requests.slice(before), []);

  // The long lists show their first rows and a button for the rest.
  const patterns = countIn('secrets.toml', 'pattern') + 3;
  assert.equal(await page.textContent('#catalog-secrets .catalog-count'), `(${patterns})`);
  assert.equal(await page.$$eval('#catalog-secrets .catalog-row', (r) => r.length), 30);
  assert.equal(await page.textContent('#catalog-secrets .catalog-more'), `Show all ${patterns}`);
  await page.click('#catalog-secrets .catalog-more');
  await page.click('#catalog-connectors .catalog-more');
  await page.waitForFunction(() => !document.querySelector('.catalog-more'));

  const counts = await page.$$eval('.catalog-list', (lists) =>
    Object.fromEntries(lists.map((l) => [l.id, l.querySelectorAll('.catalog-row').length])),
  );
  assert.equal(counts['catalog-secrets'], patterns, JSON.stringify(counts));
  assert.equal(counts['catalog-fields'], countIn('fields.toml', 'field'), JSON.stringify(counts));
  assert.equal(counts['catalog-connectors'], countIn('connectors.toml', 'connector'), JSON.stringify(counts));
  assert.ok(counts['catalog-rules'] >= 27, JSON.stringify(counts));
  const rules = await rowTexts(page, 'catalog-rules');
  assert.ok(rules.some((r) => r.includes('LC001 public-trigger-without-auth')), rules.slice(0, 3).join('\n'));
  // Everything is text: no HTML markup inside the cells beyond the detail span.
  const tags = await page.$$eval('#catalog td *', (els) => [...new Set(els.map((e) => e.tagName))].sort());
  assert.deepEqual(tags.filter((tag) => !['BR', 'SPAN'].includes(tag)), []);
  assert.deepEqual(rec.errors, []);
});

test('filtering "stripe" shows the Stripe patterns with what an attacker can do', async (t) => {
  const { page, rec } = await open(t);
  await page.click('#catalog > summary');
  await page.waitForSelector('#catalog-filter');
  await filterTo(page, 'stripe');
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#catalog-secrets .catalog-row');
    return rows.length > 0 && rows.length < 20;
  });
  const secrets = await rowTexts(page, 'catalog-secrets');
  const live = secrets.find((r) => r.includes('Stripe live secret key'));
  assert.ok(live, secrets.join('\n'));
  assert.match(live, /create charges and refunds/);
  assert.match(live, /Stripe/);
  assert.ok(secrets.every((r) => /stripe/i.test(r)), secrets.join('\n'));
  const count = await page.textContent('#catalog-secrets .catalog-count');
  assert.match(count, /^\(\d+ of \d+\)$/);
  // The field list still has the secret-key field (stripeSecretKey is one of
  // its example names); lists with nothing about Stripe say so.
  const fields = await rowTexts(page, 'catalog-fields');
  assert.equal(fields.length, 1, fields.join('\n'));
  assert.match(fields[0], /secret, token or API key/);
  const rules = await page.textContent('#catalog-rules');
  assert.match(rules, /Nothing matches the filter/);
  assert.deepEqual(rec.errors, []);
});

test('filtering "IBAN" shows the bank account field category with its regulation', async (t) => {
  const { page, rec } = await open(t);
  await page.click('#catalog > summary');
  await page.waitForSelector('#catalog-filter');
  await filterTo(page, 'IBAN');
  await page.waitForFunction(() => document.querySelectorAll('#catalog-fields .catalog-row').length === 1);
  const [row] = await rowTexts(page, 'catalog-fields');
  assert.match(row, /bank account number/);
  assert.match(row, /financial/);
  assert.match(row, /GDPR/);
  assert.match(row, /data-protection law/);
  assert.match(row, /IBAN__c/);
  // Clearing the filter shows every list in full again.
  await filterTo(page, '');
  await page.waitForFunction(
    (n) => document.querySelectorAll('#catalog-fields .catalog-row').length === n,
    countIn('fields.toml', 'field'),
  );
  assert.deepEqual(rec.errors, []);
});

test('filtering the connector catalog by platform', async (t) => {
  const { page } = await open(t);
  await page.click('#catalog > summary');
  await page.waitForSelector('#catalog-filter');
  await filterTo(page, 'zapier');
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#catalog-connectors .catalog-row');
    return rows.length > 0 && rows.length < 40;
  });
  const rows = await rowTexts(page, 'catalog-connectors');
  assert.ok(rows.every((r) => /zapier/i.test(r)), rows.join('\n'));
  const intro = await page.textContent('#catalog-connectors .catalog-intro');
  assert.match(intro, /Zapier \d+/);
  assert.match(intro, /Windmill \d+/);
});

test('the drop zone names every supported platform', async (t) => {
  const { page } = await open(t);
  const help = await page.textContent('#drop-help');
  for (const p of ['n8n', 'Power Automate', 'Logic Apps', 'Power Platform solutions', 'Power Apps canvas', 'Salesforce Flow', 'Node-RED', 'Make', 'Appsmith', 'ToolJet', 'Retool', 'UiPath', 'Zapier', 'Budibase', 'Windmill']) {
    assert.ok(help.includes(p), `${p} missing from: ${help}`);
  }
});

const NEW_SAMPLES = [
  ['zapier-contact-form.json', ['Anyone on the internet can start this app', 'A password, key or token is written into the app', 'Data is sent over an unencrypted connection']],
  ['appsmith-support-desk.json', ['Anyone on the internet can open this app', 'A database query is built from incoming data', 'A password, key or token is written into the app']],
];

for (const [sample, expected] of NEW_SAMPLES) {
  test(`sample ${sample} shows its findings, secrets masked`, async (t) => {
    const { page, rec } = await open(t);
    await page.waitForSelector('#policy[data-ready="true"]', { timeout: 20000 });
    await page.click(`button[data-sample="${sample}"]`);
    await page.waitForSelector('#summary', { timeout: 30000 });
    const got = await page.$$eval('.finding-title', (els) => els.map((e) => e.textContent));
    for (const title of expected) assert.ok(got.includes(title), `missing "${title}" in ${JSON.stringify(got)}`);
    const body = await page.textContent('body');
    for (const secret of ['FAKE0000crm0000token0000Zx81Lq', 'FAKEd2Lq9Xw4Rt7Zp1Vn6Bc3Mf5Gh0Ks8Yt2We4Qa7U', 'FAKE0000mail0000Kz7Qw2Lp9Xv4Rt']) {
      assert.ok(!body.includes(secret), `an unmasked secret is shown: ${secret}`);
    }
    assert.deepEqual(rec.errors, []);
  });
}
