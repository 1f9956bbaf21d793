import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { devToken } from '../support/tokens.js';
import { OAKFIELD, writeTwoSchoolSeed } from '../support/tab-seed.js';
import { DeclarationService } from '../../src/domain/declarations/declaration-service.js';
import type { DeclarationAnswers } from '../../src/domain/declarations/declaration.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';

const prefix = 'f' + randomBytes(3).toString('hex');
const OAK_TEACHER = { aad: '00000000-0000-4000-8000-000000000102', name: 'Nia Brook' };
let server: ServerProcess;
let db: ReturnType<typeof direct>;
const d: Record<'staff' | 'waiting' | 'withdrawn' | 'head' | 'oakfield', CaseRecord> = {} as never;

const answers = (pupilName: string, yearGroup: string, relationship: DeclarationAnswers['relationship'], platforms: DeclarationAnswers['platforms']): DeclarationAnswers => ({
  pupilName, yearGroup, relationship, platforms, otherRelatives: 'no', confirmed: true,
});

beforeAll(async () => {
  const conn = inject('storageConnectionString');
  server = await startServer({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', SCHOOLS_SEED_FILE: writeTwoSchoolSeed(prefix) });
  db = direct(conn, prefix);
  // A member of staff at the other school, so that it has a declaration its SLT may see.
  await db.directoryRepo.saveMember({ schoolId: OAKFIELD.id, aadObjectId: OAK_TEACHER.aad, name: OAK_TEACHER.name, roles: ['staff'] });
  const svc = new DeclarationService(db.caseRepo, db.directory);
  const school = async (id: string) => (await db.directory.school(id))!;
  const member = async (id: string, p: { aad: string }) => (await db.directory.member(id, p.aad))!;
  const declare = async (schoolId: string, p: { aad: string }, a: DeclarationAnswers) => {
    const r = await svc.declare({ school: await school(schoolId), declarer: await member(schoolId, p), submissionId: `fr-${randomBytes(4).toString('hex')}`, answers: a });
    expect(r.kind).toBe('created');
    return r.case;
  };
  const westbrook = (p: Person) => member('westbrook', p);

  d.staff = await declare('westbrook', PEOPLE.staff, answers('Amelia Fairweather', 'Year 5', 'auntUncle', ['facebook', 'whatsapp']));
  d.staff = (await svc.acknowledge(await westbrook(PEOPLE.head), d.staff.id, 'Discussed protocols.')).case;
  d.waiting = await declare('westbrook', PEOPLE.teacher2, answers('Toby Shah', '3B', 'grandparent', ['none']));
  d.withdrawn = await declare('westbrook', PEOPLE.staff, answers('Ruby Lane', 'Year 2', 'cousin', ['instagram']));
  d.withdrawn = (await svc.withdraw(await westbrook(PEOPLE.staff), d.withdrawn.id)).case;
  d.head = await declare('westbrook', PEOPLE.head, answers('Olivia Carter', 'Year 1', 'grandparent', ['facebook']));
  d.head = (await svc.acknowledge(await westbrook(PEOPLE.chair), d.head.id, 'Discussed with the head.')).case;
  d.oakfield = await declare(OAKFIELD.id, OAK_TEACHER, answers('Zara Oak', 'Year 4', 'parent', ['tiktok']));
});

afterAll(async () => {
  await server?.kill('SIGTERM');
});

async function get(p: { aad: string }, path: string, headers: Record<string, string> = {}) {
  return fetch(server.url + path, { headers: { authorization: `Bearer ${await devToken(p.aad)}`, ...headers } });
}
async function rows(p: { aad: string }, query = ''): Promise<Array<Record<string, unknown>>> {
  const r = await get(p, `/api/tab/registers/family${query}`);
  expect(r.status).toBe(200);
  return (await r.json()).items;
}
const ids = async (p: { aad: string }, query = '') => (await rows(p, query)).map((r) => r.caseId);

describe('tab API: the register of family relationships', () => {
  it("lists the staff's declarations, acknowledged and waiting, with every column, for the headteacher", async () => {
    const items = await rows(PEOPLE.head);
    // By staff member's name: Priya Shah before Sam Taylor.
    expect(items.map((r) => r.caseId)).toEqual([d.waiting.id, d.staff.id]);
    expect(items[1]).toEqual({
      caseId: d.staff.id,
      reference: d.staff.reference,
      staff: { aadObjectId: PEOPLE.staff.aad, name: PEOPLE.staff.name },
      pupilName: 'Amelia Fairweather',
      yearGroup: 'Year 5',
      relationship: 'Aunt or uncle',
      platforms: 'Facebook, WhatsApp',
      status: 'acknowledged',
      statusLabel: 'Acknowledged',
      declaredAt: d.staff.createdAt,
      acknowledgedBy: PEOPLE.head.name,
      acknowledgedAt: expect.any(String),
    });
    expect(items[0]).toMatchObject({ staff: { name: PEOPLE.teacher2.name }, pupilName: 'Toby Shah', yearGroup: '3B', relationship: 'Grandparent', status: 'awaitingAcknowledgement', statusLabel: 'Awaiting acknowledgement' });
    expect(items[0].acknowledgedBy).toBeUndefined();
  });

  it("never shows the headteacher's own declaration to the head or SLT; the chair sees only that", async () => {
    for (const p of [PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy]) expect(await ids(p)).toEqual([d.waiting.id, d.staff.id]);
    const chair = await rows(PEOPLE.chair);
    expect(chair.map((r) => r.caseId)).toEqual([d.head.id]);
    expect(chair[0]).toMatchObject({ staff: { name: PEOPLE.head.name }, pupilName: 'Olivia Carter', status: 'acknowledged', acknowledgedBy: PEOPLE.chair.name });
    expect(await ids(PEOPLE.chair, '?withdrawn=1')).toEqual([d.head.id]);
  });

  it('refuses members of staff who do not keep the register (403), and anyone without a token (401)', async () => {
    for (const p of [PEOPLE.staff, PEOPLE.teacher2]) {
      const r = await get(p, '/api/tab/registers/family');
      expect(r.status).toBe(403);
      expect(JSON.stringify(await r.json())).not.toContain('Fairweather');
    }
    expect((await fetch(`${server.url}/api/tab/registers/family`)).status).toBe(401);
  });

  it("keeps each school's declarations to that school", async () => {
    expect(await ids({ aad: OAKFIELD.slt.aad })).toEqual([d.oakfield.id]);
    for (const p of [PEOPLE.head, PEOPLE.dsl, PEOPLE.chair]) {
      expect((await ids(p, '?withdrawn=1')).includes(d.oakfield.id)).toBe(false);
      // Asking for the other school by header does not get round it.
      expect((await get(p, '/api/tab/registers/family', { 'x-school-id': OAKFIELD.id })).status).toBe(403);
    }
  });

  it('lists withdrawn declarations only when asked (withdrawn=1)', async () => {
    expect(await ids(PEOPLE.head, '?withdrawn=0')).toEqual([d.waiting.id, d.staff.id]);
    const all = await rows(PEOPLE.head, '?withdrawn=1');
    // Sam Taylor's two, newest first.
    expect(all.map((r) => r.caseId)).toEqual([d.waiting.id, d.withdrawn.id, d.staff.id]);
    expect(all.find((r) => r.caseId === d.withdrawn.id)).toMatchObject({ pupilName: 'Ruby Lane', status: 'withdrawn', statusLabel: 'Withdrawn', platforms: 'Instagram' });
  });

  it.each([
    ['withdrawn=yes', 'withdrawn: 1 to include'],
    ['withdrawn=true', 'withdrawn: 1 to include'],
    ['withdrawn=2', 'withdrawn: 1 to include'],
    ['withdrawn=1&withdrawn=1', 'withdrawn: 1 to include'],
    ['status=withdrawn', 'status: unknown parameter'],
    ['withdrawn=1&pageSize=10', 'pageSize: unknown parameter'],
  ])('answers 400 with a clear message for ?%s', async (query, says) => {
    const r = await get(PEOPLE.head, `/api/tab/registers/family?${query}`);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toContain(says);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('reading the register records nothing on the cases (it is not a case view)', async () => {
    // The server delivers the declarations' messages in the background and records each delivery on its case:
    // wait for that to finish, so that only reading the register could change the cases from here on.
    const settled = async () => {
      for (let i = 0; i < 200; i++) {
        const all = await Promise.all(Object.values(d).map((c) => db.caseRepo.get(c.schoolId, c.id)));
        if (all.every((x) => x!.outbox.every((o) => o.state !== 'pending'))) return all;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the declarations\' messages did not settle');
    };
    const before = await settled();
    for (const p of [PEOPLE.head, PEOPLE.dsl, PEOPLE.chair]) await rows(p, '?withdrawn=1');
    await rows({ aad: OAKFIELD.slt.aad });
    const after = await Promise.all(Object.values(d).map((c) => db.caseRepo.get(c.schoolId, c.id)));
    expect(after.map((x) => x!.etag)).toEqual(before.map((x) => x!.etag));
    expect(after.map((x) => x!.events.length)).toEqual(before.map((x) => x!.events.length));
    expect(after.flatMap((x) => x!.events).some((e) => e.type === 'viewed')).toBe(false);
  });

  it('never writes a pupil name to the logs', () => {
    for (const name of ['Amelia Fairweather', 'Toby Shah', 'Ruby Lane', 'Olivia Carter', 'Zara Oak']) expect(server.output()).not.toContain(name);
  });
});
