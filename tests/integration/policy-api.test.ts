import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT } from '../support/activities.js';
import { APP_ID_URI, CLIENT_ID, JwksStub } from '../support/tokens.js';
import { createStorageClients } from '../../src/storage/clients.js';
import { PolicyRepository } from '../../src/storage/policy-repository.js';
import { readPolicyFiles } from '../../src/policy-files.js';
import { RULE_IDS } from '../../src/domain/policy/profile.js';
import type { PolicyPage } from '../../src/tab-api/dto.js';

const prefix = 'pa' + randomBytes(3).toString('hex');
const { profiles } = readPolicyFiles('config/policies');
const westbrook = profiles.get('westbrook')!;
let jwks: JwksStub;
let server: ServerProcess;
let repo: PolicyRepository;

beforeAll(async () => {
  jwks = await new JwksStub(TENANT).start();
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    AAD_APP_CLIENT_ID: CLIENT_ID,
    AAD_APP_TENANT_ID: TENANT,
    AAD_APP_ID_URI: APP_ID_URI,
    SSO_JWKS_URL: jwks.url,
  });
  const storage = createStorageClients({ kind: 'connectionString', connectionString: inject('storageConnectionString'), evidenceContainer: 'evidence', tablePrefix: prefix });
  repo = new PolicyRepository(storage.table('policies'));
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await jwks?.stop();
});

async function as(person: { aad: string }, path: string, init: RequestInit = {}) {
  return fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${await jwks.sso(person.aad)}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}
const switchTo = (person: { aad: string }, version: unknown) => as(person, '/api/tab/settings/policy/current', { method: 'POST', body: JSON.stringify({ version }) });

describe('Settings → Policy (GET /api/tab/settings/policy)', () => {
  it('shows the school its own stored policy: every rule in words, with its own clauses and the statutory additions', async () => {
    const r = await as(PEOPLE.deputy, '/api/tab/settings/policy');
    expect(r.status).toBe(200);
    const page = (await r.json()) as PolicyPage;
    expect(page).toMatchObject({ school: 'Westbrook Primary School', held: true, policyName: 'Westbrook policy', canSwitch: true });
    expect(page.current).toMatchObject({ version: westbrook.version, setBy: 'From the policy file, when the app started' });
    expect(page.versions).toEqual([{ version: westbrook.version, notes: westbrook.versionNotes, addedAt: page.current!.at, current: true }]);
    expect(page.changes).toEqual([{ at: page.current!.at, by: 'The policy file, when the app started', from: null, to: westbrook.version }]);
    expect(page.rules.map((x) => x.id)).toEqual(RULE_IDS);
    // Every clause of the school's own is Westbrook's, as its policy prints it.
    const own = page.rules.flatMap((x) => x.citations.filter((c) => c.from === 'policy'));
    expect(own.length).toBeGreaterThan(5);
    for (const c of own) expect(c.label).toMatch(/^Westbrook policy(, “.+”| §.+)$/);
    const report = page.rules.find((x) => x.id === 'route.cyberbullying')!;
    expect(report).toMatchObject({ inPolicy: true, applies: true });
    expect(report.value[0]).toBe('The Headteacher, no time given.');
    // Indecent images of children: the statutory baseline forbids screenshots whatever the policy says.
    const images = page.rules.find((x) => x.id === 'evidence.indecentImagesOfChildren')!;
    expect(images.value).toEqual(['Screenshots must not be taken, copied or kept.']);
    expect(images.citations.some((c) => c.from === 'baseline' && /\(UK Council for Internet Safety\)$/.test(c.label) && c.paraphrase)).toBe(true);
    // A rule the policy is silent on says so, and cites nothing of the school's.
    for (const x of page.rules.filter((x) => !x.applies)) {
      expect(x.value, x.id).toEqual(['The policy says nothing about this.']);
      expect(x.citations, x.id).toEqual([]);
    }
    // No code reaches the page: the additions are words.
    expect(JSON.stringify(page.rules.map((x) => [x.value, x.strengthened]))).not.toMatch(/\b(dsl|lado|oneWorkingDay|sameDay|doNotView|unspecified)\b/);
  });

  it('is read by the head, the chair and the DSL, who cannot switch; refused to other staff', async () => {
    for (const p of [PEOPLE.head, PEOPLE.chair, PEOPLE.dsl]) {
      const r = await as(p, '/api/tab/settings/policy');
      expect(r.status, p.name).toBe(200);
      expect(((await r.json()) as PolicyPage).canSwitch).toBe(false);
    }
    expect((await as(PEOPLE.staff, '/api/tab/settings/policy')).status).toBe(403);
    const me = await (await as(PEOPLE.staff, '/api/tab/me')).json();
    expect(me.can.policy).toBe(false);
  });
});

describe('switching the current version (POST /api/tab/settings/policy/current)', () => {
  it('only an administrator switches; everyone else gets 403 and nothing is recorded', async () => {
    await repo.addVersion({ ...structuredClone(westbrook), version: westbrook.version + 1, versionNotes: ['A revised policy, for the test.'] }, new Date().toISOString());
    for (const p of [PEOPLE.head, PEOPLE.chair, PEOPLE.dsl, PEOPLE.staff]) expect((await switchTo(p, westbrook.version + 1)).status, p.name).toBe(403);
    expect(await repo.changes('westbrook', 10)).toHaveLength(1);
    expect((await repo.current('westbrook'))!.version).toBe(westbrook.version);
  });

  it('an administrator switches; the change is recorded with who, from, to and when, and the page shows it at once', async () => {
    const next = westbrook.version + 1;
    const r = await switchTo(PEOPLE.deputy, next);
    expect(r.status).toBe(200);
    const page = (await r.json()) as PolicyPage;
    expect(page.current).toMatchObject({ version: next, setBy: 'Chosen by an administrator' });
    expect(page.versions.map((v) => [v.version, v.current])).toEqual([[next, true], [westbrook.version, false]]);
    expect(page.versions[0]!.notes).toEqual(['A revised policy, for the test.']);
    expect(page.changes[0]).toMatchObject({ by: PEOPLE.deputy.name, from: westbrook.version, to: next });
    expect(Date.now() - Date.parse(page.changes[0]!.at)).toBeLessThan(60_000);
    expect(await repo.current('westbrook')).toMatchObject({ version: next, setBy: 'administrator' });
    // Switching back is one more entry; the trail only grows.
    expect((await switchTo(PEOPLE.deputy, westbrook.version)).status).toBe(200);
    const trail = await repo.changes('westbrook', 10);
    expect(trail.map((c) => [c.actorAad, c.from, c.to])).toEqual([[PEOPLE.deputy.aad, next, westbrook.version], [PEOPLE.deputy.aad, westbrook.version, next], [null, null, westbrook.version]]);
  });

  it('refuses a version that is not held, or not a number, with the reason', async () => {
    const r = await switchTo(PEOPLE.deputy, 99);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toBe('No version 99 of the policy is held for this school.');
    expect((await switchTo(PEOPLE.deputy, '2')).status).toBe(400);
    expect(await repo.changes('westbrook', 10)).toHaveLength(3);
  });
});
