/**
 * The web app in a real browser (Debian chromium via playwright-core) against the production build
 * served by `npm start` (embedded mode, a fresh data directory), measured with the browser's own
 * Performance API:
 *  1. first-load JavaScript of the deals page: every script the page loads on a cold cache,
 *     gzipped (target < 300 KB);
 *  2. time to a usable funnel with 1,000 visible deals: from navigation start until the board holds
 *     every deal (first cards of each column drawn, the rest counted behind "show more"), so
 *     search, filters and moves work (target < 1.5 s; median of BENCH_WEB_LOADS loads);
 *  3. payment-to-toast latency: an income that pays a payment is posted through the API while the
 *     agent's deals page is open; the time until the «Оплата подтверждена» toast appears
 *     (target p99 < 100 ms over BENCH_WEB_PAYMENTS payments).
 *
 *   npm run bench:web      (needs `chromium`; builds first; ports 3000 and 8080-8086 must be free)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = 'http://localhost:3000';
const API = 'http://localhost:8080/api/v1';
const AGENT = { email: 'sergey.seller@example.com', password: 'Passw0rd!' };
const DEALS = Number(process.env.BENCH_WEB_DEALS ?? 1000);
const LOADS = Number(process.env.BENCH_WEB_LOADS ?? 5);
const PAYMENTS = Number(process.env.BENCH_WEB_PAYMENTS ?? 100);
const CARD = '[data-testid^="column-"] a[href^="/deals/"]';
const TOAST_TEXT = 'Оплата подтверждена';

const format = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values) => percentile(values, 50);
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function startPolis(dataDir) {
  const child = spawn(process.execPath, [join(ROOT, 'apps/all-in-one/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      POLIS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      // The seeding below creates a thousand deals in seconds.
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Stop with Ctrl-C')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  if (!output.includes('web ')) throw new Error('the web app is not built: run `npm run build` first');
  return child;
}

async function api(method, path, token, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function signIn() {
  const response = await fetch(`${API}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status}`);
  return (await response.json()).accessToken;
}

/** Enough of the agent's own deals that the funnel holds DEALS cards. */
async function seedDeals(token) {
  const existing = await countVisibleDeals(token);
  const clients = [];
  for (let i = 0; i < 20; i += 1) {
    clients.push((await api('POST', '/crm/clients', token, { name: `Бенч Клиент ${i + 1}` })).id);
  }
  const today = new Date().toISOString().slice(0, 10);
  const missing = Math.max(0, DEALS - existing);
  for (let start = 0; start < missing; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, missing - start) }, (_, i) =>
        api('POST', '/crm/deals', token, {
          clientId: clients[(start + i) % clients.length],
          title: `Сделка ${start + i + 1}: КАСКО автопарка`,
          nextReviewAt: today,
        }),
      ),
    );
  }
  return countVisibleDeals(token);
}

async function countVisibleDeals(token) {
  let count = 0;
  let cursor;
  do {
    const page = await api(
      'GET',
      `/crm/deals?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    );
    count += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return count;
}

async function signInBrowser(browser) {
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${WEB}/login`);
  await page.getByLabel('Email').fill(AGENT.email);
  await page.getByLabel('Пароль').fill(AGENT.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(`${WEB}/`);
  return { context, page };
}

/** Scripts of a cold load of /deals, fetched again and gzipped here (what a compressing server sends). */
async function firstLoadJs(browser, storageState) {
  const context = await browser.newContext({ locale: 'ru-RU', storageState });
  const page = await context.newPage();
  await page.goto(`${WEB}/deals`, { waitUntil: 'load' });
  await page.locator(CARD).first().waitFor({ timeout: 60_000 });
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => entry.initiatorType === 'script' || entry.name.endsWith('.js'))
      .map((entry) => entry.name),
  );
  await context.close();
  let gzipped = 0;
  let raw = 0;
  for (const url of new Set(scripts.filter((name) => name.startsWith(WEB)))) {
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    raw += body.length;
    gzipped += gzipSync(body, { level: 9 }).length;
  }
  return { count: new Set(scripts).size, raw, gzipped };
}

/**
 * Milliseconds from navigation start until the board holds all `expected` deals: each column shows
 * its first cards and offers the rest behind "Показать ещё (N)", so search, filters and moves work
 * on every deal from then on.
 */
async function timeToFunnel(context, expected) {
  const page = await context.newPage();
  await page.goto(`${WEB}/deals`, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    ({ count }) => {
      let onBoard = 0;
      for (const column of document.querySelectorAll('[data-testid^="column-"]')) {
        onBoard += column.querySelectorAll('a[href^="/deals/"]').length;
        for (const button of column.querySelectorAll('button')) {
          const more = /\d+/.exec(button.textContent ?? '');
          if (button.textContent?.includes('Показать ещё') && more) onBoard += Number(more[0]);
        }
      }
      return onBoard >= count ? performance.now() : false;
    },
    { count: expected },
    { timeout: 60_000, polling: 'raf' },
  );
  const ms = await handle.jsonValue();
  await page.close();
  return ms;
}

async function paymentToToast(page, token) {
  const policies = await api('GET', '/crm/policies?limit=50', token);
  const policy = policies.items.find((item) => item.dealId);
  if (!policy) throw new Error('the agent has no policy with a deal in the demo data');
  await page.goto(`${WEB}/deals/${policy.dealId}`);
  await page.waitForLoadState('networkidle');
  // Wall-clock times (same machine) of every toast that appears.
  await page.evaluate((text) => {
    window.__toasts = [];
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === 1 && node.textContent?.includes(text)) {
            window.__toasts.push(performance.timeOrigin + performance.now());
          }
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }, TOAST_TEXT);
  const base = `/crm/deals/${policy.dealId}/policies/${policy.id}/payments`;
  const today = new Date().toISOString().slice(0, 10);
  const latencies = [];
  for (let i = 0; i < PAYMENTS; i += 1) {
    const payment = await api('POST', base, token, { plannedAmount: '1500.00', currency: 'RUB', plannedDate: today });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = await page.evaluate(() => window.__toasts.length);
    const sentAt = Date.now();
    await api('POST', `${base}/${payment.id}/incomes`, token, {
      amount: '1500.00',
      currency: 'RUB',
      category: 'premium',
      postedAt: today,
    });
    const shownAt = await (
      await page.waitForFunction((count) => window.__toasts.length > count && window.__toasts[count], seen, {
        timeout: 10_000,
        polling: 'raf',
      })
    ).jsonValue();
    latencies.push(shownAt - sentAt);
    // Close the toasts so that the next one is shown at once rather than queued.
    await page.evaluate(() => {
      for (const button of document.querySelectorAll('.mantine-Notification-root button')) button.click();
    });
    await page.waitForFunction(() => document.querySelectorAll('.mantine-Notification-root').length === 0, null, {
      timeout: 10_000,
    });
  }
  return latencies;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'polis-bench-web-'));
  const polis = await startPolis(join(dataDir, 'data'));
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic'],
  });
  try {
    const token = await signIn();
    const visible = await seedDeals(token);
    console.log(`web app: production build via npm start (embedded), agent ${AGENT.email} sees ${visible} deals`);

    const { context } = await signInBrowser(browser);
    const storageState = await context.storageState();
    const js = await firstLoadJs(browser, storageState);
    console.log(
      `first-load JS of /deals: ${format(js.gzipped / 1024)} KB gzipped (${format(js.raw / 1024)} KB raw, ${js.count} scripts) (target < 300 KB)`,
    );

    await timeToFunnel(context, visible); // warm-up: compiles nothing (production), fills the caches
    const loads = [];
    for (let i = 0; i < LOADS; i += 1) loads.push(await timeToFunnel(context, visible));
    console.log(
      `time to a usable funnel with ${visible} deals: median ${format(median(loads))} ms over ${LOADS} loads ` +
        `(min ${format(Math.min(...loads))}, max ${format(Math.max(...loads))}) (target < 1,500 ms)`,
    );

    const page = await context.newPage();
    const latencies = await paymentToToast(page, token);
    console.log(
      `payment-to-toast over ${latencies.length} payments: p50 ${format(median(latencies))} ms, ` +
        `p99 ${format(percentile(latencies, 99))} ms, max ${format(Math.max(...latencies))} ms (target p99 < 100 ms)`,
    );
    await context.close();
  } finally {
    await browser.close();
    polis.kill('SIGINT');
    await new Promise((resolve) => polis.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
