import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleOf } from './console';

/** The duty items suggested under her description, as `code` (`code*` for the one chosen). */
export const suggestedCodes = (page: Page) =>
  page
    .getByTestId('category-suggestion')
    .evaluateAll((tags) =>
      tags.map((t) => `${t.getAttribute('data-code')}${t.matches('.ant-tag-checkable-checked') ? '*' : ''}`),
    );

/**
 * She sends the filled 我要反映 form, past the duplicates panel if one comes up ("submit anyway"), and
 * lands on her case: returns its id from the address.
 */
export async function submitReport(page: Page): Promise<string | undefined> {
  await page.getByTestId('report-submit').click();
  const detail = page.getByTestId('case-detail');
  const duplicates = page.getByTestId('duplicates');
  await detail.or(duplicates).first().waitFor();
  if (await duplicates.isVisible()) {
    await duplicates.getByTestId('submit-anyway').click();
    await detail.waitFor();
  }
  return /\/m\/cases\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
}

/** The secretary finds the case in her unit's queue in the console, accepts it and resolves it with `result`. */
export async function handleInConsole(page: Page, caseId: string, number: string, result: string): Promise<void> {
  const ui = consoleOf(page);
  const answerTo = (action: string) =>
    page.waitForResponse(
      (r) => r.url().endsWith(`/api/v1/cases/${caseId}/${action}`) && r.request().method() === 'POST',
    );
  await ui.openSection('诉求办理');
  await page.getByTestId('queue-unit').click();
  const row = page.getByTestId('case-table').locator('tr', { hasText: number });
  await row.click();
  await page.waitForURL(`**/cases/${caseId}`);
  await ui.screenshot('cases-desk-01-case');
  const accepted = answerTo('accept');
  await page.getByTestId('action-accept').click();
  expect((await accepted).status()).toBe(200);
  await page.getByTestId('action-resolve').click();
  await page.getByTestId('action-form').locator('textarea').first().fill(result);
  await ui.screenshot('cases-desk-02-resolve');
  const resolved = answerTo('resolve');
  await page.getByTestId('action-confirm').click();
  expect((await resolved).status()).toBe(200);
  await page.getByTestId('action-form').waitFor({ state: 'detached' });
}
