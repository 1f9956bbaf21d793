import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { devToken } from '../support/tokens.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';

const prefix = 'k' + randomBytes(3).toString('hex');
let server: ServerProcess;
let db: ReturnType<typeof direct>;
const ADMIN = PEOPLE.deputy;

beforeAll(async () => {
  const conn = inject('storageConnectionString');
  server = await startServer({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' });
  db = direct(conn, prefix);
});

afterAll(async () => {
  await server?.kill('SIGTERM');
});

async function call(p: Person, method: string, path: string, body?: unknown) {
  const r = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${await devToken(p.aad)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}
const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const register = async (p: Person = ADMIN, query = '') => (await call(p, 'GET', `/api/tab/consent${query}`)).body;

const FIRST = csv('UPN,Forename,Surname,Year group,Facebook,Instagram,Names consent,Do not publish', 'A100000000001,Ava,Jones,Year 3,yes,no,yes,no', 'A100000000002,Ben,Smith,Year 4,no,yes,no,no', 'A100000000003,Cara,Lee,Year 4,yes,yes,no,yes');

describe('tab API: the photo-consent register', () => {
  it('is refused to staff, senior leaders, the DSL and the chair, for every route, reads included', async () => {
    for (const p of [PEOPLE.staff, PEOPLE.dsl, PEOPLE.chair, PEOPLE.teacher2]) {
      expect((await call(p, 'GET', '/api/tab/consent')).status).toBe(403);
      expect((await call(p, 'GET', '/api/tab/consent/history')).status).toBe(403);
      expect((await call(p, 'POST', '/api/tab/consent/import?preview=1', { csv: FIRST })).status).toBe(403);
      expect((await call(p, 'POST', '/api/tab/consent/pupils', { name: 'X', classOrYear: '1', platforms: [], consentForNames: false, doNotPublish: false })).status).toBe(403);
    }
    expect((await call(PEOPLE.staff, 'GET', '/api/tab/me')).body.can.consent).toBe(false);
    expect((await call(ADMIN, 'GET', '/api/tab/me')).body.can.consent).toBe(true);
  });

  it('previews an import without writing anything, then commits it', async () => {
    const p = await call(ADMIN, 'POST', '/api/tab/consent/import?preview=1', { csv: FIRST });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ committed: false, rows: 3, errors: [], added: 3, changed: 0, unchanged: 0, notInFile: 0 });
    expect(p.body.changes[0]).toEqual({ pupilId: 'A100000000001', kind: 'added', line: 2, name: 'Ava Jones', summary: 'Added in Year 3: consent for Facebook; names yes' });
    expect((await register()).items).toEqual([]);

    const c = await call(ADMIN, 'POST', '/api/tab/consent/import', { csv: FIRST, revision: p.body.revision });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ committed: true, added: 3 });
    const reg = await register();
    expect(reg.items.map((r: any) => [r.pupilId, r.name, r.classOrYear, r.platforms, r.consentForNames, r.doNotPublish, r.updatedBy])).toEqual([
      ['A100000000001', 'Ava Jones', 'Year 3', ['facebook'], true, false, ADMIN.name],
      ['A100000000002', 'Ben Smith', 'Year 4', ['instagram'], false, false, ADMIN.name],
      ['A100000000003', 'Cara Lee', 'Year 4', ['facebook', 'instagram'], false, true, ADMIN.name],
    ]);
    expect(reg.classes).toEqual(['Year 3', 'Year 4']);
    // The head may read it too.
    expect((await register(PEOPLE.head, '?q=ben')).items.map((r: any) => r.name)).toEqual(['Ben Smith']);
    expect((await register(PEOPLE.head, '?class=Year%204')).items.map((r: any) => r.name)).toEqual(['Ben Smith', 'Cara Lee']);
  });

  it('refuses a whole file with a bad row or a duplicate pupil, each error with its line, and changes nothing', async () => {
    const before = await register();
    const bad = csv('UPN,Name,Year group,Facebook', 'A100000000001,Ava Jones,Year 3,no', 'A100000000009,Dan Ray,Year 5,perhaps', 'A100000000001,Ava Jones,Year 3,yes');
    const p = await call(ADMIN, 'POST', '/api/tab/consent/import?preview=1', { csv: bad });
    expect(p.body.errors).toEqual([{ line: 3, message: 'Facebook: "perhaps" is not Yes or No' }, { line: 4, message: 'The same pupil id (A100000000001) as line 2.' }]);
    const c = await call(ADMIN, 'POST', '/api/tab/consent/import', { csv: bad });
    expect(c.status).toBe(400);
    expect(c.body.errors).toHaveLength(2);
    expect(await register()).toEqual(before);
    const cols = await call(ADMIN, 'POST', '/api/tab/consent/import', { csv: csv('Pupil,Form,Facebook', 'Ava,3,yes') });
    expect(cols.status).toBe(400);
    expect(cols.body.errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(/Unknown column: "Pupil"/) });
  });

  it('edits one row, refuses an edit based on an old revision, and keeps every change in the history', async () => {
    const reg = await register();
    const e = await call(ADMIN, 'PUT', '/api/tab/consent/pupils/A100000000002', { name: 'Ben Smith', classOrYear: 'Year 4', platforms: ['instagram', 'facebook'], consentForNames: true, doNotPublish: false, revision: reg.revision });
    expect(e.status).toBe(200);
    const stale = await call(ADMIN, 'PUT', '/api/tab/consent/pupils/A100000000002', { name: 'Ben Smith', classOrYear: 'Year 4', platforms: [], consentForNames: false, doNotPublish: false, revision: reg.revision });
    expect(stale.status).toBe(409);
    expect((await call(ADMIN, 'PUT', '/api/tab/consent/pupils/NOPE', { name: 'X', classOrYear: '1', platforms: [], consentForNames: false, doNotPublish: false })).status).toBe(404);
    expect((await call(ADMIN, 'PUT', '/api/tab/consent/pupils/A100000000002', { name: 'X', classOrYear: '1', platforms: ['myspace'], consentForNames: false, doNotPublish: false })).status).toBe(400);
    const added = await call(PEOPLE.head, 'POST', '/api/tab/consent/pupils', { name: 'Dan Ray', classOrYear: 'Year 5', platforms: [], consentForNames: false, doNotPublish: true });
    expect(added.status).toBe(201);
    expect(added.body.pupilId).toMatch(/^g-[0-9a-f]{10}$/);
    const after = (await register()).items.find((r: any) => r.pupilId === 'A100000000002');
    expect(after).toMatchObject({ platforms: ['facebook', 'instagram'], consentForNames: true });

    const h = (await call(ADMIN, 'GET', '/api/tab/consent/history')).body.items;
    expect(h.map((x: any) => [x.kind, x.by, x.text])).toEqual([
      ['edited', PEOPLE.head.name, 'Dan Ray: Added in Year 5: consent for no platform; names no; do not publish'],
      ['edited', ADMIN.name, 'Ben Smith: Facebook no → yes; names no → yes'],
      ['imported', ADMIN.name, 'Imported 3 rows: 3 added, 0 changed, 0 unchanged'],
    ]);
    const changes = (await call(ADMIN, 'GET', `/api/tab/consent/imports/${h[2].importId}`)).body.items;
    expect(changes.map((c: any) => c.pupilId)).toEqual(['A100000000001', 'A100000000002', 'A100000000003']);
  });

  it('imports 2,000 pupils in one go, and a failure part-way through leaves the register as it was', async () => {
    const lines = ['UPN,Name,Year group,Facebook,Instagram,Names,Do not publish'];
    for (let i = 0; i < 2000; i++) lines.push(`B${String(i).padStart(12, '0')},Pupil ${i},Year ${1 + (i % 6)},${i % 2 ? 'yes' : 'no'},yes,no,no`);
    const big = csv(...lines);
    expect(Buffer.byteLength(JSON.stringify({ csv: big }))).toBeLessThan(1024 * 1024);

    // Straight against storage: the third transaction (of 41) fails, as a storage outage would.
    const table = db.storage.table('consent');
    const flaky = Object.create(table) as typeof table;
    let n = 0;
    flaky.submitTransaction = async (actions) => {
      if (++n === 3) throw Object.assign(new Error('outage'), { statusCode: 503 });
      return table.submitTransaction(actions);
    };
    const before = await register();
    await expect(new ConsentService(new ConsentRepository(flaky)).commit('westbrook', ADMIN.aad, big)).rejects.toThrow('outage');
    expect(await register()).toEqual(before);

    const t = performance.now();
    const c = await call(ADMIN, 'POST', '/api/tab/consent/import', { csv: big });
    const ms = Math.round(performance.now() - t);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ committed: true, rows: 2000, added: 2000, errors: [], notInFile: 4 });
    expect(c.body.changes).toHaveLength(500);
    expect((await register()).items).toHaveLength(2004);
    console.log(`consent import of 2,000 rows over HTTP against Azurite: ${ms} ms`);
    expect(ms).toBeLessThan(30_000);
  }, 60_000);

  it('refuses a body over 1 MB on the import route, and 16 KB stays the limit elsewhere', async () => {
    const huge = 'Name,Class,Facebook\r\n' + 'x'.repeat(1100 * 1024);
    expect((await call(ADMIN, 'POST', '/api/tab/consent/import?preview=1', { csv: huge })).status).toBe(413);
    expect((await call(ADMIN, 'POST', '/api/tab/consent/pupils', { name: 'x'.repeat(20 * 1024), classOrYear: '1', platforms: [], consentForNames: false, doNotPublish: false })).status).toBe(413);
  });
});
