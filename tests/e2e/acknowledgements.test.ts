import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { RolloutRepository } from '../../src/storage/rollout-repository.js';
import { messageIds, rolloutId } from '../../src/domain/rollout/rollout.js';
import type { OutboxItem } from '../../src/domain/cases/types.js';

const available = browserTestsRun();
const prefix = 'k' + randomBytes(3).toString('hex');
const SCHOOL = 'westbrook';
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;

/** A rollout of the current version (the profile file's) as it stands after sending: delivered to some, unreachable for one, acknowledged by one. */
async function seedRollout(): Promise<void> {
  const db = direct(inject('storageConnectionString'), prefix);
  const version = (JSON.parse(readFileSync(`config/policies/${SCHOOL}.json`, 'utf8')) as { version: number }).version;
  const repo = new RolloutRepository(db.storage.table('cases'));
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 86_400_000).toISOString();
  await repo.ensureRollout(SCHOOL, version, { aadObjectId: PEOPLE.deputy.aad, name: PEOPLE.deputy.name }, now);
  const item = (p: Person): OutboxItem => ({
    id: messageIds.card(p.aad), schoolId: SCHOOL, caseId: rolloutId(version), kind: 'policyRollout', recipient: { aadObjectId: p.aad, name: p.name },
    payload: { version }, state: 'pending', attempts: 0, nextAttemptAt: later, createdAt: now,
  });
  const people = [PEOPLE.staff, PEOPLE.head, PEOPLE.dsl, PEOPLE.chair];
  await repo.queue(people.map(item));
  for (const p of people) {
    const row = (await db.outbox.getOutbox(SCHOOL, rolloutId(version), messageIds.card(p.aad)))!;
    await db.outbox.saveOutbox(p === PEOPLE.chair ? { ...row, state: 'unreachable', attempts: 1 } : { ...row, state: 'delivered', attempts: 1, deliveredAt: now });
  }
  await repo.savePerson({ schoolId: SCHOOL, version, aadObjectId: PEOPLE.staff.aad, name: PEOPLE.staff.name, acknowledgedAt: now });
}

async function openRegister(): Promise<void> {
  await page.goto(`${server.url}/tab/index.html#/acknowledgements`);
  await page.getByRole('heading', { name: /Who has read the policy/ }).waitFor();
  await page.getByRole('table').waitFor();
}

describe.skipIf(!available)('who has read the policy, in the tab (real browser)', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    ({ server, page } = tab);
    await seedRollout();
  });
  afterAll(() => tab?.stop());

  it('the head sees the counts and every member of staff, with who could not be reached and why', async () => {
    await tab.signInAs(PEOPLE.head.name);
    await openRegister();
    const counts = page.getByRole('list', { name: 'Counts' }).or(page.locator('dl[aria-label="Counts"]'));
    await expect(counts.first().innerText()).resolves.toMatch(/Acknowledged\s*1/);
    const rows = page.getByRole('row');
    expect(await rows.count()).toBe(7); // the header and six members
    await expect(page.getByRole('row', { name: new RegExp(PEOPLE.chair.name) }).innerText()).resolves.toMatch(/Could not be reached[\s\S]*not installed/);
    await expect(page.getByRole('row', { name: new RegExp(PEOPLE.staff.name) }).innerText()).resolves.toMatch(/Acknowledged/);
    await expect(page.getByRole('row', { name: new RegExp(PEOPLE.teacher2.name) }).innerText()).resolves.toMatch(/Not sent yet/);
    // The head reads; only an administrator sends.
    expect(await page.getByRole('button', { name: 'Send the current version to all staff' }).count()).toBe(0);
    await tab.checkA11y('acknowledgement register');
  });

  it('the printable page has the register and no controls but Print', async () => {
    await page.getByRole('button', { name: 'Printable page' }).click();
    await page.getByRole('button', { name: 'Print' }).waitFor();
    expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    expect(await page.getByRole('row').count()).toBe(7);
    await tab.checkA11y('printable register');
  });

  it('an administrator sends the current version to everyone who has not had it', async () => {
    await tab.signInAs(PEOPLE.deputy.name);
    await openRegister();
    await page.getByRole('button', { name: 'Send the current version to all staff' }).click();
    await page.getByText(/2 new cards and 1 sent again/).waitFor();
    await tab.checkA11y('register after sending');
  });

  it('a member of staff reads the policy; the register is not theirs to see', async () => {
    await tab.signInAs(PEOPLE.teacher2.name);
    await page.goto(`${server.url}/tab/index.html#/read-policy`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('article p').first().waitFor();
    expect(await page.locator('article p').count()).toBeGreaterThan(10);
    expect(await page.getByRole('tab', { name: 'Acknowledgements' }).count()).toBe(0);
    await tab.checkA11y('the policy text');
    await page.goto(`${server.url}/tab/index.html#/acknowledgements`);
    await page.getByText('The acknowledgement register is for administrators and the head.').waitFor();
  });
});
