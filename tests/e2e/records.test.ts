import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { createStorageClients } from '../../src/storage/clients.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { seedCase } from '../support/tab-seed.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';

const available = browserTestsRun();

const prefix = 'rec' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let destroyed: CaseRecord;
let concern: CaseRecord;
let old: CaseRecord;

describe.skipIf(!available)('Records (retention, tombstones, subject access) and legal hold in the tab, in a real browser', () => {
  beforeAll(async () => {
    // A trolling report closed in 2019, in storage before the server starts: its first sweep destroys it.
    const storage = createStorageClients({ kind: 'connectionString', connectionString: inject('storageConnectionString'), evidenceContainer: 'evidence', tablePrefix: prefix });
    await storage.ensure();
    const repo = new CaseRepository(storage.table('cases'));
    destroyed = await seedCase(repo, { category: 'trolling', status: 'closed', routing: {}, submitterAad: PEOPLE.staff.aad, createdAt: new Date('2019-05-01T10:00:00Z') });
    concern = await seedCase(repo, { category: 'pupilContact', routing: { safeguarding: true, queue: 'dsl', severity: 'high' }, submitterAad: PEOPLE.staff.aad, answers: { category: 'pupilContact', whatHappened: 'A pupil, Alex Green, messaged a teacher.' } });
    // A safeguarding concern closed in 1995: 25 years on, the first sweep lists it for review.
    old = await seedCase(repo, { category: 'pupilContact', status: 'closed', routing: { safeguarding: true, queue: 'dsl', severity: 'high' }, submitterAad: PEOPLE.staff.aad, createdAt: new Date('1995-02-01T10:00:00Z') });
    tab = await startTab(prefix);
    ({ server, page } = tab);
  });

  afterAll(() => tab?.stop());

  it('an administrator shows an auditor the schedule with its sources and the register of records destroyed', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await page.getByRole('tab', { name: 'Records' }).click();
    await page.getByRole('heading', { name: 'Records at Westbrook Primary School' }).waitFor();
    const schedule = page.getByRole('table', { name: 'Retention schedule' });
    const safeguarding = schedule.getByRole('row', { name: /Safeguarding concerns about a child/ });
    const text = await safeguarding.innerText();
    expect(text).toContain('25 years after it ended');
    expect(text).toContain('Reviewed by a person');
    expect(text).toContain('Information Management Toolkit for Schools');
    expect(await schedule.getByRole('row', { name: /Allegations/ }).innerText()).toContain('Keeping children safe in education');
    // The sweeper ran at start: the old trolling report is gone, its tombstone listed.
    await expect.poll(async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Records at Westbrook Primary School' }).waitFor();
      return page.getByRole('table', { name: 'Records destroyed' }).count();
    }, { timeout: 15_000 }).toBe(1);
    const row = page.getByRole('table', { name: 'Records destroyed' }).getByRole('row', { name: new RegExp(destroyed.reference) });
    const t = await row.innerText();
    expect(t).toContain('On schedule');
    expect(t).toMatch(/baseline v\d+, school policy v\d+/);
    expect(t).toContain('policy file, read at start');
    await tab.checkA11y('records');
  });

  it('an administrator exports everything naming a pupil; the export is listed', async () => {
    await page.getByRole('radio', { name: 'Someone else, by name' }).check();
    await page.getByLabel('Name, as it would be written in a report').fill('Alex Green');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    expect((await download).suggestedFilename()).toMatch(/^subject-access-\d{4}-\d{2}-\d{2}\.zip$/);
    await page.getByText(/The export is ready/).waitFor();
    const exports = page.getByRole('table', { name: 'Subject access exports' });
    await expect.poll(() => exports.innerText()).toContain('Alex Green');
    expect(await exports.innerText()).toContain(PEOPLE.deputy.name);
    await tab.checkA11y('records after an export');
  });

  it('a DSL places a legal hold on a case with a reason; it shows on the case and in its chronology', async () => {
    await tab.signInAs(PEOPLE.dsl.name);
    await page.goto(`${server.url}/tab/index.html#/case/${concern.id}`);
    await page.getByRole('heading', { name: concern.reference }).waitFor();
    await page.getByLabel('Legal hold: why this case must be kept').fill('Police investigation under way');
    await page.getByRole('button', { name: 'Place a legal hold' }).click();
    await page.getByText('Legal hold placed.').waitFor();
    await page.getByText(/Under a legal hold since .*: Police investigation under way/).waitFor();
    await page.getByText(/Placed a legal hold/).waitFor();
    expect(await page.getByRole('button', { name: 'Lift the legal hold' }).count()).toBe(1);
    await tab.checkA11y('case under a legal hold');
    // A safeguarding lead who is not an administrator is not offered the Records page.
    expect(await page.getByRole('tab', { name: 'Records' }).count()).toBe(0);
  });

  it('the DSL reviews a safeguarding record whose period has ended, and keeps it', async () => {
    const panel = page.getByRole('region', { name: 'Retention' });
    // The first sweep, at start, lists it: until then the case shows no retention panel.
    await expect.poll(async () => {
      await page.goto(`${server.url}/tab/index.html#/case/${old.id}`);
      await page.reload();
      await page.getByRole('heading', { name: old.reference }).waitFor();
      await page.getByRole('heading', { name: 'Chronology' }).waitFor();
      await new Promise((r) => setTimeout(r, 300));
      return panel.getByText(/Its retention period ended/).count();
    }, { timeout: 15_000 }).toBe(1);
    await tab.checkA11y('case due for a retention review');
    await panel.getByLabel('Reason for the decision').fill('A sibling is still at the school');
    await panel.getByLabel('Keep it for').selectOption('2');
    await panel.getByRole('button', { name: 'Keep it' }).click();
    await panel.getByText(/Reviewed by Dev Patel, .* and kept until .*: A sibling is still at the school/).waitFor();
    expect(await panel.getByRole('button', { name: 'Destroy it now' }).count()).toBe(0);
    await page.getByText(/Reviewed it at the end of its retention period and kept it/).waitFor();
  });

  it('ran without page errors', () => {
    expect(tab.pageErrors).toEqual([]);
  });
});
