#!/usr/bin/env node
// browser-test.js: the code browser in a real headless Chromium (Debian's
// chromium package, driven by playwright-core with the system browser;
// nothing is downloaded).
//
//   node browser-test.js <server base URL> <facts.json> <screenshot folder>
//
// facts.json holds what the pages must show, read from the domain by the Go
// test that runs this (cmd/hcpcs-server/browser_test.go). Each check prints
// "ok" or "FAIL" with the reason; the summary line is
// "browse: N passed, M failed", and the exit status is 1 when a check
// failed, 2 on a usage error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.HCPCS_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 30000;

function expect(cond, what) {
  if (!cond) {
    throw new Error(what);
  }
}

function eq(got, want, what) {
  expect(JSON.stringify(got) === JSON.stringify(want), `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// launch starts Chromium with a fresh profile of its own.
async function launch(options) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcpcs-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 }, ...options,
  });
  context.setDefaultTimeout(TIMEOUT);
  return { context, dir };
}

// watch records what must not happen on a page: console errors, uncaught
// exceptions, failed requests and error answers (except those expected).
function watch(page, problems, expectedStatus) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !(m.location().url in expectedStatus)) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !(expectedStatus[r.url()] === r.status())) {
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
}

async function main(argv) {
  if (argv.length !== 3) {
    console.error('usage: node browser-test.js <base URL> <facts.json> <screenshot folder>');
    return 2;
  }
  const [base, factsFile, shots] = argv;
  const facts = JSON.parse(fs.readFileSync(factsFile, 'utf8'));
  fs.mkdirSync(shots, { recursive: true });
  const shot = (page, name) => page.screenshot({ path: path.join(shots, name), fullPage: false });
  const problems = [];
  const expectedStatus = { [`${base}/browse/code/ZZ999`]: 404 };
  let passed = 0;
  let failed = 0;
  async function check(name, fn) {
    try {
      await fn();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    }
  }

  const js = await launch({});
  const page = await js.context.newPage();
  watch(page, problems, expectedStatus);

  await check('search as you type: ranked results with the matched words marked', async () => {
    await page.goto(`${base}/browse`);
    await page.locator('#q').pressSequentially(facts.query, { delay: 20 });
    await page.waitForFunction((want) => {
      const s = document.getElementById('status').textContent;
      return s.startsWith(`${want} codes found`) && document.querySelectorAll('#results li').length > 0;
    }, facts.total);
    const codes = await page.locator('#results li .code').allTextContents();
    eq(codes.slice(0, facts.top.length), facts.top, 'the first results, in the engine\'s order');
    eq(await page.locator('#results li:first-child .display').textContent(), facts.topDisplay, 'the first result shows the long description');
    const marks = await page.locator('#results li:first-child mark').allTextContents();
    expect(marks.length > 0, 'the first result has no <mark>');
    const words = facts.query.toLowerCase().split(/\s+/);
    for (const m of marks) {
      const t = m.toLowerCase();
      expect(words.some((w) => t.startsWith(w) || w.startsWith(t)), `marked ${JSON.stringify(m)} is not a query word`);
    }
    expect(new URL(page.url()).searchParams.get('q') === facts.query, `the URL does not keep the query: ${page.url()}`);
    await shot(page, 'search-results.png');
  });

  await check('a result opens its code page', async () => {
    await Promise.all([page.waitForURL(/\/browse\/code\//), page.locator('#results li:first-child a').click()]);
    eq(await page.locator('h1 .code').textContent(), facts.top[0], 'code page heading');
    eq(await page.locator('#display').textContent(), facts.topDisplay, 'display of the first result');
    expect(await page.locator('#timeline li.release').count() === facts.releases.length, 'the timeline has one entry per loaded release');
    await shot(page, 'code-page.png');
    await page.evaluate(() => document.getElementById('history-heading').scrollIntoView());
    await shot(page, 'code-history.png');
  });

  await check('a cross-reference links to the code it names', async () => {
    await page.goto(`${base}/browse/code/${facts.xrefFrom}?release=${facts.latest}`);
    const link = page.locator('tr.xref a', { hasText: facts.xrefTo }).first();
    await Promise.all([page.waitForURL(new RegExp(`/browse/code/${facts.xrefTo}`)), link.click()]);
    eq(await page.locator('h1 .code').textContent(), facts.xrefTo, 'the cross-referenced code');
    eq(await page.locator('#display').textContent(), facts.xrefToDisplay, 'its display');
    await shot(page, 'cross-reference-target.png');
  });

  await check('a release page shows the diff to the previous release, filterable by kind', async () => {
    await page.goto(`${base}/browse`);
    await Promise.all([page.waitForURL(new RegExp(`/browse/release/${facts.latest}$`)),
      page.locator('table.data a', { hasText: facts.latest }).first().click()]);
    for (const [kind, n] of Object.entries(facts.diffCounts)) {
      eq(await page.locator(`[data-count="${kind}"]`).textContent(), String(n), `count of ${kind}`);
    }
    const unloaded = await page.locator('#unloaded').textContent();
    for (const v of facts.diffUnloaded) {
      expect(unloaded.includes(v), `the unloaded release ${v} is not stated: ${unloaded}`);
    }
    await page.locator('#kind-added').check();
    await Promise.all([page.waitForURL(/kind=added/), page.locator('#kind-form button[type=submit]').click()]);
    const kinds = await page.locator('#changes tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
    expect(kinds.length > 0 && kinds.every((k) => k === 'added'), `rows of other kinds: ${[...new Set(kinds)]}`);
    eq(await page.locator('#changes tbody tr:first-child th').textContent(), facts.firstAdded, 'the first added code');
    expect((await page.locator('#diff-status').textContent()).startsWith(`${facts.diffCounts.added} changes`), 'the filtered total');
    await page.evaluate(() => document.getElementById('diff-status').scrollIntoView());
    await shot(page, 'release-diff-added.png');
  });

  await check('keyboard only: Tab to the search box, type, arrows, Enter opens a code page', async () => {
    await page.goto(`${base}/browse`);
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content', 'the first Tab stop');
    for (let i = 0; i < 10 && await page.evaluate(() => document.activeElement.id) !== 'q'; i++) {
      await page.keyboard.press('Tab');
    }
    eq(await page.evaluate(() => document.activeElement.id), 'q', 'focus after tabbing');
    await page.keyboard.type(facts.query, { delay: 20 });
    await page.waitForFunction((want) => document.getElementById('status').textContent.startsWith(`${want} codes found`), facts.total);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement.closest('#results') !== null && document.activeElement.querySelector('.code').textContent);
    eq(focused, facts.top[1], 'the focused result after two arrows down');
    await shot(page, 'keyboard-focus.png');
    await Promise.all([page.waitForURL(new RegExp(`/browse/code/${facts.top[1]}\\?release=${facts.latest}`)), page.keyboard.press('Enter')]);
    eq(await page.locator('h1 .code').textContent(), facts.top[1], 'the code page reached by keyboard');
  });

  await check('colours meet WCAG AA contrast', async () => {
    await page.goto(`${base}/browse?q=${encodeURIComponent(facts.query)}`);
    const ratios = await page.evaluate(() => {
      const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
      const lum = (c) => {
        const [r, g, b] = c.map((v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const bg = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') { return rgb(c); }
        }
        return [255, 255, 255];
      };
      const out = {};
      for (const sel of ['body', 'p.help', 'header.site a', '#results .code', '#results mark', 'label', 'button']) {
        const el = document.querySelector(sel);
        const a = lum(rgb(getComputedStyle(el).color));
        const b = lum(bg(el));
        out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }
      return out;
    });
    for (const [sel, r] of Object.entries(ratios)) {
      expect(r >= 4.5, `${sel}: contrast ${r.toFixed(2)} is below 4.5`);
    }
  });

  await check('an unknown code gets an HTML 404 page', async () => {
    const res = await page.goto(`${base}/browse/code/ZZ999`);
    eq(res.status(), 404, 'status');
    expect((res.headers()['content-type'] || '').startsWith('text/html'), 'not HTML');
    expect((await page.locator('h1').textContent()).includes('404'), 'no 404 heading');
    await shot(page, 'error-404.png');
  });

  await check('no console errors, failed requests or unexpected error answers', async () => {
    expect(problems.length === 0, problems.join('; '));
  });
  await js.context.close();

  const nojs = await launch({ javaScriptEnabled: false });
  const plain = await nojs.context.newPage();
  await check('without JavaScript: a code page shows its values and history', async () => {
    const res = await plain.goto(`${base}/browse/code/${facts.code}`);
    eq(res.status(), 200, 'status');
    eq(await plain.locator('#display').textContent(), facts.codeDisplay, 'display');
    eq(await plain.locator('#timeline li.release').count(), facts.releases.length, 'timeline entries');
    const gaps = await plain.locator('#timeline li.gap').allTextContents();
    for (const v of facts.codeUnloaded) {
      expect(gaps.some((g) => g.includes(v)), `the unloaded release ${v} is not stated on the timeline`);
    }
    await shot(plain, 'nojs-code-page.png');
    await plain.locator('#history-heading').scrollIntoViewIfNeeded();
    await shot(plain, 'nojs-code-history.png');
  });
  await check('without JavaScript: the search form renders ranked results on the server', async () => {
    await plain.goto(`${base}/browse`);
    await plain.locator('#q').fill(facts.query);
    await Promise.all([plain.waitForURL(/q=/), plain.locator('#q').press('Enter')]);
    const codes = await plain.locator('#results li .code').allTextContents();
    eq(codes.slice(0, facts.top.length), facts.top, 'server-rendered ranking');
    eq(await plain.locator('#results li:first-child .display').textContent(), facts.topDisplay, 'the first result shows the long description');
    expect(await plain.locator('#results mark').count() > 0, 'no <mark> in the server-rendered results');
    await shot(plain, 'nojs-search.png');
  });
  await check('without JavaScript: a release page filters its diff by kind', async () => {
    const res = await plain.goto(`${base}/browse/release/${facts.latest}`);
    eq(res.status(), 200, 'status');
    await plain.locator('#kind-terminated').check();
    await Promise.all([plain.waitForURL(/kind=terminated/), plain.locator('#kind-form button[type=submit]').click()]);
    const kinds = await plain.locator('#changes tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
    expect(kinds.length > 0 && kinds.every((k) => k === 'terminated'), `rows of other kinds: ${[...new Set(kinds)]}`);
    expect((await plain.locator('#diff-status').textContent()).startsWith(`${facts.diffCounts.terminated} changes`), 'the filtered total');
  });
  await nojs.context.close();
  for (const d of [js.dir, nojs.dir]) {
    fs.rmSync(d, { recursive: true, force: true });
  }
  console.log(`browse: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
