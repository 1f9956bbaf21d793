import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';

const available = browserTestsRun();

const prefix = 'g' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let db: ReturnType<typeof direct>;

describe.skipIf(!available)('role changes in the tab, in a real browser', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    db = direct(inject('storageConnectionString'), prefix);
  });

  afterAll(() => tab?.stop());

  it('settings do not offer an administrator their own roles; they change someone else\'s', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: /Roles at/ }).waitFor();
    const own = page.getByRole('listitem').filter({ hasText: PEOPLE.deputy.name });
    await own.getByText('These are your own roles. Another administrator can change them.').waitFor();
    expect(await own.getByRole('button').count()).toBe(0);
    expect(await own.getByRole('checkbox', { name: 'Chair of governors' }).isDisabled()).toBe(true);
    expect(await own.getByRole('checkbox', { name: 'Designated safeguarding lead' }).isDisabled()).toBe(true);

    const priya = page.getByRole('listitem').filter({ hasText: PEOPLE.teacher2.name });
    await priya.getByRole('checkbox', { name: 'Deputy DSL' }).check();
    await priya.getByRole('button', { name: `Save roles for ${PEOPLE.teacher2.name}` }).click();
    await page.getByText(`Roles saved for ${PEOPLE.teacher2.name}.`).waitFor();
    await tab.checkA11y('settings');
  });

  it('the chair of governors reads the trail: who changed whose roles, from what to what, when', async () => {
    await tab.signInAs(PEOPLE.chair.name);
    await page.getByRole('tab', { name: 'Role changes' }).click();
    const table = page.getByRole('table', { name: /Role changes at/ });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allInnerTexts();
    expect(cells.slice(1)).toEqual([PEOPLE.deputy.name, PEOPLE.teacher2.name, 'Staff', 'Staff, Deputy DSL\nGiven: Deputy DSL']);
    // The time shown is the stored time, in UK time.
    const stored: string[] = [];
    for await (const e of db.storage.table('roleChanges').listEntities<{ at: string }>()) stored.push(e.at);
    expect(stored).toHaveLength(1);
    expect(await rows.first().locator('time').getAttribute('datetime')).toBe(stored[0]);
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(new Date(stored[0]));
    expect(cells[0]).toContain(hhmm);
    await tab.checkA11y('role changes');
  });

  it('the headteacher (not an administrator) is not offered the trail, and is refused it if they ask', async () => {
    await tab.signInAs(PEOPLE.head.name);
    await page.getByRole('tab', { name: 'Open cases' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Role changes' }).count()).toBe(0);
    await page.goto(`${server.url}/tab/index.html#/role-changes`);
    await page.getByText('The record of role changes is for administrators, the chair of governors and safeguarding leads.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('ran without page errors', () => {
    expect(tab.pageErrors).toEqual([]);
  });
});
