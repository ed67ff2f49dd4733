import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './server.ts';
import { expectAccessible } from './a11y.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/**
 * Debian's Chromium, headless, never a downloaded browser. Every context it opens records
 * Content-Security-Policy violations; closing a context (or, for one left open, the browser)
 * that saw one fails the test.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CASEWORK_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    contexts.push(context);
    return context;
  };
  // A context a test left open is checked when the browser closes (the file's afterAll fails).
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    const left = contexts.flatMap((c) => cspViolations.get(c) ?? []);
    await close(options);
    if (left.length) throw new Error(`Content-Security-Policy violations:\n${[...new Set(left)].join('\n')}`);
  };
  return browser;
}

/** The CSP violations each context has seen (the page's securitypolicyviolation events and the console's reports). */
export const cspViolations = new WeakMap<BrowserContext, string[]>();

async function watchCsp(context: BrowserContext): Promise<void> {
  const seen: string[] = [];
  cspViolations.set(context, seen);
  await context.exposeBinding('__caseworkCspViolation', (_source, report: string) => {
    seen.push(report);
  });
  await context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const report = `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`;
        (window as unknown as { __caseworkCspViolation(r: string): void }).__caseworkCspViolation(report);
      },
      true,
    );
  });
  context.on('console', (m) => {
    if (/Content[ -]Security[ -]Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  const close = context.close.bind(context);
  context.close = async (options) => {
    await close(options);
    const reported = seen.splice(0);
    if (reported.length) throw new Error(`Content-Security-Policy violations:\n${[...new Set(reported)].join('\n')}`);
  };
}

export const LAPTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** A fresh context (own cookies) that records page errors, signed in through the login form. */
export async function signedIn(browser: Browser, base: string, user: { email: string; password: string }, viewport = LAPTOP) {
  const context: BrowserContext = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { context, page, errors };
}

/** A full-page screenshot of what the test sees, after checking the page is accessible (axe). */
export async function shot(page: Page, name: string): Promise<string> {
  await expectAccessible(page, name);
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The reference shown in the Next Unassigned Case card (or null when empty). */
export async function nextReference(page: Page): Promise<string | null> {
  const card = page.locator('.next-panel .case-ref');
  if ((await card.count()) === 0) return null;
  return card.first().textContent();
}
