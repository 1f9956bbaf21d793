import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { BotHarness, SCHOOL } from '../support/bot-harness.js';
import { PEOPLE, conversationOf, makeMessage, type Person } from '../support/activities.js';
import { pngBytes, seedEvidence } from '../support/tab-seed.js';
import type { CaseRecord, CaseStatus, EvidenceRecord } from '../../src/domain/cases/types.js';

/*
 * Screenshots added to a report after it was sent, from "My submissions": the real server process, Azurite,
 * the connector stand-in. The picture goes on the case with a chronology event, and the DSL is told.
 */

const prefix = 'a' + randomBytes(3).toString('hex');
let h: BotHarness;

async function sentReport(opts: { status?: CaseStatus; evidence?: EvidenceRecord[]; category?: string } = {}): Promise<CaseRecord> {
  const { case: c } = await h.db.caseRepo.create({
    schoolId: SCHOOL, referencePrefix: 'SM', submissionId: `sent-${randomBytes(6).toString('hex')}`, kind: 'incident', category: opts.category ?? 'pupilContact', status: opts.status ?? 'new',
    routing: { safeguarding: true, aboutHead: false, queue: 'dsl', severity: 'high', reasons: ['contact from a pupil'] },
    submitter: { aadObjectId: PEOPLE.staff.aad, name: PEOPLE.staff.name }, answers: { category: opts.category ?? 'pupilContact' }, evidence: opts.evidence ?? [], outbox: [], now: new Date().toISOString(),
  });
  return c;
}

/** Press "Add screenshots" on a report; the upload page's link from the card that answers, or the error. */
async function press(p: Person, caseId: string): Promise<{ url?: string; error?: string; card?: string }> {
  const res = await h.invoke(p, 'addScreenshots', { caseId, schoolId: SCHOOL });
  const body = await res.json();
  if (body.type === 'application/vnd.microsoft.error') {
    expect(res.status).toBe(400);
    return { error: body.value.message };
  }
  expect(res.status).toBe(200);
  const card = JSON.stringify(body.value);
  return { url: /"url":"([^"]+\/upload\/[^"]+)"/.exec(card)?.[1], card };
}

async function openPage(url: string, reference?: string, held?: number) {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  if (reference) expect(html).toContain(`To add to your report ${reference} (it has ${held}), sent to Westbrook`);
  const session = /name="upload-session" content="([^"]+)"/.exec(html)![1];
  const path = new URL(url).pathname.replace('/upload/', '/api/upload/');
  return (body: Buffer, name = 'later.png') =>
    fetch(h.server.url + path, { method: 'POST', headers: { 'x-upload-session': session, 'x-file-name': name, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
}

describe('adding screenshots to a report after sending it', () => {
  beforeAll(async () => {
    h = await BotHarness.start({ prefix, install: [PEOPLE.staff, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.teacher2] });
  });
  afterAll(() => h?.stop());

  it('"My submissions" offers it on an open incident; the picture goes on the case, in the chronology, and the DSLs are told', async () => {
    const first = await seedEvidence(h.db.storage, pngBytes());
    const c = await sentReport({ evidence: [first] });
    const listed = await h.turn(PEOPLE.staff, makeMessage(PEOPLE.staff, h.connector.url, 'my submissions'));
    expect(listed).toContain(c.reference);
    expect(listed).toContain(`"verb":"addScreenshots","data":{"caseId":"${c.id}","schoolId":"${SCHOOL}"}`);

    const { url, card } = await press(PEOPLE.staff, c.id);
    expect(card).toContain(`Add screenshots to ${c.reference}`);
    expect(card).toContain('up to 9 more');
    const upload = await openPage(url!, c.reference, 1);
    h.connector.clear();
    const r = await upload(pngBytes(200, 120));
    expect(r.status).toBe(201);
    expect((await r.json()).message).toMatch(new RegExp(`^Added to ${c.reference} \\(PNG, \\d+ KB\\)\\. 2 of up to 10 on the report\\.$`));

    const d = (await h.db.caseRepo.get(SCHOOL, c.id))!;
    expect(d.evidence).toHaveLength(2);
    const added = d.evidence.find((v) => v.id !== first.id)!;
    expect(added).toMatchObject({ source: 'upload', originalName: 'later.png', contentType: 'image/png' });
    expect(d.events.find((e) => e.type === 'evidenceAdded')).toMatchObject({ actor: { aadObjectId: PEOPLE.staff.aad }, detail: '1 screenshot added by the reporter', data: { evidenceIds: [added.id] } });
    // Both designated safeguarding leads are told, through the outbox; the reporter sees the count in the chat.
    await h.connector.waitUntil(() => [PEOPLE.dsl, PEOPLE.deputy].every((p) => h.bodies(p).some((b) => b.includes(`More screenshots on ${c.reference}`))), 10_000, 'DSLs told');
    expect(h.bodies(PEOPLE.dsl).find((b) => b.includes('More screenshots'))).toContain('The reporter added 1 screenshot after sending (2 on the case now)');
    await h.connector.waitUntil(() => h.bodies(PEOPLE.staff).some((b) => b.includes(`Added to ${c.reference} from the upload page: it now has 2 screenshots.`)), 10_000, 'reporter told');
    expect(h.bodies(PEOPLE.teacher2).some((b) => b.includes('More screenshots'))).toBe(false);
    const outbox = (await h.db.caseRepo.get(SCHOOL, c.id))!.outbox.filter((o) => o.kind === 'evidenceAdded');
    expect(outbox.map((o) => o.recipient.aadObjectId).sort()).toEqual([PEOPLE.dsl.aad, PEOPLE.deputy.aad].sort());
  });

  it('keeps the report within 10 screenshots, counting those it has', async () => {
    const held = await Promise.all(Array.from({ length: 9 }, () => seedEvidence(h.db.storage, pngBytes(20, 20))));
    const c = await sentReport({ evidence: held });
    const { url, card } = await press(PEOPLE.staff, c.id);
    expect(card).toContain('up to 1 more');
    const upload = await openPage(url!);
    expect((await upload(pngBytes(30, 30))).status).toBe(201);
    const over = await upload(pngBytes(31, 31));
    expect(over.status).toBe(409);
    expect((await over.json()).error).toBe('Not saved: one report can hold at most 10 screenshots.');
    expect((await h.db.caseRepo.get(SCHOOL, c.id))!.evidence).toHaveLength(10);
    expect((await press(PEOPLE.staff, c.id)).error).toBe(`${c.reference} already holds 10 screenshots, the most a report can hold.`);
  });

  it('is refused for someone else\'s report, a closed one, and one of a kind that must hold no images', async () => {
    const c = await sentReport();
    expect((await press(PEOPLE.teacher2, c.id)).error).toBe('That report could not be found.');
    const closed = await sentReport({ status: 'closed' });
    expect((await press(PEOPLE.staff, closed.id)).error).toBe(`Not now: ${closed.reference} is closed, so it takes no more screenshots.`);
    const listed = await h.turn(PEOPLE.staff, makeMessage(PEOPLE.staff, h.connector.url, 'my submissions'));
    expect(listed).not.toContain(`"caseId":"${closed.id}"`);
    const indecent = await sentReport({ category: 'indecentImagesOfChildren' });
    expect((await press(PEOPLE.staff, indecent.id)).error).toMatch(/must not hold images/);
    expect((await h.db.caseRepo.get(SCHOOL, indecent.id))!.evidence).toEqual([]);
  });
});
