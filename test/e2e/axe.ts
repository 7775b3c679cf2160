// The axe-core scan the accessibility tests share (issue 8 point 7): the whole page, every rule axe enables by
// default; a serious or critical violation fails the test with its rule id and the elements it found.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Runs axe over the whole page (every rule axe enables by default) and fails on a serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const minor = results.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length > 0) {
    // Kept for reading (moderate and minor findings), not failed on: issue 8 asks for no serious or critical one.
    await test.info().attach(`axe-minor-${screen}`, { body: JSON.stringify(minor.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target) })), null, 2), contentType: 'application/json' });
  }
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  // Soft: one run walks every screen and reports all of them; the test still fails at its end.
  expect.soft(bad, `serious or critical axe violations on "${screen}"`).toEqual([]);
}
