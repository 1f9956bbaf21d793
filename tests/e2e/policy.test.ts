import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { createStorageClients } from '../../src/storage/clients.js';
import { PolicyRepository } from '../../src/storage/policy-repository.js';
import { readPolicyFiles } from '../../src/policy-files.js';

const available = browserTestsRun();

const prefix = 'pol' + randomBytes(3).toString('hex');
const westbrook = readPolicyFiles('config/policies').profiles.get('westbrook')!;
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;

describe.skipIf(!available)('Settings → Policy in the tab, in a real browser', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    const storage = createStorageClients({ kind: 'connectionString', connectionString: inject('storageConnectionString'), evidenceContainer: 'evidence', tablePrefix: prefix });
    await new PolicyRepository(storage.table('policies')).addVersion({ ...structuredClone(westbrook), version: westbrook.version + 1, versionNotes: ['Revised after the governors’ review.'] }, new Date().toISOString());
  });

  afterAll(() => tab?.stop());

  it('an administrator reads every rule with its own clause and quote, and what statutory guidance adds', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await page.getByRole('tab', { name: 'Policy' }).click();
    await page.getByRole('heading', { name: 'Policy at Westbrook Primary School' }).waitFor();
    const who = page.getByRole('table', { name: 'Who is told' });
    const row = who.getByRole('row', { name: /Who is told about cyberbullying/ });
    await expect.poll(() => row.innerText()).toContain('The Headteacher, no time given.');
    expect(await row.innerText()).toMatch(/Westbrook policy, “[^”]+”/);
    const images = page.getByRole('table', { name: 'Screenshots' }).getByRole('row', { name: /Screenshots of indecent images of children/ });
    const text = await images.innerText();
    expect(text).toContain('Screenshots must not be taken, copied or kept.');
    expect(text).toContain('Not in the policy: statutory guidance only');
    expect(text).toContain('UK Council for Internet Safety');
    expect(await page.getByText(/Newall Green|Wootton|Moor Nook|Beechwood/).count()).toBe(0);
    await tab.checkA11y('policy');
  });

  it('an administrator switches the version; the change is listed with who, from and to', async () => {
    const next = westbrook.version + 1;
    await page.getByRole('listitem').filter({ hasText: 'Revised after the governors’ review.' }).getByRole('button', { name: `Make version ${next} current` }).click();
    await page.getByText(`Version ${next} is now the policy the app works to.`).waitFor();
    const rows = page.getByRole('table', { name: 'Changes of version' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.first().locator('td').allInnerTexts()).slice(1)).toEqual([PEOPLE.deputy.name, `Version ${westbrook.version}`, `Version ${next}`]);
    expect((await rows.last().locator('td').allInnerTexts()).slice(1)).toEqual(['The policy file, when the app started', 'None', `Version ${westbrook.version}`]);
    await tab.checkA11y('policy after a switch');
  });

  it('the chair reads it but is offered no switch; a class teacher is not offered the page', async () => {
    await tab.signInAs(PEOPLE.chair.name);
    await page.getByRole('tab', { name: 'Policy' }).click();
    await page.getByRole('heading', { name: 'Policy at Westbrook Primary School' }).waitFor();
    await page.getByRole('table', { name: 'Changes of version' }).waitFor();
    expect(await page.getByRole('button', { name: /Make version/ }).count()).toBe(0);
    await tab.signInAs(PEOPLE.staff.name);
    await page.goto(`${server.url}/tab/index.html#/policy`);
    await page.getByText('The policy page is for administrators, the head, the chair of governors and safeguarding leads.').waitFor();
    expect(await page.getByRole('tab', { name: 'Policy' }).count()).toBe(0);
  });

  it('ran without page errors', () => {
    expect(tab.pageErrors).toEqual([]);
  });
});
