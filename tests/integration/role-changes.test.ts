import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { APP_ID_URI, CLIENT_ID, JwksStub } from '../support/tokens.js';
import { seedCase } from '../support/tab-seed.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import type { DirectorySeed, Role } from '../../src/domain/directory/directory.js';

const prefix = 'r' + randomBytes(3).toString('hex');
let jwks: JwksStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;
let sso: Record<string, string>;
let aboutHead: CaseRecord;
let aboutHeadSafeguarding: CaseRecord;
let safeguarding: CaseRecord;

/** The seeded roles (config/schools.seed.json). Rachel, the deputy head, is the school's administrator. */
const ADMIN = PEOPLE.deputy;
const HEAD_ROLES: Role[] = ['staff', 'slt', 'headteacher'];
const ADMIN_ROLES: Role[] = ['staff', 'slt', 'deputyDsl', 'admin'];

beforeAll(async () => {
  jwks = await new JwksStub(TENANT).start();
  sso = { AAD_APP_CLIENT_ID: CLIENT_ID, AAD_APP_TENANT_ID: TENANT, AAD_APP_ID_URI: APP_ID_URI, SSO_JWKS_URL: jwks.url };
  server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix, ...sso });
  db = direct(inject('storageConnectionString'), prefix);
  aboutHead = await seedCase(db.caseRepo, { category: 'staffMisuse', routing: { aboutHead: true, queue: 'chair', severity: 'medium' }, submitterAad: PEOPLE.staff.aad });
  aboutHeadSafeguarding = await seedCase(db.caseRepo, {
    category: 'pupilContact',
    routing: { aboutHead: true, safeguarding: true, queue: 'chair', severity: 'medium' },
    submitterAad: PEOPLE.teacher2.aad,
  });
  safeguarding = await seedCase(db.caseRepo, { category: 'indecentImagesOfChildren', routing: { safeguarding: true, queue: 'dsl', severity: 'high' }, submitterAad: PEOPLE.teacher2.aad });
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await jwks?.stop();
});

async function as(person: { aad: string }, path: string, init: RequestInit = {}) {
  return fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${await jwks.sso(person.aad)}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}
const putRoles = (actor: { aad: string }, member: { aad: string }, roles: Role[]) =>
  as(actor, `/api/tab/settings/members/${member.aad}`, { method: 'PUT', body: JSON.stringify({ roles }) });
const rolesOf = async (p: { aad: string }) => (await db.directoryRepo.getMember('westbrook', p.aad))!.roles;
async function listIds(p: { aad: string }): Promise<string[]> {
  const r = await as(p, '/api/tab/cases');
  expect(r.status).toBe(200);
  return ((await r.json()) as { items: Array<{ id: string }> }).items.map((c) => c.id);
}
async function trailRows(): Promise<number> {
  let n = 0;
  for await (const _ of db.storage.table('roleChanges').listEntities()) n++;
  return n;
}

describe('nobody raises their own privileges', () => {
  it('an administrator cannot give themselves the chair or a DSL role, nor change their own roles at all', async () => {
    for (const roles of [[...ADMIN_ROLES, 'chair'], [...ADMIN_ROLES, 'dsl'], ['staff', 'slt', 'deputyDsl'], ['staff', 'slt', 'headteacher', 'admin']] as Role[][]) {
      const r = await putRoles(ADMIN, ADMIN, roles);
      expect(r.status, roles.join(',')).toBe(400);
      expect((await r.json()).error).toBe('You cannot change your own roles. Another administrator can.');
    }
    expect(await rolesOf(ADMIN)).toEqual(ADMIN_ROLES);
    // So the case about the head stays closed to them (a deputy DSL sees only the safeguarding one).
    expect((await as(ADMIN, `/api/tab/cases/${aboutHead.id}`)).status).toBe(404);
    expect(await listIds(ADMIN)).not.toContain(aboutHead.id);
    expect(await trailRows()).toBe(0);
  });

  it('the directory refuses a headteacher who is also the chair, in Settings and for a new member', async () => {
    const r = await putRoles(ADMIN, PEOPLE.head, [...HEAD_ROLES, 'chair']);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/^One person cannot be both the headteacher and the chair of governors/);
    expect(await rolesOf(PEOPLE.head)).toEqual(HEAD_ROLES);
    const chairAsHead = await putRoles(ADMIN, PEOPLE.chair, ['chair', 'headteacher']);
    expect(chairAsHead.status).toBe(400);
    expect(await rolesOf(PEOPLE.chair)).toEqual(['chair']);
    const newcomer = '00000000-0000-4000-8000-0000000000c1';
    const added = await as(ADMIN, '/api/tab/settings/members', { method: 'POST', body: JSON.stringify({ aadObjectId: newcomer, name: 'Head And Chair', roles: ['headteacher', 'chair'] }) });
    expect(added.status).toBe(400);
    expect(await db.directoryRepo.getMember('westbrook', newcomer)).toBeUndefined();
    expect(await trailRows()).toBe(0);
  });

  it('a seed file with a headteacher who is also the chair stops the server at start, naming the problem', async () => {
    const seed = JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as DirectorySeed;
    seed.schools[0].members.find((x) => x.aadObjectId === PEOPLE.head.aad)!.roles.push('chair');
    mkdirSync('.tmp', { recursive: true });
    const file = `.tmp/head-chair-seed-${prefix}.json`;
    writeFileSync(file, JSON.stringify(seed));
    // A server that starts anyway is stopped at once, so a regression fails here without leaving it running.
    const outcome = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix + 'x', SCHOOLS_SEED_FILE: file, ...sso }).then(
      async (started) => {
        await started.kill('SIGTERM');
        return 'the server started';
      },
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/Invalid seed file[\s\S]*members\[1\]\.roles: One person cannot be both the headteacher and the chair/);
  });
});

describe('a headteacher who holds other roles never sees a case about the head', () => {
  it('a head made DSL gets the safeguarding cases, but not the one about the head, in the detail or the list', async () => {
    expect((await putRoles(ADMIN, PEOPLE.head, [...HEAD_ROLES, 'dsl'])).status).toBe(200);
    expect(await listIds(PEOPLE.head)).toContain(safeguarding.id);
    for (const c of [aboutHead, aboutHeadSafeguarding]) {
      expect((await as(PEOPLE.head, `/api/tab/cases/${c.id}`)).status).toBe(404);
      expect(await listIds(PEOPLE.head)).not.toContain(c.id);
    }
    expect((await as(PEOPLE.head, `/api/tab/cases/${aboutHeadSafeguarding.id}/acknowledge`, { method: 'POST' })).status).toBe(403);
    // Nor is the head offered to the DSL as someone to assign it to.
    const assignees = (await (await as(PEOPLE.dsl, `/api/tab/cases/${aboutHeadSafeguarding.id}/assignees`)).json()).items.map((p: { aadObjectId: string }) => p.aadObjectId);
    expect(assignees).toContain(PEOPLE.dsl.aad);
    expect(assignees).not.toContain(PEOPLE.head.aad);
  });

  it('a head who is also chair in a directory written before this rule still sees neither', async () => {
    // Written straight to storage, as a directory saved before the rule existed could hold it.
    await db.directoryRepo.saveMember({ ...(await db.directoryRepo.getMember('westbrook', PEOPLE.head.aad))!, roles: [...HEAD_ROLES, 'dsl', 'chair'] });
    // Any change through Settings drops the server's directory cache, so the row above is read at once.
    expect((await putRoles(ADMIN, PEOPLE.teacher2, ['staff', 'slt'])).status).toBe(200);
    expect((await (await as(PEOPLE.head, '/api/tab/me')).json()).roles).toContain('chair');
    for (const c of [aboutHead, aboutHeadSafeguarding]) expect((await as(PEOPLE.head, `/api/tab/cases/${c.id}`)).status).toBe(404);
    const ids = await listIds(PEOPLE.head);
    expect(ids).toContain(safeguarding.id);
    expect(ids).not.toContain(aboutHead.id);
    expect(ids).not.toContain(aboutHeadSafeguarding.id);
    // The chair who is not the head still sees both.
    expect(new Set(await listIds(PEOPLE.chair))).toEqual(new Set([aboutHead.id, aboutHeadSafeguarding.id]));
  });
});

describe('the role-change trail', () => {
  interface Row { at: string; kind: string; actor: { name: string }; member: { name: string }; before: string[]; after: string[]; added: string[]; removed: string[] }
  const trail = async (p: { aad: string }) => {
    const r = await as(p, '/api/tab/settings/role-changes');
    return { status: r.status, body: (await r.json()) as { items: Row[]; error?: string } };
  };

  it('lists each change (who, whose, from what to what, when), newest first, to administrators, the chair and the DSLs', async () => {
    const added = await as(ADMIN, '/api/tab/settings/members', { method: 'POST', body: JSON.stringify({ aadObjectId: '00000000-0000-4000-8000-0000000000c2', name: 'New Governor', roles: ['staff'] }) });
    expect(added.status).toBe(201);
    for (const p of [PEOPLE.chair, ADMIN, PEOPLE.dsl]) {
      const { status, body } = await trail(p);
      expect(status).toBe(200);
      // Refused attempts changed nothing and are not entries; the three changes made are, newest first.
      expect(body.items.map((r) => `${r.kind} ${r.actor.name} → ${r.member.name}`)).toEqual([
        `added ${ADMIN.name} → New Governor`,
        `changed ${ADMIN.name} → ${PEOPLE.teacher2.name}`,
        `changed ${ADMIN.name} → ${PEOPLE.head.name}`,
      ]);
      const headChange = body.items[2];
      expect(headChange).toMatchObject({
        before: ['Staff', 'Senior leadership', 'Headteacher'],
        after: ['Staff', 'Senior leadership', 'Headteacher', 'Designated safeguarding lead'],
        added: ['Designated safeguarding lead'],
        removed: [],
      });
      expect(Date.now() - Date.parse(headChange.at)).toBeLessThan(5 * 60_000);
      expect(body.items[0]).toMatchObject({ before: [], after: ['Staff'] });
    }
    expect(await trailRows()).toBe(3);
  });

  it('is refused (403) to plain SLT, staff and a head who is not an administrator; the tab is told who may read it', async () => {
    // Priya is plain SLT now (the change above); the head holds chair and DSL rows from before the rule.
    for (const p of [PEOPLE.teacher2, PEOPLE.staff, PEOPLE.head]) {
      const { status, body } = await trail(p);
      expect(status, p.name).toBe(403);
      expect(body.error).toMatch(/for administrators, the chair of governors and safeguarding leads/);
    }
    const can = async (p: { aad: string }) => (await (await as(p, '/api/tab/me')).json()).can.roleChanges;
    expect([await can(PEOPLE.chair), await can(PEOPLE.dsl), await can(ADMIN), await can(PEOPLE.teacher2), await can(PEOPLE.head)]).toEqual([true, true, true, false, false]);
  });

  it('has no way to change or remove an entry', async () => {
    for (const method of ['DELETE', 'PUT', 'POST', 'PATCH']) {
      const r = await as(ADMIN, '/api/tab/settings/role-changes', { method, body: method === 'DELETE' ? undefined : '{}' });
      expect(r.status, method).toBeGreaterThanOrEqual(400);
      expect(r.status, method).toBeLessThan(500);
    }
    expect(await trailRows()).toBe(3);
  });

  it('never writes names to the logs', () => {
    const out = server.output();
    for (const name of [PEOPLE.head.name, ADMIN.name, PEOPLE.teacher2.name, 'New Governor', 'Head And Chair']) expect(out).not.toContain(name);
    expect(out).toContain('"msg":"roles changed"');
  });
});
