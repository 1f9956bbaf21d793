import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { APP_ID_URI, CLIENT_ID, JwksStub } from '../support/tokens.js';
import { OAKFIELD, seedCase, seedLadoCase, writeTwoSchoolSeed } from '../support/tab-seed.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import type * as Dto from '../../src/tab-api/dto.js';

const prefix = 't' + randomBytes(3).toString('hex');
let jwks: JwksStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;
let lado: CaseRecord;
let overdue: CaseRecord;
let aboutHead: CaseRecord;
let oakfield: CaseRecord;
const HOUR = 3_600_000;

beforeAll(async () => {
  jwks = await new JwksStub(TENANT).start();
  const conn = inject('storageConnectionString');
  server = await startServer({
    STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, AAD_APP_CLIENT_ID: CLIENT_ID, AAD_APP_TENANT_ID: TENANT, AAD_APP_ID_URI: APP_ID_URI,
    SSO_JWKS_URL: jwks.url, SCHOOLS_SEED_FILE: writeTwoSchoolSeed(prefix),
  });
  db = direct(conn, prefix);
  lado = await seedLadoCase(db.caseRepo, { submitterAad: PEOPLE.staff.aad, createdAt: new Date(Date.now() - HOUR) });
  // Made ten days ago: one working day has passed whatever the weekday.
  overdue = await seedLadoCase(db.caseRepo, { submitterAad: PEOPLE.teacher2.aad, createdAt: new Date(Date.now() - 10 * 24 * HOUR) });
  aboutHead = await seedLadoCase(db.caseRepo, { submitterAad: PEOPLE.staff.aad, routing: { aboutHead: true, queue: 'chair' } });
  oakfield = await seedCase(db.caseRepo, { schoolId: OAKFIELD.id, prefix: 'OA', category: 'staffMisuse', routing: { external: [{ body: 'lado', within: 'oneWorkingDay' }] }, submitterAad: OAKFIELD.slt.aad });
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await jwks?.stop();
});

async function as(person: { aad: string }, path: string, init: RequestInit = {}) {
  return fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${await jwks.sso(person.aad)}`, 'content-type': 'application/json' } });
}
const post = (person: { aad: string }, id: string, body: unknown) => as(person, `/api/tab/cases/${id}/referrals`, { method: 'POST', body: JSON.stringify(body) });
const referral = { body: 'lado', reference: 'LADO/2026/117', at: new Date(Date.now() - 10 * 60_000).toISOString(), note: 'Spoke to the duty LADO.' };

describe('tab API: referrals outside the school', () => {
  it('shows the deadline a case owes, with its statutory source, and flags it in the list', async () => {
    const d = (await (await as(PEOPLE.head, `/api/tab/cases/${lado.id}`)).json()) as Dto.CaseDetail;
    expect(d.referrals.deadlines).toEqual([expect.objectContaining({ body: 'lado', state: 'open', withinLabel: 'within one working day', source: 'Keeping children safe in education, Part four (statutory guidance)' })]);
    expect(d.referrals.deadlines[0].text).toMatch(/^LADO referral due by \w{3} \d{1,2} \w{3}, \d{2}:\d{2} — within one working day \(Keeping children safe in education, Part four \(statutory guidance\)\)$/);
    expect(d.referrals.recorded).toEqual([]);
    expect(d.referrals.bodies.map((b) => b.value)).toEqual(['lado', 'ico', 'police', 'childrensSocialCare', 'ceop', 'prevent']);
    const list = (await (await as(PEOPLE.head, '/api/tab/cases')).json()) as Dto.CasePage;
    expect(list.items.find((c) => c.id === lado.id)?.referralDue).toEqual({ overdue: false, text: 'LADO referral due' });
    expect(list.items.find((c) => c.id === overdue.id)?.referralDue).toEqual({ overdue: true, text: 'LADO referral overdue' });
  });

  it('records a referral with its chronology event; the deadline is met and the list no longer flags it', async () => {
    const r = await post(PEOPLE.head, lado.id, referral);
    expect(r.status).toBe(200);
    const d = (await r.json()) as Dto.CaseDetail;
    expect(d.referrals.deadlines[0]).toMatchObject({ state: 'met', stateLabel: 'Made', late: false });
    expect(d.referrals.deadlines[0].text).toMatch(/^LADO referral made .*, reference LADO\/2026\/117 — within one working day/);
    expect(d.referrals.recorded).toEqual([expect.objectContaining({ body: 'lado', reference: 'LADO/2026/117', referredBy: PEOPLE.head.name, recordedBy: PEOPLE.head.name, note: 'Spoke to the duty LADO.', at: referral.at })]);
    const ev = d.events.find((e) => e.type === 'referred');
    expect(ev).toMatchObject({ actor: PEOPLE.head.name, detail: 'Spoke to the duty LADO.' });
    expect(ev!.message).toMatch(/^LADO \(local authority designated officer\), reference LADO\/2026\/117, made by Helen Carter, /);
    const list = (await (await as(PEOPLE.head, '/api/tab/cases')).json()) as Dto.CasePage;
    expect(list.items.find((c) => c.id === lado.id)?.referralDue).toBeNull();
    // Stored on the case, not only in the answer.
    expect((await db.caseRepo.get('westbrook', lado.id))!.case.referrals).toHaveLength(1);
  });

  it('records who made it when that is someone else of the school, and a Prevent referral the routing did not ask for', async () => {
    const r = await post(PEOPLE.deputy, overdue.id, { body: 'prevent', reference: 'CH-9', at: '2026-03-02T09:30', referredByAad: PEOPLE.dsl.aad });
    expect(r.status).toBe(200);
    const d = (await r.json()) as Dto.CaseDetail;
    expect(d.referrals.recorded).toEqual([expect.objectContaining({ body: 'prevent', bodyLabel: 'Prevent (Channel)', referredBy: PEOPLE.dsl.name, recordedBy: PEOPLE.deputy.name, at: '2026-03-02T09:30:00.000Z' })]);
    expect(d.referrals.deadlines[0]).toMatchObject({ body: 'lado', state: 'overdue' });
  });

  it.each([
    ['an unknown body', { ...referral, body: 'ofsted' }, /body/],
    ['no reference', { ...referral, reference: '' }, /reference/],
    ['a reference over 100 characters', { ...referral, reference: 'x'.repeat(101) }, /reference/],
    ['no time', { ...referral, at: undefined }, /at/],
    ['a time that is not one', { ...referral, at: 'last Tuesday' }, /at/],
    ['a time in the future', { ...referral, at: new Date(Date.now() + 24 * HOUR).toISOString() }, /future/],
    ['a reference that is not text', { ...referral, reference: 42 }, /reference/],
    ['a referrer from outside the school', { ...referral, referredByAad: OAKFIELD.slt.aad }, /referredByAad/],
  ])('refuses %s with 400', async (_what, body, says) => {
    const r = await post(PEOPLE.head, overdue.id, body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(says);
  });

  it('is refused to a member of staff (403), to someone who may not see the case and for another school\'s case (404)', async () => {
    expect((await post(PEOPLE.staff, lado.id, referral)).status).toBe(403);
    expect((await post(PEOPLE.head, aboutHead.id, referral)).status).toBe(404);
    expect((await post(PEOPLE.head, oakfield.id, referral)).status).toBe(404);
    expect((await post(PEOPLE.head, 'ffffffffffffffff', referral)).status).toBe(404);
    // Nothing was recorded on the cases refused.
    expect((await db.caseRepo.get('westbrook', aboutHead.id))!.case.referrals).toBeUndefined();
    // The chair, who handles a concern about the head, may.
    expect((await post(PEOPLE.chair, aboutHead.id, referral)).status).toBe(200);
  });
});
