/**
 * Chromium for the browser suites: Debian's package (`apt-get install -y chromium`) driven by
 * playwright-core. Suites use `describeWithService('Chromium', chromiumUnavailable())`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { ROOT } from './paths.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and other by-products of browser runs (git-ignored). */
export const ARTIFACTS_DIR = join(ROOT, 'test', 'artifacts');

/** Why Chromium cannot run here, or null when it can. */
export function chromiumUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Waits in the page (locators, navigation) give up after this: a hang guard sized for a loaded CI machine. */
const PAGE_WAIT_MS = 120_000;

export async function newBrowserContext(browser: Browser, options?: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(PAGE_WAIT_MS);
  return context;
}
