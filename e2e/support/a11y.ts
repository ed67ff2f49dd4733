import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** Violations of this impact fail a test; moderate and minor ones are reported by `axeViolations` only. */
const BLOCKING = new Set(['critical', 'serious']);

type AxeFinding = { id: string; impact: string; help: string; nodes: number; targets: string[] };

/** Runs axe-core (WCAG 2.1 A/AA and best practices) on the page as it is now. */
async function axeViolations(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
}

/**
 * Every page the browser tests visit passes axe with no critical and no serious violation
 * (called from `shot`, so each screenshot is also an accessibility check).
 */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  const blocking = (await axeViolations(page)).filter((v) => BLOCKING.has(v.impact));
  expect(blocking, `accessibility violations on ${where}`).toEqual([]);
}
