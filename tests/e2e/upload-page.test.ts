import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { BotHarness, SCHOOL } from '../support/bot-harness.js';
import { PEOPLE, conversationOf } from '../support/activities.js';
import { browserTestsRun, launchBrowser, seriousFindings } from '../support/browser.js';
import { pngBytes } from '../support/tab-seed.js';
import { DraftStore } from '../../src/evidence/draft-store.js';
import { signUploadGrant, UPLOAD_LINK_TTL_SECONDS } from '../../src/evidence/upload-link.js';

/*
 * The upload page as a member of staff meets it on a phone (Chromium at 390×844) and on a desktop: the real
 * server process, Azurite, and the connector stand-in for the chat the page reports back to.
 */

const available = browserTestsRun();
const prefix = 'u' + randomBytes(3).toString('hex');
const SECRET = 'upload-page-test-signing-secret-' + randomBytes(8).toString('hex');
const reporter = PEOPLE.staff;
let h: BotHarness;
let drafts: DraftStore;
let phone: BrowserContext;
let desktop: BrowserContext;

/** A draft at the screenshots step and a fresh link to its upload page (`ttl` seconds). */
async function newLink(ttl = UPLOAD_LINK_TTL_SECONDS): Promise<{ draftId: string; url: string }> {
  const draftId = randomBytes(12).toString('hex');
  expect(await drafts.createDraft(SCHOOL, { draftId, ownerAad: reporter.aad, noImages: false, submitted: false, createdAt: new Date().toISOString() })).toBe(true);
  const token = signUploadGrant(SECRET, { schoolId: SCHOOL, aad: reporter.aad, draftId, linkId: randomBytes(8).toString('hex'), exp: Math.floor(Date.now() / 1000) + ttl });
  return { draftId, url: `${h.server.url}/upload/${SCHOOL}/${draftId}/${token}` };
}

async function open(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('close', () => expect(errors).toEqual([]));
  await page.goto(url);
  await page.getByRole('heading', { name: 'Upload pictures' }).waitFor();
  return page;
}

const file = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });
const status = (page: Page) => page.getByRole('status');
const rowOf = (page: Page, name: string) => page.getByRole('listitem').filter({ hasText: name });
const chatNotices = () => h.connector.messagesTo(conversationOf(reporter)).map((r) => String(r.body?.text ?? '')).filter((t) => t.startsWith('Received from the upload page'));

describe.skipIf(!available)('the upload page in a real browser', () => {
  beforeAll(async () => {
    h = await BotHarness.start({ prefix, install: [reporter], env: { LINK_SIGNING_SECRET: SECRET } });
    drafts = new DraftStore(h.db.storage.table('drafts'));
    phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    desktop = await launchBrowser();
  });

  afterAll(async () => {
    await phone?.close();
    await desktop?.close();
    await h?.stop();
  });

  it('on a phone: offers the gallery (several pictures) and the camera, and passes axe', async () => {
    const { url } = await newLink();
    const page = await open(phone, url);
    const gallery = page.getByLabel('Choose pictures');
    const camera = page.getByLabel('Take a photo');
    expect(await gallery.getAttribute('accept')).toBe('image/*');
    expect(await gallery.getAttribute('multiple')).not.toBeNull();
    expect(await gallery.getAttribute('capture')).toBeNull();
    expect(await camera.getAttribute('accept')).toBe('image/*');
    expect(await camera.getAttribute('capture')).toBe('environment');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousFindings(page, 'upload page')).toEqual([]);
    await page.close();
  });

  it('chooses pictures from the gallery: each is received, the status ends saying so, and the chat is told the count', async () => {
    const { url } = await newLink();
    const page = await open(phone, url);
    h.connector.clear();
    await page.getByLabel('Choose pictures').setInputFiles([file('shot.png', 'image/png', pngBytes(300, 200)), file('second.png', 'image/png', pngBytes(200, 300))]);
    await status(page).getByText('Finished: 2 received. This report has 2 of up to 10 screenshots.').waitFor();
    await rowOf(page, 'shot.png').getByText(/^Received \(PNG, \d+ KB\)\. \d of up to 10 for this report\.$/).waitFor();
    await rowOf(page, 'second.png').getByText(/^Received \(PNG/).waitFor();
    expect(await page.getByText(/Sending/).count()).toBe(0);
    expect(await page.locator('progress').count()).toBe(0);
    // One message for the two, with the count, in the reporter's chat.
    await h.connector.waitUntil(() => chatNotices().length > 0, 10_000, 'upload notice');
    await new Promise((r) => setTimeout(r, 2500));
    expect(chatNotices()).toEqual(['Received from the upload page: 2 pictures so far (at most 10). Press Done here when you have finished.']);
    expect(await seriousFindings(page, 'upload page after sending')).toEqual([]);
    await page.close();
  });

  it('takes a photo with the camera input (a phone JPEG)', async () => {
    const { url, draftId } = await newLink();
    const page = await open(phone, url);
    await page.getByLabel('Take a photo').setInputFiles(file('image.jpg', 'image/jpeg', readFileSync('tests/fixtures/images/phone-photo.jpg')));
    await status(page).getByText('Finished: 1 received. This report has 1 of up to 10 screenshots.').waitFor();
    expect((await drafts.listEvidence(SCHOOL, draftId)).map((v) => [v.originalName, v.contentType, v.source])).toEqual([['image.jpg', 'image/jpeg', 'upload']]);
    await page.close();
  });

  it('on a desktop: takes pictures dropped on the page', async () => {
    const { url, draftId } = await newLink();
    const page = await open(desktop, url);
    const bytes = [...pngBytes(120, 80)];
    await page.evaluate((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'dropped.png', { type: 'image/png' }));
      const zone = document.getElementById('drop')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await rowOf(page, 'dropped.png').getByText(/^Received \(PNG/).waitFor();
    await status(page).getByText('Finished: 1 received. This report has 1 of up to 10 screenshots.').waitFor();
    expect((await drafts.listEvidence(SCHOOL, draftId)).map((v) => v.originalName)).toEqual(['dropped.png']);
    await page.close();
  });

  it('says why a file was not saved: not a picture, too large, the limit reached', async () => {
    const { url } = await newLink();
    const page = await open(phone, url);
    await page.getByLabel('Choose pictures').setInputFiles([
      file('notes.txt', 'text/plain', Buffer.from('not a picture at all, just some words in a file')),
      file('huge.png', 'image/png', Buffer.concat([pngBytes(10, 10), Buffer.alloc(10 * 1024 * 1024)])),
    ]);
    await rowOf(page, 'notes.txt').getByText('Not saved: it is not a picture (only PNG, JPEG, GIF, WebP or HEIC screenshots are accepted).').waitFor();
    await rowOf(page, 'huge.png').getByText('Not saved: it is larger than 10 MB.').waitFor();
    await status(page).getByText('Finished: 2 not saved. This report has 0 of up to 10 screenshots.').waitFor();

    await page.getByLabel('Choose pictures').setInputFiles(Array.from({ length: 11 }, (_, i) => file(`s${i + 1}.png`, 'image/png', pngBytes(40 + i, 40))));
    await status(page).getByText('Finished: 10 received, 1 not saved. This report has 10 of up to 10 screenshots.').waitFor({ timeout: 20_000 });
    await rowOf(page, 's11.png').getByText('Not saved: one report can hold at most 10 screenshots.').waitFor();
    await page.close();
  });

  it('says the report was already sent, with its reference, when a picture comes after sending', async () => {
    const { url, draftId } = await newLink();
    const page = await open(phone, url);
    // The reporter sends the report in Teams while the page is still open.
    const { case: sent } = await h.db.caseRepo.create({
      schoolId: SCHOOL, referencePrefix: 'SM', submissionId: draftId, kind: 'incident', category: 'trolling', status: 'new',
      routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] },
      submitter: { aadObjectId: reporter.aad, name: reporter.name }, answers: { category: 'trolling' }, evidence: [], outbox: [], now: new Date().toISOString(),
    });
    await drafts.markSubmitted(SCHOOL, draftId);
    await page.getByLabel('Choose pictures').setInputFiles(file('late.png', 'image/png', pngBytes()));
    await rowOf(page, 'late.png')
      .getByText(`Not saved: report ${sent.reference} has already been sent. To add screenshots to it, type "my submissions" in the chat and press "Add screenshots" on ${sent.reference}.`)
      .waitFor();
    await status(page).getByText('Finished: 1 not saved. This report has 0 of up to 10 screenshots.').waitFor();
    // A link of a sent report opened afterwards says so at once.
    const again = await newLink();
    await drafts.markSubmitted(SCHOOL, again.draftId);
    const gone = await phone.newPage();
    const res = await gone.goto(again.url);
    expect(res!.status()).toBe(409);
    await gone.getByText('This has already been sent, so this link takes no more pictures.').waitFor();
    expect(await seriousFindings(gone, 'upload page, report sent')).toEqual([]);
    await gone.close();
    await page.close();
  });

  it('says the link expired, and that a cancelled report takes nothing', async () => {
    const short = await newLink(3);
    const page = await open(phone, short.url);
    await new Promise((r) => setTimeout(r, 3500));
    await page.getByLabel('Choose pictures').setInputFiles(file('slow.png', 'image/png', pngBytes()));
    await rowOf(page, 'slow.png').getByText('This link has expired. Go back to the chat and press the upload button again for a new one.').waitFor();
    const expired = await phone.newPage();
    expect((await expired.goto(short.url))!.status()).toBe(410);
    await expired.getByText('This link has expired.', { exact: false }).waitFor();
    await expired.close();
    await page.close();

    const { url, draftId } = await newLink();
    const cancelled = await open(phone, url);
    await drafts.deleteDraft(SCHOOL, draftId);
    await cancelled.getByLabel('Choose pictures').setInputFiles(file('after.png', 'image/png', pngBytes()));
    await rowOf(cancelled, 'after.png')
      .getByText('Not saved: it was cancelled or left unfinished too long, so nothing can be added to it. Start again in the chat if you need to.')
      .waitFor();
    await cancelled.close();
  });
});
