import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import type { PostAnswers, PostStage } from '../../src/domain/posts/post-service.js';

const available = browserTestsRun();
const prefix = 'q' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let db: ReturnType<typeof direct>;
let fair: CaseRecord;
let pending: CaseRecord;

const COLUMNS = ['Post', 'Account', 'Pupils named', 'Proposed by', 'Approved by', 'Photos', 'Text'];
const ref = (p: Person) => ({ aadObjectId: p.aad, name: p.name });

/** A post as the flow saves it, approved by the head (or still waiting). */
async function seedPost(by: Person, text: string, pupils: Array<[string, string]>, approved: boolean): Promise<CaseRecord> {
  const answers: PostAnswers = {
    accountId: 'a'.repeat(16), accountName: 'Westbrook News', platform: 'facebook', platformLabel: 'Facebook', text,
    pupils: pupils.map(([name, classOrYear], i) => ({ pupilId: `p${i}`, name, classOrYear })), namedInText: [], checks: [],
  };
  const at = new Date().toISOString();
  const stage: PostStage = { approvers: [ref(PEOPLE.head)], approverLabel: 'the Headteacher', ...(approved ? { decision: { by: ref(PEOPLE.head), decision: 'approved' as const, at } } : {}) };
  const { case: c } = await db.caseRepo.create({
    schoolId: 'westbrook', referencePrefix: 'SM', submissionId: `e2e-${randomBytes(4).toString('hex')}`, kind: 'postProposal', category: 'facebook',
    status: approved ? 'approved' : 'awaitingApproval', routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] },
    submitter: ref(by), answers: { ...answers }, stage: { ...stage }, evidence: [], outbox: [], now: at,
  });
  return c;
}

async function openRegister(): Promise<void> {
  await page.goto(`${server.url}/tab/index.html#/registers/posts`);
  await page.getByRole('heading', { name: 'Register of approved posts' }).waitFor();
  await page.getByRole('table').or(page.getByText(/^No (approved )?post/)).first().waitFor();
}

describe.skipIf(!available)('the register of approved posts in the Cases tab (real browser)', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    db = direct(inject('storageConnectionString'), prefix);
    fair = await seedPost(PEOPLE.staff, 'Year 4 won the science fair!', [['Amelia Fairweather', 'Year 4'], ['Toby Shah', 'Year 4']], true);
    await seedPost(PEOPLE.teacher2, 'Choir at the town hall', [], true);
    pending = await seedPost(PEOPLE.staff, 'Not yet confirmed', [['Ruby Lane', 'Year 2']], false);
  });

  afterAll(() => tab?.stop());

  it('a senior leader sees the approved posts in every column (never one still waiting), accessibly', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await openRegister();
    await page.getByText('Amelia Fairweather (Year 4), Toby Shah (Year 4)').waitFor();
    expect((await page.getByRole('columnheader').allInnerTexts()).map((h) => h.trim())).toEqual(COLUMNS);
    expect(await page.getByRole('row').count()).toBe(3);
    const row = page.getByRole('row', { name: /Amelia Fairweather/ });
    const cells = (await row.getByRole('cell').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toBe(fair.reference);
    expect(cells[1]).toBe('Westbrook News Facebook');
    expect(cells[3]).toMatch(new RegExp(`^${PEOPLE.staff.name} \\d{1,2} \\w{3} \\d{4}$`));
    expect(cells[4]).toMatch(new RegExp(`^${PEOPLE.head.name} \\d{1,2} \\w{3} \\d{4}$`));
    expect(cells.slice(5)).toEqual(['0', 'Year 4 won the science fair!']);
    expect(await page.getByRole('table').innerText()).not.toContain(pending.reference);
    await tab.checkA11y('posts register');
  });

  it('finds the posts that name a person, and says so when none does', async () => {
    await openRegister();
    await page.getByLabel('Posts naming a person (pupil or member of staff)').fill('toby shah');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Show all' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(await page.getByRole('table').innerText()).toContain(fair.reference);
    await page.getByLabel('Posts naming a person (pupil or member of staff)').fill('Nobody Here');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No approved post names Nobody Here.').waitFor();
    await tab.checkA11y('posts register, nobody named');
    await page.getByRole('button', { name: 'Show all' }).click();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
  });

  it('a member of staff without a Cases-tab role is refused (checked on the server too)', async () => {
    await tab.signInAs(PEOPLE.teacher2.name);
    await page.goto(`${server.url}/tab/index.html#/registers/posts`);
    await page.getByText(/The Cases tab is for senior leaders/).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    expect(tab.pageErrors).toEqual([]);
  });
});
