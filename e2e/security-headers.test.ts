import { describe, expect, it } from 'vitest';
import { LAPTOP, cspViolations } from './support/browser.ts';
import { e2eApp } from './support/app.ts';

const app = e2eApp();

describe('Content-Security-Policy in the browser', () => {
  it('an inline script injected into the app is blocked, reported, and fails the context that saw it', async () => {
    const context = await app.browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto(`${app.server.url}/login`);
    await page.getByLabel('Email').waitFor();
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => cspViolations.get(context)?.length ?? 0).toBeGreaterThan(0);
    expect(cspViolations.get(context)!.join('\n')).toMatch(/script-src/);
    await expect(context.close()).rejects.toThrow(/Content-Security-Policy violations/);
  });

  it('the agent app refuses to be framed by another page; the demo chat page may be', async () => {
    const context = await app.browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    // A page on another origin (about:blank with content) framing the app and the demo page.
    await page.setContent(
      `<iframe id="app" src="${app.server.url}/login"></iframe><iframe id="demo" src="${app.server.url}/demo/chat"></iframe>`,
    );
    const demo = page.frameLocator('#demo');
    await demo.locator('h1', { hasText: 'Northwind Outdoor Gear' }).waitFor();
    const appFrame = page.frames().find((f) => f.url().endsWith('/login'));
    const appLoaded = appFrame
      ? await appFrame
          .locator('body')
          // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the text a person sees), not the DOM property
          .innerText()
          .then((t) => t.includes('Sign in'))
          .catch(() => false)
      : false;
    expect(appLoaded).toBe(false);
    // The refusal is the policy working: not a violation of ours to fail on.
    cspViolations.get(context)!.length = 0;
    await context.close();
  });
});
