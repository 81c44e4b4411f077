// What the browser scenarios share: where the system runs, the browser they drive, and a watch
// on script errors. Run against a running system (see apps/web/README.md for the variables).
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WEB_URL = (process.env.E2E_WEB_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
export const API_URL = (process.env.E2E_API_URL ?? 'http://localhost:8080/api/v1').replace(/\/+$/, '');
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Debian chromium, without the background traffic a fresh profile makes. */
export async function launchBrowser() {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects the uncaught script errors of every page it is given. */
export function scriptErrors() {
  const errors = [];
  return {
    errors,
    watch(page) {
      page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
      return page;
    },
  };
}
