import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { seedLadoCase } from '../support/tab-seed.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';

const available = browserTestsRun();

const prefix = 'e' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let lado: CaseRecord;

describe.skipIf(!available)('referrals outside the school, in the Cases tab', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    const db = direct(inject('storageConnectionString'), prefix);
    lado = await seedLadoCase(db.caseRepo, { submitterAad: PEOPLE.staff.aad, createdAt: new Date(Date.now() - 2 * 60 * 60_000) });
  });

  afterAll(() => tab?.stop());

  it('the list flags the LADO referral the case owes', async () => {
    await tab.signInAs(PEOPLE.head.name);
    const row = page.getByRole('list', { name: 'Open cases, most severe first' }).getByRole('listitem').filter({ hasText: lado.reference });
    await row.getByText('LADO referral due', { exact: true }).waitFor();
  });

  it('the case page shows the deadline and its statutory source, records a LADO referral and sees the deadline met, accessibly', async () => {
    await page.goto(`${server.url}/tab/index.html#/case/${lado.id}`);
    await page.getByRole('heading', { name: 'Referrals' }).waitFor();
    const owed = page.getByRole('list', { name: 'Referrals owed' });
    await owed.getByText(/^LADO referral due by .* — within one working day \(Keeping children safe in education, Part four \(statutory guidance\)\)$/).waitFor();
    expect(await owed.locator('[data-deadline-state]').getAttribute('data-deadline-state')).toBe('open');
    await tab.checkA11y('referrals');

    const form = page.getByRole('form', { name: 'Record a referral' });
    await form.getByLabel('Referred to').selectOption('lado');
    await form.getByLabel('Their reference number').fill('LADO/2026/117');
    await form.getByLabel('Note').fill('Spoke to the duty LADO; strategy meeting tomorrow.');
    await form.getByRole('button', { name: 'Record referral' }).click();
    await page.getByText('Referral recorded.', { exact: true }).waitFor();

    await owed.getByText(/^LADO referral made .*, reference LADO\/2026\/117 — within one working day/).waitFor();
    expect(await owed.locator('[data-deadline-state]').getAttribute('data-deadline-state')).toBe('met');
    await page.getByRole('list', { name: 'Referrals made' }).getByText(/LADO \(local authority designated officer\): reference LADO\/2026\/117, made by Helen Carter/).waitFor();
    await page.getByText(/Helen Carter: Recorded a referral to LADO \(local authority designated officer\), reference LADO\/2026\/117/).waitFor();
    // Met: the flag is gone from the case's badges.
    expect(await page.getByText('LADO referral due', { exact: true }).count()).toBe(0);
    await tab.checkA11y('referrals recorded');
  });

  it('the print view lists the referrals', async () => {
    await page.goto(`${server.url}/tab/index.html#/case/${lado.id}/print`);
    await page.getByRole('heading', { name: 'Referrals' }).waitFor();
    await page.getByRole('list', { name: 'Referrals made' }).getByText(/reference LADO\/2026\/117/).waitFor();
    expect(tab.pageErrors).toEqual([]);
  });
});
