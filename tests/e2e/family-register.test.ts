import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { DeclarationService } from '../../src/domain/declarations/declaration-service.js';
import type { DeclarationAnswers } from '../../src/domain/declarations/declaration.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';

const available = browserTestsRun();
const prefix = 'h' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let db: ReturnType<typeof direct>;
let svc: DeclarationService;
let acknowledged: CaseRecord;
let waiting: CaseRecord;
let withdrawn: CaseRecord;

const COLUMNS = ['Staff member', 'Pupil', 'Year group', 'Relationship', 'Platforms', 'Status', 'Declared', 'Acknowledged'];
const answers = (pupilName: string, yearGroup: string, relationship: DeclarationAnswers['relationship'], platforms: DeclarationAnswers['platforms']): DeclarationAnswers => ({
  pupilName, yearGroup, relationship, platforms, otherRelatives: 'no', confirmed: true,
});
const member = async (p: Person) => (await db.directory.member('westbrook', p.aad))!;
async function declare(p: Person, a: DeclarationAnswers): Promise<CaseRecord> {
  const school = (await db.directory.school('westbrook'))!;
  const r = await svc.declare({ school, declarer: await member(p), submissionId: `e2e-${randomBytes(4).toString('hex')}`, answers: a });
  return r.case;
}

async function openRegister(): Promise<void> {
  await page.goto(`${server.url}/tab/index.html#/registers/family`);
  await page.getByRole('heading', { name: 'Register of family relationships with pupils' }).waitFor();
  await page.getByRole('table').or(page.getByText(/^No family relationship/)).first().waitFor();
}

describe.skipIf(!available)('the register of family relationships in the Cases tab (real browser)', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    db = direct(inject('storageConnectionString'), prefix);
    svc = new DeclarationService(db.caseRepo, db.directory);
    acknowledged = await declare(PEOPLE.staff, answers('Amelia Fairweather', 'Year 5', 'auntUncle', ['facebook', 'whatsapp']));
    acknowledged = (await svc.acknowledge(await member(PEOPLE.head), acknowledged.id, 'Discussed protocols.')).case;
    waiting = await declare(PEOPLE.teacher2, answers('Toby Shah', '3B', 'grandparent', ['none']));
    withdrawn = await declare(PEOPLE.staff, answers('Ruby Lane', 'Year 2', 'cousin', ['instagram']));
    withdrawn = (await svc.withdraw(await member(PEOPLE.staff), withdrawn.id)).case;
  });

  afterAll(() => tab?.stop());

  it('the chair, with nothing of theirs to keep yet, sees the empty state', async () => {
    await tab.signInAs(PEOPLE.chair.name);
    await openRegister();
    await page.getByText('No family relationship declarations stand at present.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await tab.checkA11y('empty register');
  });

  it("the headteacher sees the staff's declarations in every column, each linking to its case, accessibly", async () => {
    await tab.signInAs(PEOPLE.head.name);
    await openRegister();
    await page.getByText('Amelia Fairweather').waitFor();
    const headers = await page.getByRole('columnheader').allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual(COLUMNS);
    const rows = page.getByRole('row');
    expect(await rows.count()).toBe(3); // the header and two declarations

    const sam = page.getByRole('row', { name: /Amelia Fairweather/ });
    const cells = (await sam.getByRole('cell').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells.slice(0, 6)).toEqual([`${PEOPLE.staff.name} ${acknowledged.reference}`, 'Amelia Fairweather', 'Year 5', 'Aunt or uncle', 'Facebook, WhatsApp', 'Acknowledged']);
    expect(cells[6]).toMatch(/^\d{1,2} \w{3} \d{4}$/);
    expect(cells[7]).toMatch(new RegExp(`^${PEOPLE.head.name} \\d{1,2} \\w{3} \\d{4}$`));

    const priya = page.getByRole('row', { name: /Toby Shah/ });
    const priyaText = await priya.innerText();
    for (const t of [PEOPLE.teacher2.name, waiting.reference, '3B', 'Grandparent', 'Not connected on social media', 'Awaiting acknowledgement', 'Not yet']) expect(priyaText).toContain(t);
    expect(await page.getByRole('table').innerText()).not.toContain('Ruby Lane');
    await tab.checkA11y('family register');

    await sam.getByRole('link', { name: new RegExp(PEOPLE.staff.name) }).click();
    await page.getByRole('heading', { name: acknowledged.reference }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/case/${acknowledged.id}`);
  });

  it('"Show withdrawn" adds the withdrawn declarations, and takes them away again', async () => {
    await openRegister();
    const toggle = page.getByRole('switch', { name: 'Show withdrawn' });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    const ruby = page.getByRole('row', { name: /Ruby Lane/ });
    await ruby.waitFor();
    const text = await ruby.innerText();
    for (const t of [PEOPLE.staff.name, withdrawn.reference, 'Year 2', 'Cousin', 'Instagram', 'Withdrawn', 'Not yet']) expect(text).toContain(t);
    expect(await page.getByRole('row').count()).toBe(4);
    await tab.checkA11y('family register with withdrawn');
    await toggle.uncheck();
    await ruby.waitFor({ state: 'detached' });
    await page.getByText('Amelia Fairweather').waitFor();
    expect(await page.getByRole('row').count()).toBe(3);
  });

  it('works at phone width: the table scrolls in its box, the page never sideways', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${server.url}/tab/index.html?theme=dark#/registers/family`);
    await page.getByText('Amelia Fairweather').waitFor();
    await page.screenshot({ path: '.tmp/family-register-phone.png', fullPage: true });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    // Outside the table's scrolling box nothing reaches past the edge (the heading and the switch wrap).
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('table') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => `${e.tagName}.${e.className}`.slice(0, 80))
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    await page.getByRole('switch', { name: 'Show withdrawn' }).check();
    await page.getByText('Ruby Lane').waitFor();
    await tab.checkA11y('family register at phone width, dark');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("the headteacher's own declaration is on the chair's register and never on the head's", async () => {
    let own = await declare(PEOPLE.head, answers('Olivia Carter', 'Year 1', 'grandparent', ['facebook']));
    own = (await svc.acknowledge(await member(PEOPLE.chair), own.id, 'Discussed with the head.')).case;
    await openRegister();
    await page.getByText('Amelia Fairweather').waitFor();
    expect(await page.getByRole('table').innerText()).not.toContain('Olivia Carter');
    await tab.signInAs(PEOPLE.chair.name);
    await openRegister();
    const row = page.getByRole('row', { name: /Olivia Carter/ });
    await row.waitFor();
    const text = await row.innerText();
    for (const t of [PEOPLE.head.name, own.reference, 'Year 1', 'Grandparent', 'Facebook', 'Acknowledged', PEOPLE.chair.name]) expect(text).toContain(t);
    expect(await page.getByRole('table').innerText()).not.toContain('Amelia Fairweather');
    expect(tab.pageErrors).toEqual([]);
  });

  it('a member of staff is refused the register', async () => {
    await tab.signInAs(PEOPLE.staff.name);
    await page.goto(`${server.url}/tab/index.html#/registers/family`);
    await page.getByText(/The Cases tab is for senior leaders/).waitFor();
    expect(await page.getByText('Amelia Fairweather').count()).toBe(0);
  });
});
