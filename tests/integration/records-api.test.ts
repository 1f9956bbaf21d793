import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { APP_ID_URI, CLIENT_ID, JwksStub } from '../support/tokens.js';
import { pngBytes, seedCase, seedEvidence } from '../support/tab-seed.js';
import { readZip } from '../../scripts/lib-package/zip.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { REVIEW_PERSON, REVIEW_TEXT } from '../../src/domain/records/subject-access.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import type { RecordsPage } from '../../src/tab-api/dto.js';

const prefix = 'rc' + randomBytes(3).toString('hex');
const admin = PEOPLE.deputy; // the seed's administrator
const PUPIL = 'Jordan Blake';
const OTHER_PUPIL = 'Casey Jones';
let jwks: JwksStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;
const png = pngBytes();
const cases: Record<'answers' | 'chronology' | 'unrelated' | 'safeguarding' | 'closed', CaseRecord> = {} as never;

beforeAll(async () => {
  jwks = await new JwksStub(TENANT).start();
  const conn = inject('storageConnectionString');
  server = await startServer({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, AAD_APP_CLIENT_ID: CLIENT_ID, AAD_APP_TENANT_ID: TENANT, AAD_APP_ID_URI: APP_ID_URI, SSO_JWKS_URL: jwks.url });
  db = direct(conn, prefix);
  const evidence = await seedEvidence(db.storage, png);
  cases.answers = await seedCase(db.caseRepo, {
    category: 'cyberbullying',
    routing: {},
    submitterAad: PEOPLE.staff.aad,
    evidence: [evidence],
    answers: { category: 'cyberbullying', whatHappened: `${PUPIL} was mocked in a group chat by ${OTHER_PUPIL}.`, platform: 'whatsapp' },
  });
  cases.chronology = await seedCase(db.caseRepo, { category: 'trolling', routing: {}, submitterAad: PEOPLE.teacher2.aad, answers: { category: 'trolling', whatHappened: 'A parent posted about a teacher.' } });
  const d = await db.caseRepo.get('westbrook', cases.chronology.id);
  await db.caseRepo.update('westbrook', cases.chronology.id, d!.etag, { event: { type: 'noted', actor: { aadObjectId: PEOPLE.head.aad, name: PEOPLE.head.name }, detail: `Spoke to jordan  BLAKE's mother and to ${OTHER_PUPIL}.` } }, new Date().toISOString());
  cases.unrelated = await seedCase(db.caseRepo, { category: 'trolling', routing: {}, submitterAad: PEOPLE.teacher2.aad, answers: { category: 'trolling', whatHappened: `Nothing about the pupil; ${OTHER_PUPIL} only.` } });
  cases.safeguarding = await seedCase(db.caseRepo, { category: 'pupilContact', status: 'closed', routing: { safeguarding: true, queue: 'dsl' }, submitterAad: PEOPLE.teacher2.aad });
  cases.closed = await seedCase(db.caseRepo, { category: 'disparaging', status: 'closed', routing: {}, submitterAad: PEOPLE.teacher2.aad });
  const consent = new ConsentService(new ConsentRepository(db.storage.table('consent')));
  await consent.edit('westbrook', admin.aad, undefined, { name: PUPIL, classOrYear: 'Year 5', platforms: ['instagram'], consentForNames: false, doNotPublish: false });
  await consent.edit('westbrook', admin.aad, undefined, { name: OTHER_PUPIL, classOrYear: 'Year 5', platforms: [], consentForNames: false, doNotPublish: true });
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await jwks?.stop();
});

async function as(person: { aad: string }, path: string, init: RequestInit = {}) {
  const token = await jwks.sso(person.aad);
  return fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}
const post = (person: { aad: string }, path: string, body: unknown) => as(person, path, { method: 'POST', body: JSON.stringify(body) });

/** Every string of a record that is not inside something marked for redaction review. */
function unmarked(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => unmarked(x, out));
  else if (v && typeof v === 'object') {
    if ('redactionReview' in v) return out;
    Object.values(v).forEach((x) => unmarked(x, out));
  } else if (typeof v === 'string') out.push(v);
  return out;
}

describe('subject access export', () => {
  it('finds a named pupil in answers, a chronology and the consent register; everyone else is marked; the images come too; the export is recorded', async () => {
    const r = await post(admin, '/api/tab/settings/records/subject-access', { name: 'Jordan Blake' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="subject-access-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = readZip(Buffer.from(await r.arrayBuffer()));
    const index = JSON.parse(files.get('index.json')!.toString('utf8'));
    const refs = index.records.map((x: { ref: string }) => x.ref);
    expect(refs).toEqual(expect.arrayContaining([cases.answers.reference, cases.chronology.reference]));
    expect(refs).not.toContain(cases.unrelated.reference);
    expect(index.records.filter((x: { source: string }) => x.source === 'consent')).toHaveLength(1);
    expect(index.sources).toEqual(expect.arrayContaining([{ id: 'cases', label: expect.any(String), records: 2 }, { id: 'consent', label: expect.any(String), records: 1 }]));
    const chron = index.records.find((x: { ref: string }) => x.ref === cases.chronology.reference);
    expect(chron.why).toContain('named in its chronology');
    expect(index.records.find((x: { ref: string }) => x.ref === cases.answers.reference).why).toContain('named in its answers');

    // Nothing about anyone else is left unmarked in any record.
    const others = [OTHER_PUPIL, ...Object.values(PEOPLE).map((p) => p.name), ...Object.values(PEOPLE).map((p) => p.aad), 'Seeded reporter'];
    for (const rec of index.records as Array<{ file: string }>) {
      const data = JSON.parse(files.get(rec.file)!.toString('utf8'));
      for (const s of unmarked(data)) for (const o of others) expect(s, rec.file).not.toContain(o);
    }
    const answersFile = JSON.parse(files.get(index.records.find((x: { ref: string }) => x.ref === cases.answers.reference).file)!.toString('utf8'));
    expect(JSON.stringify(answersFile)).toContain(REVIEW_TEXT);
    expect(JSON.stringify(answersFile)).toContain(REVIEW_PERSON);

    // The screenshot, byte for byte; the summary to read.
    const images = index.records.flatMap((x: { images: string[] }) => x.images);
    expect(images).toHaveLength(1);
    expect(files.get(images[0])!.equals(png)).toBe(true);
    const html = files.get('summary.html')!.toString('utf8');
    expect(html).toContain('Subject access: Jordan Blake');
    expect(html).toContain('<mark');
    expect(html).not.toContain('<script');

    const page = (await (await as(admin, '/api/tab/settings/records')).json()) as RecordsPage;
    expect(page.exports[0]).toMatchObject({ by: admin.name, subject: PUPIL, records: 3 });
    // Each case's chronology shows it went into an export (by whom; not about whom); one not in it shows nothing.
    const exported = (await db.caseRepo.get('westbrook', cases.answers.id))!.events.find((e) => e.type === 'exported');
    expect(exported).toMatchObject({ actor: { name: admin.name } });
    expect(exported?.detail).not.toContain(PUPIL);
    expect((await db.caseRepo.get('westbrook', cases.unrelated.id))!.events.some((e) => e.type === 'exported')).toBe(false);
  });

  it('finds a member of staff by their id wherever a record holds it, with their directory entry', async () => {
    const r = await post(admin, '/api/tab/settings/records/subject-access', { aadObjectId: PEOPLE.staff.aad });
    expect(r.status).toBe(200);
    const files = readZip(Buffer.from(await r.arrayBuffer()));
    const index = JSON.parse(files.get('index.json')!.toString('utf8'));
    expect(index.records.map((x: { ref: string }) => x.ref)).toEqual(expect.arrayContaining([cases.answers.reference, PEOPLE.staff.aad]));
    expect(index.records.find((x: { ref: string }) => x.ref === cases.answers.reference).why).toContain('made it');
  });

  it('is for administrators only, and refuses bad input with a message', async () => {
    expect((await post(PEOPLE.head, '/api/tab/settings/records/subject-access', { name: PUPIL })).status).toBe(403);
    expect((await as(PEOPLE.dsl, '/api/tab/settings/records')).status).toBe(403);
    const bad = await post(admin, '/api/tab/settings/records/subject-access', { name: 'x' });
    expect(bad.status).toBe(400);
    expect((await post(admin, '/api/tab/settings/records/subject-access', { aadObjectId: 'not-a-guid' })).status).toBe(400);
    expect((await post(admin, '/api/tab/settings/records/subject-access', { aadObjectId: '00000000-0000-4000-8000-0000000009ff' })).status).toBe(404);
  });
});

describe('schedule, legal hold and erasure through the tab', () => {
  it('shows the schedule with a source for each line and who authorised it', async () => {
    const page = (await (await as(admin, '/api/tab/settings/records')).json()) as RecordsPage;
    expect(page.version).toMatch(/^baseline v\d+, school policy v\d+$/);
    expect(page.authorisedBy).toMatch(/policy file/);
    expect(page.schedule.length).toBeGreaterThanOrEqual(9);
    for (const l of page.schedule) expect(l.source.length, l.label).toBeGreaterThan(3);
    expect(page.schedule.find((l) => /Safeguarding/.test(l.label))).toMatchObject({ keep: '25 years after it ended', then: 'Reviewed by a person' });
  });

  it('a DSL places and lifts a legal hold with a reason, in the chronology; staff cannot', async () => {
    const url = `/api/tab/cases/${cases.safeguarding.id}/hold`;
    expect((await post(PEOPLE.staff, url, { reason: 'x' })).status).toBe(403);
    expect((await post(PEOPLE.dsl, url, {})).status).toBe(400);
    const placed = await post(PEOPLE.dsl, url, { reason: 'Police investigation' });
    expect(placed.status).toBe(200);
    const d = await placed.json();
    expect(d.case.legalHold).toMatchObject({ by: PEOPLE.dsl.name, reason: 'Police investigation' });
    expect(d.events.map((e: { type: string }) => e.type)).toContain('legalHoldPlaced');
    expect((await post(PEOPLE.dsl, url, { reason: 'again' })).status).toBe(400);
    // A held record is never erased.
    const held = await post(admin, '/api/tab/settings/records/erasure', { reference: cases.safeguarding.reference, reason: 'asked' });
    expect(held.status).toBe(400);
    expect((await held.json()).error).toMatch(/legal hold/);
    const lifted = await post(PEOPLE.dsl, url, { reason: 'Investigation closed', lift: true });
    expect((await lifted.json()).case.legalHold).toBeNull();
    // Years from its retention review: nothing to decide yet, and a decision now is refused with a reason.
    const retention = `/api/tab/cases/${cases.safeguarding.id}/retention`;
    expect(await (await as(PEOPLE.dsl, retention)).json()).toEqual({ reviewDue: null, kept: null, canReview: false });
    expect((await as(PEOPLE.staff, retention)).status).toBe(403);
    const early = await post(PEOPLE.dsl, retention, { decision: 'destroy', reason: 'no longer needed' });
    expect(early.status).toBe(400);
    expect((await early.json()).error).toMatch(/not due for review/);
    expect((await post(PEOPLE.dsl, retention, { decision: 'shred', reason: 'x' })).status).toBe(400);
  });

  it('erases where the law allows, with the reason on its tombstone; never a safeguarding record or an open one', async () => {
    const safeguarding = await post(admin, '/api/tab/settings/records/erasure', { reference: cases.safeguarding.reference, reason: 'asked' });
    expect(safeguarding.status).toBe(400);
    expect((await safeguarding.json()).error).toMatch(/safeguarding record/);
    const open = await post(admin, '/api/tab/settings/records/erasure', { reference: cases.unrelated.reference, reason: 'asked' });
    expect((await open.json()).error).toMatch(/still open/);
    expect((await post(PEOPLE.head, '/api/tab/settings/records/erasure', { reference: cases.closed.reference, reason: 'asked' })).status).toBe(403);
    expect((await post(admin, '/api/tab/settings/records/erasure', { reference: 'SM-1999-0001', reason: 'asked' })).status).toBe(404);

    const r = await post(admin, '/api/tab/settings/records/erasure', { reference: cases.closed.reference, reason: 'The parent withdrew the complaint and asked for erasure' });
    expect(r.status).toBe(200);
    const page = (await r.json()) as RecordsPage;
    expect(page.tombstones[0]).toMatchObject({ reference: cases.closed.reference, why: expect.stringContaining('withdrew the complaint'), authorisedBy: admin.name });
    expect(await db.caseRepo.get('westbrook', cases.closed.id)).toBeUndefined();
  });
});

describe('leavers', () => {
  it('removing a member who left reassigns their open cases by the route, drops their conversation reference, and keeps their name on what they reported', async () => {
    const { ConversationRefRepository } = await import('../../src/storage/conversation-refs.js');
    const refs = new ConversationRefRepository(db.storage.table('conversationRefs'));
    await refs.save({ tenantId: TENANT, aadObjectId: PEOPLE.dsl.aad, userId: '29:x', conversationId: 'a:1', serviceUrl: 'http://127.0.0.1:1', channelId: 'msteams', botId: '28:b', updatedAt: new Date().toISOString() });
    const ordinary = await seedCase(db.caseRepo, { category: 'cyberbullying', routing: {}, submitterAad: PEOPLE.dsl.aad });
    const safeguarding = await seedCase(db.caseRepo, { category: 'pupilContact', routing: { safeguarding: true, queue: 'dsl' }, submitterAad: PEOPLE.staff.aad });
    for (const c of [ordinary, safeguarding]) {
      const d = await db.caseRepo.get('westbrook', c.id);
      await db.caseRepo.update('westbrook', c.id, d!.etag, { assignee: { aadObjectId: PEOPLE.dsl.aad, name: PEOPLE.dsl.name }, event: { type: 'assigned' } }, new Date().toISOString());
    }

    expect((await post(PEOPLE.head, `/api/tab/settings/members/${PEOPLE.dsl.aad}/left`, {})).status).toBe(403);
    expect((await post(admin, `/api/tab/settings/members/${admin.aad}/left`, {})).status).toBe(400);
    const r = await post(admin, `/api/tab/settings/members/${PEOPLE.dsl.aad}/left`, {});
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ reassigned: 2, unassigned: 0 });

    const o = await db.caseRepo.get('westbrook', ordinary.id);
    expect(o?.case.assignee).toEqual({ aadObjectId: PEOPLE.head.aad, name: PEOPLE.head.name });
    expect(o?.events.find((e) => e.type === 'reassignedOnLeaving')?.detail).toMatch(/left the school/);
    expect(o?.case.submitter.aadObjectId).toBe(PEOPLE.dsl.aad);
    // The safeguarding concern goes to the remaining safeguarding lead (the deputy), not the head first.
    expect((await db.caseRepo.get('westbrook', safeguarding.id))?.case.assignee?.aadObjectId).toBe(PEOPLE.deputy.aad);
    expect(await refs.get(TENANT, PEOPLE.dsl.aad)).toBeUndefined();
    expect(await db.directory.member('westbrook', PEOPLE.dsl.aad)).toBeUndefined();
    expect((await as(PEOPLE.dsl, '/api/tab/me')).status).toBe(403);
    // On the append-only trail of role changes.
    const trail = await (await as(admin, '/api/tab/settings/role-changes')).json();
    expect(trail.items[0]).toMatchObject({ kind: 'removed', member: { aadObjectId: PEOPLE.dsl.aad }, actor: { name: admin.name }, after: [] });
    // Removing them again is a clear refusal, not a crash.
    expect((await post(admin, `/api/tab/settings/members/${PEOPLE.dsl.aad}/left`, {})).status).toBe(400);
  });
});
