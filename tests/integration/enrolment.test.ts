import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { conversationOf, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { devToken } from '../support/tokens.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';

/**
 * In a trust (several schools in one tenant) a newcomer's choice of school is a request: only an
 * administrator of that school confirms it, in the tab's Settings, and until then the person sees nobody.
 */
const prefix = 'en' + randomBytes(3).toString('hex');
const UPPER_ADMIN = { aad: '00000000-0000-4000-8000-000000000111', name: 'Ulla Admin' };
const KIM_ADMIN = { aad: '00000000-0000-4000-8000-000000000211', name: 'Kit Admin' };
const newcomer: Person = { aad: '00000000-0000-4000-8000-0000000005ff', name: 'Nell Newstart' };
const refused: Person = { aad: '00000000-0000-4000-8000-0000000006ff', name: 'Rex Refused' };
let connector: ConnectorStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;

function writeTrustSeed(): string {
  const seed = JSON.parse(readFileSync('tests/fixtures/trust.seed.json', 'utf8')) as DirectorySeed;
  seed.schools[0].members.push({ aadObjectId: UPPER_ADMIN.aad, name: UPPER_ADMIN.name, roles: ['staff', 'admin'] });
  seed.schools[1].members.push({ aadObjectId: KIM_ADMIN.aad, name: KIM_ADMIN.name, roles: ['staff', 'admin'] });
  mkdirSync('.tmp', { recursive: true });
  const file = `.tmp/trust-seed-${prefix}.json`;
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  const conn = inject('storageConnectionString');
  server = await startServer({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', SCHOOLS_SEED_FILE: writeTrustSeed() });
  db = direct(conn, prefix);
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

async function tab(p: { aad: string }, path: string, school: string, method = 'GET') {
  return fetch(server.url + path, { method, headers: { authorization: `Bearer ${await devToken(p.aad)}`, 'x-school-id': school, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
}
const said = (p: Person) => connector.messagesTo(conversationOf(p)).map((r) => JSON.stringify(r.body ?? {}));
async function say(p: Person, activity: unknown): Promise<string> {
  const n = said(p).length;
  await server.post('/api/messages', activity);
  await connector.waitUntil(() => said(p).length > n);
  return said(p)[n];
}

describe('a trust: self-enrolment waits for the chosen school\'s administrators', () => {
  it('records the choice as pending, and the person can do nothing that shows other people', async () => {
    expect(await say(newcomer, makeMessage(newcomer, connector.url, 'hi'))).toContain('Which school do you work at?');
    expect(await say(newcomer, makeSubmit(newcomer, connector.url, { verb: 'chooseSchool', schoolId: 'kimberley-primary' }))).toContain(
      'Your request to join Kimberley Primary School has gone to its administrators',
    );
    for (const text of ['request account', 'report', 'my submissions']) {
      const reply = await say(newcomer, makeMessage(newcomer, connector.url, text));
      expect(reply).toContain('has gone to its administrators');
      expect(reply).toContain('tell your designated safeguarding lead in person now');
    }
    // A second choice, of another school, changes nothing.
    expect(await say(newcomer, makeSubmit(newcomer, connector.url, { verb: 'chooseSchool', schoolId: 'wootton-upper' }))).toContain('join Kimberley Primary School');
    expect(await db.directory.member('kimberley-primary', newcomer.aad)).toBeUndefined();
    expect(await db.directory.member('wootton-upper', newcomer.aad)).toBeUndefined();
    // The people picker's search is for members only.
    const search = await server.post('/api/messages', {
      ...makeMessage(newcomer, connector.url, ''),
      type: 'invoke',
      name: 'application/search',
      value: { queryText: 'a', dataset: 'staff.kimberley-primary', queryOptions: { skip: 0, top: 15 } },
    });
    expect(JSON.stringify(await search.json())).not.toContain('Kim Head');
    // Nor the tab.
    expect((await tab(newcomer, '/api/tab/me', 'kimberley-primary')).status).toBe(403);
  });

  it('shows the request to that school\'s administrators only', async () => {
    const mine = await tab(KIM_ADMIN, '/api/tab/settings/enrolments', 'kimberley-primary');
    expect(mine.status).toBe(200);
    expect((await mine.json()).items).toEqual([expect.objectContaining({ aadObjectId: newcomer.aad, name: newcomer.name })]);
    const other = await tab(UPPER_ADMIN, '/api/tab/settings/enrolments', 'wootton-upper');
    expect((await other.json()).items).toEqual([]);
    // Not to someone of that school who is not an administrator.
    expect((await tab({ aad: '00000000-0000-4000-8000-000000000201' }, '/api/tab/settings/enrolments', 'kimberley-primary')).status).toBe(403);
  });

  it('refuses the confirmation by another school\'s administrator', async () => {
    expect((await tab(UPPER_ADMIN, `/api/tab/settings/enrolments/${newcomer.aad}/confirm`, 'wootton-upper', 'POST')).status).toBe(404);
    expect((await tab(UPPER_ADMIN, `/api/tab/settings/enrolments/${newcomer.aad}/confirm`, 'kimberley-primary', 'POST')).status).toBe(403);
    expect(await db.directory.member('wootton-upper', newcomer.aad)).toBeUndefined();
    expect(await db.directory.member('kimberley-primary', newcomer.aad)).toBeUndefined();
    expect(await say(newcomer, makeMessage(newcomer, connector.url, 'help'))).toContain('has gone to its administrators');
  });

  it('once that school\'s administrator confirms, the person is staff there and the bot serves them', async () => {
    const res = await tab(KIM_ADMIN, `/api/tab/settings/enrolments/${newcomer.aad}/confirm`, 'kimberley-primary', 'POST');
    expect(res.status).toBe(200);
    expect((await db.directory.member('kimberley-primary', newcomer.aad))?.roles).toEqual(['staff']);
    const welcome = await say(newcomer, makeMessage(newcomer, connector.url, 'help'));
    expect(welcome).toContain('Hello Nell');
    expect(welcome).toContain('Kimberley Primary School');
    expect((await (await tab(KIM_ADMIN, '/api/tab/settings/enrolments', 'kimberley-primary')).json()).items).toEqual([]);
    // Deciding again finds nothing.
    expect((await tab(KIM_ADMIN, `/api/tab/settings/enrolments/${newcomer.aad}/refuse`, 'kimberley-primary', 'POST')).status).toBe(404);
  });

  it('a refused person is told so and cannot ask again', async () => {
    await say(refused, makeMessage(refused, connector.url, 'hi'));
    await say(refused, makeSubmit(refused, connector.url, { verb: 'chooseSchool', schoolId: 'wootton-upper' }));
    expect((await tab(UPPER_ADMIN, `/api/tab/settings/enrolments/${refused.aad}/refuse`, 'wootton-upper', 'POST')).status).toBe(200);
    expect(await say(refused, makeMessage(refused, connector.url, 'hi'))).toContain('did not confirm your request');
    expect(await say(refused, makeSubmit(refused, connector.url, { verb: 'chooseSchool', schoolId: 'kimberley-primary' }))).toContain('did not confirm your request');
    expect((await (await tab(KIM_ADMIN, '/api/tab/settings/enrolments', 'kimberley-primary')).json()).items).toEqual([]);
    expect(await db.directory.member('wootton-upper', refused.aad)).toBeUndefined();
  });

  it('rejects a malformed request id with a 400', async () => {
    expect((await tab(KIM_ADMIN, '/api/tab/settings/enrolments/not-a-guid/confirm', 'kimberley-primary', 'POST')).status).toBe(400);
  });
});
