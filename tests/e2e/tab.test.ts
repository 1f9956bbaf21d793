import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { pngBytes, seedCase, seedEvidence } from '../support/tab-seed.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import { SCRIPT_FIELDS, scriptIn, seedScriptCase } from '../support/script-payloads.js';

const available = browserTestsRun();

const prefix = 'e' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let db: ReturnType<typeof direct>;
let sltCase: CaseRecord;
let headCase: CaseRecord;
let sgCase: CaseRecord;
const cspErrors: string[] = [];

describe.skipIf(!available)('the Cases tab in a real browser', () => {
  beforeAll(async () => {
    mkdirSync('.tmp', { recursive: true });
    tab = await startTab(prefix);
    ({ server, page } = tab);
    db = direct(inject('storageConnectionString'), prefix);
    const ev = await seedEvidence(db.storage, pngBytes(320, 200));
    sltCase = await seedCase(db.caseRepo, {
      category: 'disparaging',
      routing: { severity: 'low' },
      submitterAad: PEOPLE.staff.aad,
      createdAt: new Date(Date.now() - 3 * 60 * 60_000),
      evidence: [ev],
      answers: { category: 'disparaging', platform: 'facebook', where: 'https://facebook.example/group/1', whatHappened: '<img src=x onerror="document.title=\'pwned\'"> A post mocking the school play' },
    });
    headCase = await seedCase(db.caseRepo, { category: 'staffMisuse', routing: { aboutHead: true, queue: 'chair', severity: 'medium' }, submitterAad: PEOPLE.teacher2.aad });
    sgCase = await seedCase(db.caseRepo, {
      category: 'pupilContact',
      routing: { safeguarding: true, queue: 'dsl', severity: 'high', reasons: ['contact from a pupil'] },
      submitterAad: PEOPLE.teacher2.aad,
      createdAt: new Date(Date.now() - 30 * 60_000),
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  });

  afterAll(() => tab?.stop());

  it('offers development sign-in outside Teams, accessibly', async () => {
    await page.goto(`${server.url}/tab/index.html`);
    await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
    await tab.checkA11y('sign-in');
  });

  it('the headteacher sees the list with counts and chart, but not the case about the headteacher', async () => {
    await tab.signInAs(PEOPLE.head.name);
    const list = page.getByRole('list', { name: 'Open cases, most severe first' });
    await list.waitFor();
    await expect.poll(() => list.getByRole('link').count()).toBe(2);
    const text = await list.innerText();
    expect(text).toContain(sltCase.reference);
    expect(text).toContain(sgCase.reference);
    expect(text).not.toContain(headCase.reference);
    // Most severe first; the safeguarding alert is flagged overdue.
    expect(text.indexOf(sgCase.reference)).toBeLessThan(text.indexOf(sltCase.reference));
    expect(text).toContain('Alert not acknowledged');
    await page.getByText('alerts not acknowledged (15 min)').waitFor();
    await page.getByRole('table').first().waitFor();
    await page.screenshot({ path: '.tmp/tab-list.png', fullPage: true });
    await tab.checkA11y('case list');
  });

  it('filters the list', async () => {
    await page.getByLabel('Severity').selectOption('high');
    const list = page.getByRole('list', { name: 'Open cases, most severe first' });
    await expect.poll(() => list.getByRole('link').count()).toBe(1);
    expect(await list.innerText()).toContain(sgCase.reference);
    await page.getByLabel('Severity').selectOption('medium');
    await page.getByText('No open cases match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => list.getByRole('link').count()).toBe(2);
  });

  it('opens a case: answers as text, evidence blurred until shown, "hide all"', async () => {
    await page.getByRole('link', { name: new RegExp(sltCase.reference) }).click();
    await page.getByRole('heading', { name: sltCase.reference }).waitFor();
    // User-entered text is shown as text, never run.
    await page.getByText('A post mocking the school play', { exact: false }).waitFor();
    expect(await page.title()).not.toBe('pwned');
    const img = page.locator('img[data-shown]');
    await img.waitFor();
    expect(await img.getAttribute('data-shown')).toBe('false');
    expect(await img.evaluate((e) => getComputedStyle(e).filter)).toContain('blur');
    await tab.checkA11y('case detail');
    await page.getByRole('button', { name: /Evidence 1, blurred/ }).click();
    await expect.poll(() => img.getAttribute('data-shown')).toBe('true');
    expect(await img.evaluate((e) => getComputedStyle(e).filter)).toBe('none');
    expect(await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(320);
    await page.screenshot({ path: '.tmp/tab-case.png', fullPage: true });
    await page.getByRole('button', { name: 'Hide all' }).click();
    expect(await img.getAttribute('data-shown')).toBe('false');
  });

  it('assigns, adds a note, and closes the case with an outcome', async () => {
    await page.getByLabel('Assign to').selectOption({ label: 'Rachel Moore (Deputy headteacher)' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByText('Assigned.', { exact: true }).waitFor();
    await page.getByText('Assigned to Rachel Moore.').waitFor();

    await page.getByLabel('Add a note').fill('<b>Called</b> the parent; post taken down');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added.').waitFor();
    await page.getByText('<b>Called</b> the parent; post taken down').waitFor();

    await page.getByLabel('Change status').selectOption('inProgress');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByText('Status changed.').waitFor();
    await page.getByLabel('Change status').selectOption('closed');
    const change = page.getByRole('button', { name: 'Change status' });
    expect(await change.isDisabled()).toBe(true);
    await page.getByLabel('Outcome').fill('Post removed; no further action.');
    await change.click();
    await page.getByText('Outcome: ').waitFor();
    const chronology = await page.getByRole('region', { name: 'Chronology' }).innerText().catch(() => page.locator('ol').last().innerText());
    for (const line of ['Viewed the case', 'Viewed evidence', 'Assigned to', 'Added a note', 'Changed the status']) expect(chronology).toContain(line);
    await tab.checkA11y('case detail after actions');
  });

  it('has a print view for a referral', async () => {
    await page.getByRole('link', { name: 'Print view for a referral' }).click();
    await page.getByRole('heading', { name: `Referral summary: ${sltCase.reference}` }).waitFor();
    await tab.checkA11y('print view');
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows the registers honestly', async () => {
    await page.getByRole('tab', { name: 'School accounts' }).click();
    await page.getByText('No approved account requests yet.').waitFor();
    await tab.checkA11y('accounts register');
    await page.getByRole('tab', { name: 'Family relationships' }).click();
    await page.getByText('No family relationship declarations stand at present.').waitFor();
  });

  it('the chair sees the case about the headteacher', async () => {
    await tab.signInAs(PEOPLE.chair.name);
    const list = page.getByRole('list', { name: 'Open cases, most severe first' });
    await expect.poll(() => list.getByRole('link').count()).toBe(1);
    expect(await list.innerText()).toContain(headCase.reference);
  });

  it('a member of staff is told the tab is not for them', async () => {
    await tab.signInAs(PEOPLE.staff.name);
    await page.getByText('The Cases tab is for senior leaders').waitFor();
    await tab.checkA11y('staff');
  });

  it('an administrator assigns roles in settings', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: /Roles at/ }).waitFor();
    await tab.checkA11y('settings');
    const priya = page.getByRole('listitem').filter({ hasText: PEOPLE.teacher2.name });
    await priya.getByRole('checkbox', { name: 'Senior leadership' }).check();
    await priya.getByRole('button', { name: `Save roles for ${PEOPLE.teacher2.name}` }).click();
    await page.getByText(`Roles saved for ${PEOPLE.teacher2.name}.`).waitFor();
    expect((await db.directoryRepo.getMember('westbrook', PEOPLE.teacher2.aad))!.roles).toContain('slt');
  });

  it('works at phone width in the dark theme', async () => {
    const phone = page;
    await phone.setViewportSize({ width: 375, height: 740 });
    await phone.goto(`${server.url}/tab/index.html?theme=dark#/case/${sgCase.id}`);
    await phone.getByRole('heading', { name: sgCase.reference }).waitFor();
    await phone.screenshot({ path: '.tmp/tab-phone-dark.png', fullPage: true });
    const wide = await phone.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => `${e.tagName}.${e.className}`.slice(0, 80))
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    await tab.checkA11y('phone dark');
  });

  it('shows script typed into any field as text, never as markup', async () => {
    const { case: c } = await seedScriptCase(db.caseRepo, db.directoryRepo, db.storage);
    await page.setViewportSize({ width: 1280, height: 800 });
    await tab.signInAs(PEOPLE.deputy.name);
    await page.goto(`${server.url}/tab/index.html#/case/${c.id}`);
    await page.getByRole('heading', { name: c.reference }).waitFor();
    for (const f of SCRIPT_FIELDS.filter((x) => x !== 'assigneeJobTitle')) await page.getByText(scriptIn(f)).first().waitFor({ timeout: 5000 });
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"], body script:not([src])').count()).toBe(0);
  });

  it('ran without CSP violations or page errors', () => {
    expect(cspErrors).toEqual([]);
    expect(tab.pageErrors).toEqual([]);
  });
});
