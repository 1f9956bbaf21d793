import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PEOPLE } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { browserTestsRun, startTab, type TabUnderTest } from '../support/browser.js';
import { pngBytes, seedCase, seedEvidence } from '../support/tab-seed.js';
import { png } from '../support/images.js';
import type { CaseRecord, EvidenceRecord } from '../../src/domain/cases/types.js';

const available = browserTestsRun();
const prefix = 'g' + randomBytes(3).toString('hex');
let tab: TabUnderTest;
let db: ReturnType<typeof direct>;
let c: CaseRecord;
let shot: EvidenceRecord;
let heic: EvidenceRecord;
let fake: EvidenceRecord;

describe.skipIf(!available)('the evidence gallery in a real browser: honest audit', () => {
  beforeAll(async () => {
    tab = await startTab(prefix);
    db = direct(inject('storageConnectionString'), prefix);
    // In the order received (the case numbers its pictures so).
    const at = (m: number) => new Date(Date.now() - (10 - m) * 60_000).toISOString();
    shot = { ...(await seedEvidence(db.storage, pngBytes(640, 400))), receivedAt: at(1) };
    heic = { ...(await seedEvidence(db.storage, readFileSync('tests/fixtures/images/phone-photo.heic'), 'image/heic')), originalName: 'IMG_0042.HEIC', receivedAt: at(2) };
    // Bytes with a PNG signature and nothing behind it: no preview can be made of them.
    fake = { ...(await seedEvidence(db.storage, png(2048))), originalName: 'broken.png', receivedAt: at(3) };
    c = await seedCase(db.caseRepo, {
      category: 'disparaging',
      routing: { severity: 'low' },
      submitterAad: PEOPLE.staff.aad,
      evidence: [shot, heic, fake],
      answers: { category: 'disparaging', platform: 'facebook', whatHappened: 'A post about the school' },
    });
  });

  afterAll(() => tab?.stop());

  const views = async () => (await db.caseRepo.get('westbrook', c.id))!.events.filter((e) => e.type === 'evidenceViewed').map((e) => `${e.actor?.aadObjectId} ${e.data?.evidenceId}`);

  it('opens the case with blurred thumbnails only: no picture is recorded as viewed', async () => {
    const { page } = tab;
    await tab.signInAs(PEOPLE.dsl.name);
    await page.goto(`${tab.server.url}/tab/index.html#/case/${c.id}`);
    await page.getByRole('heading', { name: c.reference }).waitFor();
    const thumbs = page.locator('img[data-shown="false"]');
    await expect.poll(() => thumbs.count()).toBe(2);
    for (const img of await thumbs.all()) {
      expect(await img.evaluate((e) => getComputedStyle(e).filter)).toContain('blur');
      // a thumbnail, not the original: at most 320 px wide, and a picture that decodes
      await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      expect(await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeLessThanOrEqual(320);
    }
    // The file that is not a picture says so, and cannot be chosen.
    const none = page.getByRole('button', { name: 'Evidence 3: no preview.' });
    await none.waitFor();
    expect(await none.isDisabled()).toBe(true);
    await tab.checkA11y('gallery, blurred');
    expect(await views()).toEqual([]);
  });

  it('shows a HEIC from an iPhone as a picture, and records one view of that picture by that person', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: /Evidence 2, blurred/ }).click();
    const shown = page.locator('img[data-shown="true"]');
    await shown.waitFor();
    expect(await shown.getAttribute('alt')).toBe('Evidence 2');
    expect(await shown.evaluate((e) => getComputedStyle(e).filter)).toBe('none');
    await expect.poll(() => shown.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(64);
    expect(await shown.evaluate((e) => (e as HTMLImageElement).naturalHeight)).toBe(48);
    expect(await views()).toEqual([`${PEOPLE.dsl.aad} ${heic.id}`]);

    // Blurring and looking again on the same page is the same view; another picture is another view.
    await page.getByRole('button', { name: /Evidence 2, shown/ }).click();
    await page.getByRole('button', { name: /Evidence 2, blurred/ }).click();
    await page.getByRole('button', { name: /Evidence 1, blurred/ }).click();
    await page.getByRole('button', { name: /Evidence 1, shown/ }).waitFor();
    await expect.poll(() => page.locator('img[data-shown="true"]').count()).toBe(2);
    expect((await views()).sort()).toEqual([`${PEOPLE.dsl.aad} ${heic.id}`, `${PEOPLE.dsl.aad} ${shot.id}`].sort());
    await page.getByRole('button', { name: 'Hide all' }).click();
    await expect.poll(() => page.locator('img[data-shown="true"]').count()).toBe(0);
    await tab.checkA11y('gallery, after looking');
  });

  it('lets the DSL download an original with its SHA-256 shown, recorded as a download', async () => {
    const { page } = tab;
    const item = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: /Evidence 2/ }) });
    expect(await item.locator('[data-sha256]').innerText()).toBe(heic.sha256);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download original, evidence 2' }).click()]);
    expect(file.suggestedFilename()).toBe(`evidence-${heic.id}.heic`);
    expect(readFileSync((await file.path())!).equals(readFileSync('tests/fixtures/images/phone-photo.heic'))).toBe(true);
    await item.getByText('Downloaded (recorded in the chronology).').waitFor();
    const events = (await db.caseRepo.get('westbrook', c.id))!.events;
    expect(events.filter((e) => e.type === 'evidenceDownloaded').map((e) => e.data?.evidenceId)).toEqual([heic.id]);
    // Downloading is not a view.
    expect((await views()).length).toBe(2);
  });

  it('offers no download to someone who may see the case but not take originals', async () => {
    const { page } = tab;
    const chairCase = await seedCase(db.caseRepo, { category: 'staffMisuse', routing: { aboutHead: true, queue: 'chair', severity: 'medium' }, submitterAad: PEOPLE.staff.aad, evidence: [shot] });
    await tab.signInAs(PEOPLE.chair.name);
    await page.goto(`${tab.server.url}/tab/index.html#/case/${chairCase.id}`);
    await page.getByRole('button', { name: /Evidence 1, blurred/ }).waitFor();
    expect(await page.getByRole('button', { name: /Download original/ }).count()).toBe(0);
    expect(tab.pageErrors).toEqual([]);
  });
});
