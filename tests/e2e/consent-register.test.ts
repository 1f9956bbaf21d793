import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';

const available = browserTestsRun();
const prefix = 'q' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;

async function openRegister(): Promise<void> {
  await page.goto(`${server.url}/tab/index.html#/registers/consent`);
  await page.getByRole('heading', { name: 'Photo-consent register' }).waitFor();
}

describe.skipIf(!available)('the photo-consent register in the Cases tab (real browser)', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
  });

  afterAll(() => tab?.stop());

  it('an administrator imports with a preview that shows the errors, then a good file, and edits one pupil', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await openRegister();
    await page.getByText(/No pupils yet/).waitFor();
    await tab.checkA11y('empty consent register');

    const box = page.getByLabel('Or paste the CSV');
    await box.fill('UPN,Name,Class,Facebook\nA1,Ava Jones,3A,yes\nA2,Ben Smith,3B,maybe\n');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('Line 3: Facebook: "maybe" is not Yes or No').waitFor();
    expect(await page.getByRole('button', { name: 'Import' }).isDisabled()).toBe(true);
    await tab.checkA11y('import preview with errors');

    await box.fill('UPN,Name,Class,Facebook,Instagram\nA1,Ava Jones,3A,yes,no\nA2,Ben Smith,3B,no,yes\n');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('2 rows: 2 to add, 0 to change, 0 unchanged.').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported: 2 added, 0 changed, 0 unchanged.').waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => rows.nth(1).innerText()).toMatch(/Ava Jones\s+3A\s+Facebook\s+No\s+No/);

    await page.getByRole('button', { name: 'Edit Ben Smith' }).click();
    await page.getByRole('form', { name: 'Edit Ben Smith' }).getByLabel('Do not publish').check();
    await tab.checkA11y('editing a pupil');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved Ben Smith.').waitFor();
    await expect.poll(() => rows.nth(2).innerText()).toMatch(/Ben Smith\s+3B\s+Instagram\s+No\s+Do not publish/);
    await page.getByText(/Ben Smith: do not publish no → yes/).waitFor();
    await page.getByText(/Imported 2 rows: 2 added/).waitFor();

    await page.getByLabel('Search by name').fill('ava');
    await expect.poll(() => rows.count()).toBe(2);
    await tab.checkA11y('consent register with pupils');
  });

  it('a member of SLT without the right is refused, and has no tab for it', async () => {
    await tab.signInAs(PEOPLE.dsl.name);
    await page.goto(`${server.url}/tab/index.html#/registers/consent`);
    await page.getByText('The photo-consent register is for the school office (administrators) and the head.').waitFor();
    expect(await page.getByRole('tab', { name: 'Photo consent' }).count()).toBe(0);
  });
});
