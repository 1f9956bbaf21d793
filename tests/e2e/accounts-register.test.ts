import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { seedCase } from '../support/tab-seed.js';
import { AccountRequestService } from '../../src/domain/account-requests/account-request-service.js';
import { PolicyService } from '../../src/domain/policy/policy-service.js';
import { readPolicyFiles } from '../../src/policy-files.js';
import { checkAccountRequest, schoolStaff, type AccountRequestAnswers } from '../../src/domain/account-requests/account-request.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';

const available = browserTestsRun();
const prefix = 'g' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let approved: CaseRecord;
let waiting: CaseRecord;
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!available)('account requests in the Cases tab (real browser)', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    const db = direct(inject('storageConnectionString'), prefix);
    // The server seeds the directory at start; read it back.
    const school = (await db.directory.school('westbrook'))!;
    const members = await db.directory.members('westbrook');
    const who = (aad: string) => members.find((m) => m.aadObjectId === aad)!;
    const form = (name: string): AccountRequestAnswers => {
      const r = checkAccountRequest(
        {
          platform: 'instagram', accountName: name, aim: 'Share club projects', content: 'Photos', audience: 'families', contributors: 'staff', openness: 'closed', promotion: 'Newsletter',
          administrators: `${PEOPLE.staff.aad},${PEOPLE.teacher2.aad}`, moderators: `${PEOPLE.deputy.aad},${PEOPLE.dsl.aad}`, vetting: 'Rachel', host: 'school', lineManager: PEOPLE.deputy.aad,
          security: 'Closed', goLive: day(1), reviewDate: day(200), exitStrategy: 'Close', successMeasures: 'Use',
        },
        { staff: schoolStaff(members), today: day(0) },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.answers;
    };
    const { profiles, baseline } = readPolicyFiles('config/policies');
    const svc = new AccountRequestService(db.caseRepo, db.directory, new PolicyService(profiles, baseline, db.directory));
    approved = (await svc.submit({ school, requester: who(PEOPLE.staff.aad), submissionId: 'e2e-1', answers: form('Eco Club') })).case;
    // Westbrook's policy: the Headteacher approves.
    await svc.decide(who(PEOPLE.head.aad), approved.id, { round: 1, step: 0, decision: 'approved' });
    waiting = (await svc.submit({ school, requester: who(PEOPLE.teacher2.aad), submissionId: 'e2e-2', answers: form('Coding Club') })).case;
    await seedCase(db.caseRepo, {
      kind: 'accountRequest', category: 'facebook', status: 'approved', routing: {}, submitterAad: PEOPLE.teacher2.aad,
      answers: { platform: 'facebook', accountName: 'Old PTA page', aim: 'PTA news', administrators: [], moderators: [], goLive: '2024-01-01', reviewDate: '2025-01-01' },
    });
    await tab.signInAs(PEOPLE.head.name);
  });

  afterAll(() => tab?.stop());

  it('the register shows its columns and flags the overdue review, accessibly', async () => {
    await page.goto(`${server.url}/tab/index.html#/registers/accounts`);
    await page.getByRole('heading', { name: 'Register of school social media accounts' }).waitFor();
    await page.getByText('Eco Club').waitFor();
    const table = await page.getByRole('table').innerText();
    for (const t of ['Administrators', 'Moderators', 'Review or closure', 'Sam Taylor, Priya Shah', 'Rachel Moore, Dev Patel', 'Old PTA page', 'Review overdue']) expect(table).toContain(t);
    expect(table).not.toContain('Coding Club'); // not approved yet
    await page.getByText('1 account is past the review date.').waitFor();
    await tab.checkA11y('accounts register');
  });

  it('transfers the lead and records a closure', async () => {
    const row = page.getByRole('row', { name: /Eco Club/ });
    await row.getByRole('button', { name: 'Transfer lead' }).click();
    await row.getByRole('combobox').selectOption({ label: 'Priya Shah (Computing lead)' });
    await row.getByRole('textbox').fill('Sam leaves in July');
    await tab.checkA11y('transfer form');
    await row.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.getByText(`${approved.reference}: lead transferred.`).waitFor();
    expect(await row.innerText()).toContain('Transferred from Sam Taylor');
    await row.getByRole('button', { name: 'Record closure' }).click();
    await row.getByRole('textbox').fill('Club ended');
    await row.getByRole('button', { name: 'Record closure' }).last().click();
    await page.getByText(`${approved.reference}: closure recorded.`).waitFor();
    expect(await row.innerText()).toContain('Closed');
  });

  it('the headteacher approves a waiting request from the case view', async () => {
    await page.goto(`${server.url}/tab/index.html#/case/${waiting.id}`);
    await page.getByText('Awaiting headteacher (Helen Carter)').waitFor();
    await tab.checkA11y('case view with approval');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved', { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(tab.pageErrors).toEqual([]);
  });
});
