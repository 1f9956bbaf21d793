import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PEOPLE, conversationOf, makeInstall, type Person } from '../support/activities.js';
import { BotHarness, SCHOOL } from '../support/bot-harness.js';
import { PolicyRepository } from '../../src/storage/policy-repository.js';
import { RolloutRepository } from '../../src/storage/rollout-repository.js';
import type { PolicyProfile } from '../../src/domain/policy/profile.js';
import type { AckRegister } from '../../src/tab-api/dto.js';
import { expectValidCard } from '../support/adaptive-card.js';

/**
 * The policy rollout end to end: an administrator publishes a version in the tab, every member of staff with a
 * chat gets one card through the outbox (past injected 429s and a 503), those without one are listed, an
 * acknowledgement on the card lands in the register, and a new member of staff gets the policy too.
 */
const prefix = 'ro' + randomBytes(3).toString('hex');
let h: BotHarness;
let policiesDir: string;

/** The profiles, with the school open all day every day, so the test does not depend on the time it runs. */
function openAllHoursPolicies(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollout-policies-'));
  cpSync('config/policies', dir, { recursive: true });
  const file = path.join(dir, `${SCHOOL}.json`);
  const p = JSON.parse(readFileSync(file, 'utf8')) as PolicyProfile;
  p.rollout!.hours = { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
  writeFileSync(file, JSON.stringify(p));
  return dir;
}

async function tokenOf(p: Person): Promise<string> {
  const t = await h.server.post('/api/tab/dev/token', { aadObjectId: p.aad });
  expect(t.status).toBe(200);
  return ((await t.json()) as { token: string }).token;
}
async function tab(p: Person, method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(h.server.url + route, {
    method,
    headers: { Authorization: `Bearer ${await tokenOf(p)}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}
const register = async (p: Person = PEOPLE.head): Promise<AckRegister> => {
  const r = await tab(p, 'GET', '/api/tab/policy/acknowledgements');
  expect(r.status).toBe(200);
  return (await r.json()) as AckRegister;
};
async function registerWhen(pred: (r: AckRegister) => boolean, what: string, ms = 20_000): Promise<AckRegister> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await register();
    if (pred(r)) return r;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r.counts)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}
const policyCards = (p: Person) => h.cardsTo(p).filter((c) => JSON.stringify(c).includes('policyAcknowledge'));

const ADMIN = PEOPLE.deputy; // the seeded administrator
const INSTALLED = [PEOPLE.staff, PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy];
/** The version the administrator publishes: the one after the profile file's. */
let NEXT = 0;
const NEWCOMER = { aad: '00000000-0000-4000-8000-0000000000a7', name: 'Nia Okafor' };

beforeAll(async () => {
  policiesDir = openAllHoursPolicies();
  h = await BotHarness.start({ prefix, install: INSTALLED, env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', POLICIES_DIR: policiesDir } });
  // The next version of the school's profile, held but not current: the administrator publishes it.
  const v1 = JSON.parse(readFileSync(path.join(policiesDir, `${SCHOOL}.json`), 'utf8')) as PolicyProfile;
  NEXT = v1.version + 1;
  const v2: PolicyProfile = { ...v1, version: NEXT, versionNotes: ['Test version'], rollout: { ...v1.rollout!, whatChanged: ['A test change staff are told about.'] } };
  expect(await new PolicyRepository(h.db.storage.table('policies')).addVersion(v2, new Date().toISOString())).toBe(true);
});
afterAll(async () => {
  await h?.stop();
});

describe('publishing a version sends it to every member of staff', () => {
  it('cards reach everyone the app can reach, past 429s with Retry-After and a 503; the others are listed, none lost', async () => {
    h.connector.failNext({ status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '1' } }, { status: 503 });
    const res = await tab(ADMIN, 'POST', '/api/tab/settings/policy/current', { version: NEXT });
    expect(res.status).toBe(200);
    const reg = await registerWhen((r) => r.version === NEXT && r.counts.queued === 0 && r.counts.notSent === 0, 'every card settled');
    expect(reg.counts).toMatchObject({ total: 6, awaiting: 4, unreachable: 2, acknowledged: 0, failed: 0 });
    expect(reg.rows.filter((r) => r.status === 'unreachable').map((r) => r.name).sort()).toEqual([PEOPLE.chair.name, PEOPLE.teacher2.name].sort());
    expect(reg.rows.find((r) => r.status === 'unreachable')!.problem).toMatch(/not installed/);
    for (const p of INSTALLED) {
      const cards = policyCards(p);
      expect(cards, p.name).toHaveLength(1);
      expectValidCard(cards[0]);
      const text = JSON.stringify(cards[0]);
      expect(text).toContain('A test change staff are told about.');
      expect(text).toContain('I have read and understood it');
    }
    // The throttled sends were retried, not dropped.
    const rows = await new RolloutRepository(h.db.storage.table('cases')).messages(SCHOOL, NEXT);
    expect(rows).toHaveLength(6);
    expect(rows.filter((o) => o.attempts > 1).length).toBeGreaterThanOrEqual(2);
    expect(rows.every((o) => o.state === 'delivered' || o.state === 'unreachable')).toBe(true);
  });

  it('"I have read and understood it" records the acknowledgement and answers with the card saying so', async () => {
    const res = await h.invoke(PEOPLE.staff, 'policyAcknowledge', { schoolId: SCHOOL, version: NEXT });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; value: unknown };
    expect(body.statusCode).toBe(200);
    expect(JSON.stringify(body.value)).toMatch(/You confirmed you have read and understood it/);
    // Twice keeps the first time.
    const first = (await register()).rows.find((r) => r.aadObjectId === PEOPLE.staff.aad)!;
    expect(first).toMatchObject({ status: 'acknowledged' });
    await h.invoke(PEOPLE.staff, 'policyAcknowledge', { schoolId: SCHOOL, version: NEXT });
    const again = await register();
    expect(again.rows.find((r) => r.aadObjectId === PEOPLE.staff.aad)!.acknowledgedAt).toBe(first.acknowledgedAt);
    expect(again.counts).toMatchObject({ acknowledged: 1, awaiting: 3, unreachable: 2 });
  });

  it('a damaged card is answered with an error card, not a crash', async () => {
    const res = await h.invoke(PEOPLE.dsl, 'policyAcknowledge', { schoolId: SCHOOL, version: 'two' });
    const body = (await res.json()) as { statusCode: number; type: string };
    expect(body.statusCode).toBe(400);
    expect(body.type).toBe('application/vnd.microsoft.error');
  });

  it('the register is for administrators and the head: others are refused on the server', async () => {
    for (const p of [PEOPLE.staff, PEOPLE.dsl, PEOPLE.chair]) {
      expect((await tab(p, 'GET', '/api/tab/policy/acknowledgements')).status, p.name).toBe(403);
      expect((await tab(p, 'GET', '/api/tab/policy/acknowledgements.csv')).status, p.name).toBe(403);
    }
    expect((await tab(PEOPLE.head, 'POST', '/api/tab/policy/rollout', {})).status).toBe(403);
    expect((await tab(PEOPLE.head, 'GET', '/api/tab/policy/acknowledgements?version=abc')).status).toBe(400);
  });

  it('exports the register as CSV, one line a person', async () => {
    const res = await tab(PEOPLE.head, 'GET', '/api/tab/policy/acknowledgements.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^Name,Status,/);
    expect(lines.find((l) => l.startsWith(PEOPLE.staff.name))).toMatch(/,Acknowledged,/);
  });

  it('on demand, the card goes to those it could not reach before (once they have the app), and to nobody twice', async () => {
    await h.server.post('/api/messages', makeInstall(PEOPLE.teacher2, h.connector.url));
    const res = await tab(ADMIN, 'POST', '/api/tab/policy/rollout', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: NEXT, queued: 0, resent: 2, alreadyHad: 4 });
    const reg = await registerWhen((r) => r.counts.queued === 0, 'the resent cards settled');
    expect(reg.counts).toMatchObject({ acknowledged: 1, awaiting: 4, unreachable: 1 });
    expect(policyCards(PEOPLE.teacher2)).toHaveLength(1);
    for (const p of INSTALLED) expect(policyCards(p), p.name).toHaveLength(1);
  });

  it('someone who joins the directory gets the current version, and the register shows them as a new starter', async () => {
    const res = await tab(ADMIN, 'POST', '/api/tab/settings/members', { aadObjectId: NEWCOMER.aad, name: NEWCOMER.name, roles: ['staff'] });
    expect(res.status).toBe(201);
    // They install the app within the few seconds the card waits for that.
    await h.server.post('/api/messages', makeInstall(NEWCOMER, h.connector.url));
    const reg = await registerWhen((r) => r.rows.some((x) => x.aadObjectId === NEWCOMER.aad && x.status === 'awaiting'), 'the new starter card', 30_000);
    expect(reg.rows.find((x) => x.aadObjectId === NEWCOMER.aad)).toMatchObject({ newStarter: true, checklistConfirmed: null });
    const cards = h.connector.messagesTo(conversationOf(NEWCOMER)).flatMap((r) => (r.body?.attachments ?? []).map((a: any) => a.content));
    expect(cards.filter((c) => JSON.stringify(c).includes('policyAcknowledge'))).toHaveLength(1);
  });
});
