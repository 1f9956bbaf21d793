import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { seedCase } from '../support/tab-seed.js';
import type { CaseRecord, OutboxItem } from '../../src/domain/cases/types.js';

const available = browserTestsRun();

const prefix = 'w' + randomBytes(3).toString('hex');
let server: ServerProcess;
let tab: TabUnderTest;
let page: Page;
let db: ReturnType<typeof direct>;
let sgCase: CaseRecord;
let declaration: CaseRecord;

const person = (p: { aad: string; name: string }) => ({ aadObjectId: p.aad, name: p.name });

/** A safeguarding case whose receipt and one alert were delivered and whose other alert got a 403. */
async function seedDeliveredCase(): Promise<CaseRecord> {
  const now = new Date().toISOString();
  const { case: c } = await db.caseRepo.create({
    schoolId: 'westbrook',
    referencePrefix: 'SM',
    submissionId: `seed-${randomBytes(6).toString('hex')}`,
    kind: 'incident',
    category: 'pupilContact',
    status: 'new',
    routing: { safeguarding: true, aboutHead: false, queue: 'dsl', severity: 'high', reasons: ['contact from a pupil'] },
    submitter: person(PEOPLE.staff),
    answers: { category: 'pupilContact', affected: 'me', responsible: 'pupil', platform: 'instagram', when: '2025-11-30T14:30', whatHappened: 'seeded', pupilAtRisk: 'unsure' },
    evidence: [],
    outbox: [
      { kind: 'receipt', recipient: person(PEOPLE.staff), payload: {} },
      { kind: 'dslAlert', recipient: person(PEOPLE.dsl), payload: {} },
      { kind: 'dslAlert', recipient: person(PEOPLE.deputy), payload: {} },
    ],
    now,
  });
  const d = (await db.caseRepo.get('westbrook', c.id))!;
  for (const o of d.outbox as Array<OutboxItem & { etag?: string }>) {
    const ev = { actor: o.recipient, data: { outboxId: o.id, kind: o.kind } };
    if (o.recipient.aadObjectId === PEOPLE.deputy.aad) {
      await db.outbox.saveOutbox({ ...o, state: 'failed', attempts: 1, lastStatus: 403, lastError: 'HTTP 403' }, { type: 'alertFailed', ...ev }, now);
    } else {
      await db.outbox.saveOutbox({ ...o, state: 'delivered', attempts: 1, deliveredAt: now, activityId: 'act-1' }, { type: 'alertDelivered', ...ev }, now);
    }
  }
  return c;
}

const chart = () => page.getByRole('region', { name: 'By category, last 12 months' });
const chartRows = () => chart().getByRole('rowheader').allInnerTexts();

describe.skipIf(!available)('the Cases tab says things in words, not codes (real browser)', () => {
  beforeAll(async () => {
    // The seeded messages stay as seeded: no poll picks them up while the test runs.
    tab = await startTab(prefix, { OUTBOX_POLL_MS: '600000' });
    ({ server, page } = tab);
    db = direct(inject('storageConnectionString'), prefix);
    sgCase = await seedDeliveredCase();
    declaration = await seedCase(db.caseRepo, {
      kind: 'familyDeclaration',
      category: 'auntUncle',
      status: 'awaitingAcknowledgement',
      routing: { queue: 'head' },
      submitterAad: PEOPLE.teacher2.aad,
      answers: { pupilName: 'Seeded Pupil', yearGroup: 'Year 4', relationship: 'auntUncle', platforms: ['facebook', 'whatsapp'], otherRelatives: 'unsure', confirmed: true },
    });
    await seedCase(db.caseRepo, { kind: 'accountRequest', category: 'facebook', status: 'awaitingApproval', routing: {}, submitterAad: PEOPLE.staff.aad, answers: { platform: 'facebook', accountName: 'Westbrook PE' } });
  });

  afterAll(() => tab?.stop());

  it('the chart shows one kind at a time, each with its own labelled categories', async () => {
    await tab.signInAs(PEOPLE.head.name);
    await chart().getByRole('table').waitFor();
    const tabs = await chart().getByRole('tab').allInnerTexts();
    expect(tabs).toEqual(['Incident report (1)', 'Account request (1)', 'Family relationship (1)', 'Post for a school account (0)']);
    expect(await chartRows()).toEqual(['Contact or a friend request from a pupil or former pupil']);
    await tab.checkA11y('case list with chart');

    await chart().getByRole('tab', { name: /^Family relationship/ }).click();
    await expect.poll(chartRows).toEqual(['Aunt or uncle']);
    await chart().getByRole('tab', { name: /^Account request/ }).click();
    await expect.poll(chartRows).toEqual(['Facebook']);

    const text = await page.locator('main').innerText();
    for (const code of ['auntUncle', 'pupilContact', 'facebook', 'awaitingAcknowledgement', 'familyDeclaration']) expect(text).not.toContain(code);
    // The list names a declaration by its relationship, in words.
    expect(await page.getByRole('list', { name: 'Open cases, most severe first' }).innerText()).toContain('Aunt or uncle');
  });

  it('the case page shows When as the bot does, names each message, and says why one failed', async () => {
    await page.goto(`${server.url}/tab/index.html#/case/${sgCase.id}`);
    await page.getByRole('heading', { name: sgCase.reference }).waitFor();
    const answers = page.getByRole('region', { name: 'What was reported' });
    await answers.getByText('30 November 2025, 14:30', { exact: true }).waitFor();
    expect(await answers.innerText()).not.toContain('2025-11-30');

    const chronology = await page.getByRole('region', { name: 'Chronology' }).innerText();
    expect(chronology).toContain(`Receipt to the reporter delivered to ${PEOPLE.staff.name}`);
    expect(chronology).toContain(`Safeguarding alert to the DSL delivered to ${PEOPLE.dsl.name}`);
    expect(chronology).toContain(`Safeguarding alert to the DSL could not be delivered to ${PEOPLE.deputy.name}`);
    expect(chronology).not.toContain('Alert delivered');

    const told = page.locator('[data-delivery-state]');
    await expect.poll(() => told.count()).toBe(3);
    const lines = await told.allInnerTexts();
    expect(lines).toContain(`${PEOPLE.deputy.name} · Safeguarding alert to the DSL: Could not deliver: the app is not installed for this person (403)`);
    expect(lines).toContain(`${PEOPLE.staff.name} · Receipt to the reporter: Delivered`);
    await tab.checkA11y('case with deliveries');
  });

  it("a declaration's answers are in words", async () => {
    await page.goto(`${server.url}/tab/index.html#/case/${declaration.id}`);
    await page.getByRole('heading', { name: declaration.reference }).waitFor();
    const answers = await page.getByRole('region', { name: 'What was reported' }).innerText();
    expect(answers).toContain('Aunt or uncle');
    expect(answers).toContain('Facebook, WhatsApp');
    expect(answers).toContain('Not sure');
    const text = await page.locator('main').innerText();
    for (const code of ['auntUncle', 'whatsapp', 'unsure', 'familyDeclaration']) expect(text).not.toContain(code);
  });

  it('ran without page errors', () => {
    expect(tab.pageErrors).toEqual([]);
  });
});
