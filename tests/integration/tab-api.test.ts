import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { png } from '../support/images.js';
import { productionEnv, startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { APP_ID_URI, CLIENT_ID, JwksStub, OTHER_TENANT, devToken } from '../support/tokens.js';
import { OAKFIELD, pngBytes, seedCase, seedEvidence, writeTwoSchoolSeed } from '../support/tab-seed.js';
import type { CaseRecord, EvidenceRecord } from '../../src/domain/cases/types.js';

const prefix = 't' + randomBytes(3).toString('hex');
const PROD_SECRET = 'production-secret-' + randomBytes(16).toString('hex');
let jwks: JwksStub;
let server: ServerProcess;
let prod: ServerProcess;
let db: ReturnType<typeof direct>;
const cases: Record<'slt' | 'safeguarding' | 'aboutHead' | 'aboutHeadSafeguarding' | 'oakfield' | 'approvedAccount', CaseRecord> = {} as never;
let evidence: EvidenceRecord;

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

beforeAll(async () => {
  jwks = await new JwksStub(TENANT).start();
  const seedFile = writeTwoSchoolSeed(prefix);
  const sso = { AAD_APP_CLIENT_ID: CLIENT_ID, AAD_APP_TENANT_ID: TENANT, AAD_APP_ID_URI: APP_ID_URI, SSO_JWKS_URL: jwks.url, SCHOOLS_SEED_FILE: seedFile };
  const conn = inject('storageConnectionString');
  [server, prod] = await Promise.all([
    startServer({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', ...sso }),
    startServer(productionEnv({ STORAGE_CONNECTION_STRING: conn, TABLE_PREFIX: prefix + 'p', LINK_SIGNING_SECRET: PROD_SECRET, PUBLIC_BASE_URL: 'http://127.0.0.1', ...sso })),
  ]);
  db = direct(conn, prefix);
  const now = Date.now();
  evidence = await seedEvidence(db.storage, pngBytes());
  cases.slt = await seedCase(db.caseRepo, {
    category: 'disparaging',
    routing: { queue: 'slt', severity: 'low' },
    submitterAad: PEOPLE.staff.aad,
    createdAt: new Date(now - 9 * DAY),
    evidence: [evidence],
    answers: { category: 'disparaging', whatHappened: '<img src=x onerror=alert(1)> posted about the school', platform: 'facebook' },
  });
  cases.safeguarding = await seedCase(db.caseRepo, {
    category: 'indecentImagesOfChildren',
    routing: { safeguarding: true, queue: 'dsl', severity: 'high', reasons: ['indecent images'] },
    submitterAad: PEOPLE.teacher2.aad,
    createdAt: new Date(now - 20 * MIN),
  });
  cases.aboutHead = await seedCase(db.caseRepo, {
    category: 'staffMisuse',
    routing: { aboutHead: true, queue: 'chair', severity: 'medium', reasons: ['concerns the headteacher'] },
    submitterAad: PEOPLE.staff.aad,
    createdAt: new Date(now - 2 * MIN),
  });
  cases.aboutHeadSafeguarding = await seedCase(db.caseRepo, {
    category: 'pupilContact',
    routing: { aboutHead: true, safeguarding: true, queue: 'chair', severity: 'medium', reasons: ['contact from a pupil', 'concerns the headteacher'] },
    submitterAad: PEOPLE.teacher2.aad,
    createdAt: new Date(now - 1 * MIN),
  });
  cases.oakfield = await seedCase(db.caseRepo, { schoolId: OAKFIELD.id, prefix: 'OA', category: 'trolling', routing: { severity: 'medium' }, submitterAad: OAKFIELD.slt.aad });
  cases.approvedAccount = await seedCase(db.caseRepo, { kind: 'accountRequest', category: 'instagram', status: 'approved', routing: {}, submitterAad: PEOPLE.staff.aad });
});

afterAll(async () => {
  await Promise.all([server?.kill('SIGTERM'), prod?.kill('SIGTERM')]);
  await jwks?.stop();
});

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
async function as(person: { aad: string }, path: string, init: RequestInit = {}, target = server) {
  const token = await jwks.sso(person.aad);
  return fetch(target.url + path, { ...init, headers: { ...bearer(token), 'content-type': 'application/json', ...(init.headers ?? {}) } });
}
async function listIds(person: { aad: string }, query = ''): Promise<string[]> {
  const r = await as(person, `/api/tab/cases${query}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { items: Array<{ id: string }> }).items.map((c) => c.id);
}
const post = (person: { aad: string }, path: string, body: unknown) => as(person, path, { method: 'POST', body: JSON.stringify(body) });

describe('tab API: single sign-on', () => {
  it('refuses a request without a token, with a malformed one, and with a non-bearer scheme', async () => {
    const none = await fetch(`${server.url}/api/tab/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${server.url}/api/tab/me`, { headers: bearer('not-a-jwt') })).status).toBe(401);
    expect((await fetch(`${server.url}/api/tab/me`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(401);
    expect(none.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts an Entra token of the tenant for our app (v2 issuer with client id, v1 issuer with the app id URI)', async () => {
    const v2 = await fetch(`${server.url}/api/tab/me`, { headers: bearer(await jwks.sso(PEOPLE.head.aad)) });
    expect(v2.status).toBe(200);
    const me = await v2.json();
    expect(me).toMatchObject({ name: PEOPLE.head.name, school: { id: 'westbrook' }, can: { cases: true, settings: false }, signedInVia: 'sso' });
    const v1 = await jwks.sso(PEOPLE.head.aad, { iss: `https://sts.windows.net/${TENANT}/`, aud: APP_ID_URI });
    expect((await fetch(`${server.url}/api/tab/me`, { headers: bearer(v1) })).status).toBe(200);
  });

  it.each([
    ['expired', { expiresIn: -3600 }, 'expired'],
    ['for another audience', { aud: 'api://someone-else' }, 'aud'],
    ['from another tenant (issuer and tid)', { tid: OTHER_TENANT }, 'iss'],
    ['with a tid that does not match its issuer', { tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${TENANT}/v2.0` }, 'tenant'],
    ['from another issuer', { iss: 'https://evil.example/' }, 'iss'],
    ['with a bad signature', { forge: true }, 'signature'],
    ['signed by an unknown key', { kid: 'nope', forge: true }, 'key'],
  ])('refuses a token %s', async (_what, opts, says) => {
    const r = await fetch(`${server.url}/api/tab/me`, { headers: bearer(await jwks.sso(PEOPLE.head.aad, opts)) });
    expect(r.status).toBe(401);
    expect((await r.json()).error).toContain(says);
  });

  it('refuses an HS256 token claiming the Entra issuer (no algorithm confusion)', async () => {
    const { SignJWT } = await import('jose');
    const t = await new SignJWT({ oid: PEOPLE.head.aad, tid: TENANT })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience(CLIENT_ID)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('development-only-link-signing-secret-not-for-production'));
    expect((await fetch(`${server.url}/api/tab/me`, { headers: bearer(t) })).status).toBe(401);
  });

  it('refuses a person who is not in the directory (403) and a member of staff the Cases API (403)', async () => {
    const stranger = await fetch(`${server.url}/api/tab/me`, { headers: bearer(await jwks.sso('00000000-0000-4000-8000-0000000000ee')) });
    expect(stranger.status).toBe(403);
    const me = await (await as(PEOPLE.staff, '/api/tab/me')).json();
    expect(me.can.cases).toBe(false);
    for (const path of ['/api/tab/cases', '/api/tab/cases/stats', `/api/tab/cases/${cases.slt.id}`, `/api/tab/cases/${cases.slt.id}/evidence/${evidence.id}`, '/api/tab/registers/accounts']) {
      expect((await as(PEOPLE.staff, path)).status, path).toBe(403);
    }
    expect((await post(PEOPLE.staff, `/api/tab/cases/${cases.slt.id}/notes`, { text: 'x' })).status).toBe(403);
  });

  it('development sign-in: issues and accepts a local token, loopback only, in development', async () => {
    const users = await (await fetch(`${server.url}/api/tab/dev/users`)).json();
    expect(users.items.map((u: { aadObjectId: string }) => u.aadObjectId)).toContain(PEOPLE.dsl.aad);
    const r = await fetch(`${server.url}/api/tab/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aadObjectId: PEOPLE.dsl.aad }) });
    const { token } = await r.json();
    const me = await (await fetch(`${server.url}/api/tab/me`, { headers: bearer(token) })).json();
    expect(me).toMatchObject({ name: PEOPLE.dsl.name, signedInVia: 'dev' });
    expect((await fetch(`${server.url}/api/tab/me`, { headers: bearer(await devToken(PEOPLE.dsl.aad, 'another-secret-of-at-least-32-characters!')) })).status).toBe(401);
    expect((await fetch(`${server.url}/api/tab/me`, { headers: bearer(await devToken(PEOPLE.dsl.aad, undefined, -60)) })).status).toBe(401);
  });

  it('production: no development sign-in routes, development tokens refused, Entra tokens accepted', async () => {
    expect((await fetch(`${prod.url}/api/tab/dev/users`)).status).toBe(404);
    expect((await fetch(`${prod.url}/api/tab/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"aadObjectId":"x"}' })).status).toBe(404);
    for (const secret of [PROD_SECRET, undefined]) {
      const r = await fetch(`${prod.url}/api/tab/me`, { headers: bearer(await devToken(PEOPLE.head.aad, secret)) });
      expect(r.status).toBe(401);
      expect((await r.json()).error).toBe('development sign-in is not available');
    }
    expect((await as(PEOPLE.head, '/api/tab/me', {}, prod)).status).toBe(200);
    expect((await fetch(`${prod.url}/tab/index.html`)).status).toBe(200);
  });
});

describe('tab API: need-to-know', () => {
  it('shows each role only the cases it may see, most severe first', async () => {
    const ids = (...k: Array<keyof typeof cases>) => k.map((x) => cases[x].id);
    // Headteacher: SLT and safeguarding cases, never one about the headteacher.
    expect(await listIds(PEOPLE.head)).toEqual(ids('safeguarding', 'slt'));
    // DSL (also SLT): safeguarding ones, including the one about the head; the SLT one.
    expect(new Set(await listIds(PEOPLE.dsl))).toEqual(new Set(ids('safeguarding', 'aboutHeadSafeguarding', 'slt')));
    expect(new Set(await listIds(PEOPLE.deputy))).toEqual(new Set(ids('safeguarding', 'aboutHeadSafeguarding', 'slt')));
    // Chair of governors: the cases about the headteacher only.
    expect(new Set(await listIds(PEOPLE.chair))).toEqual(new Set(ids('aboutHead', 'aboutHeadSafeguarding')));
    // Another school's leader sees only their own school's case.
    expect(await listIds(OAKFIELD.slt)).toEqual(ids('oakfield'));
  });

  it('a case the caller may not see, or of another school, is a 404 for reads and actions', async () => {
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.aboutHead.id}`)).status).toBe(404);
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.aboutHeadSafeguarding.id}`)).status).toBe(404);
    expect((await as(PEOPLE.chair, `/api/tab/cases/${cases.slt.id}`)).status).toBe(404);
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.oakfield.id}`)).status).toBe(404);
    expect((await as(OAKFIELD.slt, `/api/tab/cases/${cases.slt.id}`)).status).toBe(404);
    expect((await post(PEOPLE.head, `/api/tab/cases/${cases.aboutHead.id}/notes`, { text: 'x' })).status).toBe(404);
    expect((await post(OAKFIELD.slt, `/api/tab/cases/${cases.slt.id}/status`, { status: 'inProgress' })).status).toBe(404);
    expect((await as(PEOPLE.head, `/api/tab/cases/not-a-case-id`)).status).toBe(404);
    // Asking for a school one is not a member of is refused.
    expect((await as(PEOPLE.head, '/api/tab/cases', { headers: { 'X-School-Id': OAKFIELD.id } })).status).toBe(403);
  });

  it('records a refused attempt to open a case on that case, and nothing for a case that is not there', async () => {
    const refusedBy = async (caseId: string, school = 'westbrook') =>
      (await db.caseRepo.get(school, caseId))!.events.filter((e) => e.actor?.aadObjectId === PEOPLE.head.aad).map((e) => e.type);
    const before = await refusedBy(cases.aboutHead.id);
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.aboutHead.id}`)).status).toBe(404);
    // The chair (who handles concerns about the head) sees that the head tried to open it; never a "viewed".
    expect(await refusedBy(cases.aboutHead.id)).toEqual([...before, 'viewRefused']);
    // A well-formed id of no case in the school (here, another school's case) leaves no row behind.
    const rows = async () => {
      let n = 0;
      for await (const _ of db.storage.table('cases').listEntities({ queryOptions: { filter: `PartitionKey eq 'westbrook' and RowKey ge 'c|${cases.oakfield.id}' and RowKey lt 'c|${cases.oakfield.id}~'` } })) n++;
      return n;
    };
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.oakfield.id}`)).status).toBe(404);
    expect(await rows()).toBe(0);
  });

  it('shows the detail with answers, evidence and chronology, and records the view', async () => {
    const r = await as(PEOPLE.head, `/api/tab/cases/${cases.slt.id}`);
    expect(r.status).toBe(200);
    const d = await r.json();
    expect(d.case).toMatchObject({ reference: cases.slt.reference, categoryLabel: 'Content that disparages the school, staff, pupils or parents', overdue: { untouched: true } });
    expect(d.answers).toContainEqual({ key: 'whatHappened', label: 'What happened', value: '<img src=x onerror=alert(1)> posted about the school' });
    expect(d.answers).toContainEqual({ key: 'platform', label: 'Platform', value: 'Facebook' });
    expect(d.evidence).toEqual([expect.objectContaining({ id: evidence.id, contentType: 'image/png' })]);
    const detail = await db.caseRepo.get('westbrook', cases.slt.id);
    expect(detail!.events.filter((e) => e.type === 'viewed' && e.actor?.aadObjectId === PEOPLE.head.aad).length).toBeGreaterThanOrEqual(1);
  });
});

describe('tab API: list filters and paging', () => {
  it('filters by kind, category, status, severity and assignee', async () => {
    expect(await listIds(PEOPLE.dsl, '?severity=high')).toEqual([cases.safeguarding.id]);
    expect(await listIds(PEOPLE.dsl, '?category=disparaging')).toEqual([cases.slt.id]);
    expect(await listIds(PEOPLE.dsl, '?kind=accountRequest')).toEqual([]);
    expect((await listIds(PEOPLE.dsl, '?kind=incident&status=new')).length).toBeGreaterThanOrEqual(1);
    expect(await listIds(PEOPLE.chair, '?severity=medium&category=staffMisuse')).toEqual([cases.aboutHead.id]);
    expect((await listIds(PEOPLE.head, '?assignee=none')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses unknown and injection-shaped filter values with 400', async () => {
    for (const q of [
      "?severity=high' or '1' eq '1",
      '?kind=incident) or (true',
      "?category=x' or PartitionKey ne '",
      "?status=new' or aboutHead eq true or status eq 'new",
      '?assignee=' + encodeURIComponent("me' or assigneeAad ne '"),
      '?assignee=00000000-0000-4000-8000-0000000000ee',
      '?severity=high&severity=low',
      '?pageSize=1000',
      '?pageSize=abc',
      '?continuationToken=' + encodeURIComponent("a' or 1"),
      '?orderBy=createdAt',
    ]) {
      const r = await as(PEOPLE.head, `/api/tab/cases${q}`);
      expect(r.status, q).toBe(400);
    }
  });

  it('pages with continuation tokens', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r = await as(PEOPLE.dsl, `/api/tab/cases?pageSize=1${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
      const page = (await r.json()) as { items: Array<{ id: string }>; continuationToken: string | null };
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((c) => c.id));
      token = page.continuationToken;
      if (!token) break;
    }
    expect(new Set(seen)).toEqual(new Set(await listIds(PEOPLE.dsl)));
    expect(seen.length).toBe(3);
  });

  it('counts, overdue flags and the 12-month chart', async () => {
    const s = await (await as(PEOPLE.head, '/api/tab/cases/stats')).json();
    expect(s).toMatchObject({ open: 2, bySeverity: { high: 1, low: 1 }, alertsUnacknowledged: 1, untouched: 1 });
    expect(s.chart.months).toHaveLength(12);
    const cats = s.chart.categories.map((c: { category: string }) => c.category);
    expect(cats).toEqual(expect.arrayContaining(['disparaging', 'indecentImagesOfChildren']));
    expect(cats).not.toContain('staffMisuse');
    const list = await (await as(PEOPLE.head, '/api/tab/cases')).json();
    const sg = list.items.find((c: { id: string }) => c.id === cases.safeguarding.id);
    expect(sg.overdue).toEqual({ alertUnacknowledged: true, untouched: false });
  });

  it("the chart keeps each kind's categories apart, each labelled in its kind's words", async () => {
    const s = await (await as(PEOPLE.head, '/api/tab/cases/stats')).json();
    expect(s.chart.kinds).toEqual([
      { kind: 'incident', label: 'Incident report', total: 2 },
      { kind: 'accountRequest', label: 'Account request', total: 1 },
      { kind: 'familyDeclaration', label: 'Family relationship', total: 0 },
      { kind: 'postProposal', label: 'Post for a school account', total: 0 },
    ]);
    const byKey = Object.fromEntries(s.chart.categories.map((c: { kind: string; category: string }) => [`${c.kind}|${c.category}`, c]));
    expect(byKey['accountRequest|instagram']).toMatchObject({ label: 'Instagram', kindLabel: 'Account request', total: 1 });
    expect(byKey['incident|disparaging']).toMatchObject({ label: 'Content that disparages the school, staff, pupils or parents', total: 1 });
    expect(byKey['incident|instagram']).toBeUndefined();
    for (const c of s.chart.categories) {
      expect(c.label).not.toBe(c.category);
      expect(c.counts.reduce((a: number, b: number) => a + b, 0)).toBe(c.total);
    }
  });

  it('registers list decided account requests', async () => {
    const r = await (await as(PEOPLE.head, '/api/tab/registers/accounts')).json();
    expect(r.items.map((c: { id: string }) => c.id)).toEqual([cases.approvedAccount.id]);
    expect((await (await as(PEOPLE.head, '/api/tab/registers/family')).json()).items).toEqual([]);
  });
});

describe('tab API: evidence', () => {
  const url = (caseId: string, ev: string) => `/api/tab/cases/${caseId}/evidence/${ev}`;
  const eventsOf = async (caseId: string, type: string) => (await db.caseRepo.get('westbrook', caseId))!.events.filter((e) => e.type === type);

  const thumbnails = async (p: { aad: string }, caseId: string) => {
    const r = await as(p, `/api/tab/cases/${caseId}/thumbnails`);
    return { status: r.status, cache: r.headers.get('cache-control'), items: r.status === 200 ? ((await r.json()).items as Array<{ id: string; src: string | null }>) : [] };
  };
  const jpegOf = (src: string) => {
    expect(src.startsWith('data:image/jpeg;base64,')).toBe(true);
    return Buffer.from(src.split(',')[1], 'base64');
  };

  it('serves the blurred gallery\'s thumbnails (small JPEGs, all in one answer) without recording a view', async () => {
    const before = (await eventsOf(cases.slt.id, 'evidenceViewed')).length;
    const r = await thumbnails(PEOPLE.head, cases.slt.id);
    expect(r.status).toBe(200);
    expect(r.cache).toContain('no-store');
    expect(r.items.map((t) => t.id)).toEqual([evidence.id]);
    const m = await sharp(jpegOf(r.items[0].src!)).metadata();
    expect([m.format, m.width, m.height]).toEqual(['jpeg', 96, 64]);
    expect((await eventsOf(cases.slt.id, 'evidenceViewed')).length).toBe(before);
    // made on first request and kept beside the original
    expect(await db.storage.evidence.getBlockBlobClient(`${evidence.blobName}.thumb.jpg`).exists()).toBe(true);
  });

  it('serves the display copy as one recorded view of that picture by that person', async () => {
    const before = (await eventsOf(cases.slt.id, 'evidenceViewed')).length;
    const r = await as(PEOPLE.head, `${url(cases.slt.id, evidence.id)}/display`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/jpeg');
    expect(r.headers.get('content-disposition')).toBe(`inline; filename="evidence-${evidence.id}-display.jpg"`);
    expect((await sharp(Buffer.from(await r.arrayBuffer())).metadata()).format).toBe('jpeg');
    const views = await eventsOf(cases.slt.id, 'evidenceViewed');
    expect(views.length).toBe(before + 1);
    expect(views.at(-1)).toMatchObject({ actor: { aadObjectId: PEOPLE.head.aad }, detail: 'Evidence 1', data: { evidenceId: evidence.id } });
  });

  it('shows an iPhone HEIC as a JPEG every client can display, without its EXIF', async () => {
    const heic = await seedEvidence(db.storage, readFileSync('tests/fixtures/images/phone-photo.heic'), 'image/heic');
    const c = await seedCase(db.caseRepo, { category: 'trolling', routing: { queue: 'slt', severity: 'low' }, submitterAad: PEOPLE.staff.aad, evidence: [heic] });
    const r = await as(PEOPLE.dsl, `${url(c.id, heic.id)}/display`);
    expect(r.status).toBe(200);
    const bytes = Buffer.from(await r.arrayBuffer());
    const m = await sharp(bytes).metadata();
    expect([m.format, m.width, m.height, m.exif]).toEqual(['jpeg', 64, 48, undefined]);
    expect(bytes.includes('TestPhone')).toBe(false);
  });

  it('downloads the original for the DSL and the head only, recorded with its SHA-256', async () => {
    const r = await as(PEOPLE.head, url(cases.slt.id, evidence.id));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="evidence-${evidence.id}.png"`);
    expect(r.headers.get('x-evidence-sha256')).toBe(evidence.sha256);
    expect(Buffer.from(await r.arrayBuffer()).equals(pngBytes())).toBe(true);
    const downloads = await eventsOf(cases.slt.id, 'evidenceDownloaded');
    expect(downloads.at(-1)).toMatchObject({ actor: { aadObjectId: PEOPLE.head.aad }, detail: `Evidence 1, SHA-256 ${evidence.sha256}`, data: { evidenceId: evidence.id, sha256: evidence.sha256 } });
    expect((await as(PEOPLE.dsl, url(cases.slt.id, evidence.id))).status).toBe(200);

    // The chair may see a case about the head, and its pictures, but not download originals.
    const ev = await seedEvidence(db.storage, pngBytes());
    const c = await seedCase(db.caseRepo, { category: 'staffMisuse', routing: { aboutHead: true, queue: 'chair', severity: 'medium' }, submitterAad: PEOPLE.staff.aad, evidence: [ev] });
    expect((await as(PEOPLE.chair, `${url(c.id, ev.id)}/display`)).status).toBe(200);
    const refused = await as(PEOPLE.chair, url(c.id, ev.id));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/designated safeguarding lead and the headteacher/);
    expect(await eventsOf(c.id, 'evidenceDownloaded')).toEqual([]);
    const detail = await (await as(PEOPLE.chair, `/api/tab/cases/${c.id}`)).json();
    expect(detail.can.downloadEvidence).toBe(false);
    expect(detail.evidence[0].sha256).toBe(ev.sha256);
    expect((await (await as(PEOPLE.head, `/api/tab/cases/${cases.slt.id}`)).json()).can.downloadEvidence).toBe(true);
  });

  it('says there is no preview of bytes that are not a picture, and records nothing; the original can still be downloaded', async () => {
    const fake = { ...(await seedEvidence(db.storage, png(4096))), receivedAt: new Date(Date.now() + 1000).toISOString() };
    const real = await seedEvidence(db.storage, pngBytes());
    const c = await seedCase(db.caseRepo, { category: 'trolling', routing: { queue: 'slt', severity: 'low' }, submitterAad: PEOPLE.staff.aad, evidence: [fake, real] });
    const t = await thumbnails(PEOPLE.head, c.id);
    expect(t.items.map((x) => [x.id, x.src === null])).toEqual([[real.id, false], [fake.id, true]]);
    const r = await as(PEOPLE.head, `${url(c.id, fake.id)}/display`);
    expect(r.status).toBe(404);
    expect((await r.json()).error).toBe('No preview of this file.');
    expect(await eventsOf(c.id, 'evidenceViewed')).toEqual([]);
    expect((await as(PEOPLE.head, url(c.id, fake.id))).status).toBe(200);
  });

  it('refuses path traversal and unknown evidence, and evidence of a case the caller may not see', async () => {
    expect((await thumbnails(PEOPLE.chair, cases.slt.id)).status).toBe(404);
    expect((await thumbnails(OAKFIELD.slt, cases.slt.id)).status).toBe(404);
    for (const tail of ['', '/display']) {
      for (const ev of ['..%2F..%2Fpackage.json', '%2e%2e', '..', 'a.b', evidence.id + '%00', '%2Fetc%2Fpasswd']) {
        const r = await as(PEOPLE.head, url(cases.slt.id, ev) + tail);
        expect(r.status, ev + tail).toBeGreaterThanOrEqual(400);
        expect(r.status, ev + tail).toBeLessThan(500);
      }
      expect((await as(PEOPLE.head, url(cases.slt.id, 'abcdef0123456789') + tail)).status).toBe(404);
      expect((await as(PEOPLE.chair, url(cases.slt.id, evidence.id) + tail)).status).toBe(404);
      expect((await as(OAKFIELD.slt, url(cases.slt.id, evidence.id) + tail)).status).toBe(404);
    }
    expect((await as(PEOPLE.head, `/api/tab/cases/${cases.slt.id}/evidence/../../../package.json`)).status).toBeLessThan(500);
  });
});

describe('tab API: actions', () => {
  it('assigns, notes, moves through in progress to closed with an outcome; each is in the chronology', async () => {
    const id = cases.slt.id;
    expect((await post(PEOPLE.head, `/api/tab/cases/${id}/assign`, { assigneeAad: PEOPLE.chair.aad })).status).toBe(400); // the chair may not see it
    expect((await post(PEOPLE.head, `/api/tab/cases/${id}/assign`, { assigneeAad: 'nobody' })).status).toBe(400);
    const assignees = (await (await as(PEOPLE.head, `/api/tab/cases/${id}/assignees`)).json()).items.map((p: { aadObjectId: string }) => p.aadObjectId);
    expect(assignees).toContain(PEOPLE.deputy.aad);
    expect(assignees).not.toContain(PEOPLE.chair.aad);
    expect(assignees).not.toContain(PEOPLE.staff.aad);
    const a = await post(PEOPLE.head, `/api/tab/cases/${id}/assign`, { assigneeAad: PEOPLE.deputy.aad });
    expect(a.status).toBe(200);
    expect((await a.json()).case.assignee.name).toBe(PEOPLE.deputy.name);
    expect(await listIds(PEOPLE.deputy, '?assignee=me')).toEqual([id]);
    expect(await listIds(PEOPLE.head, `?assignee=${PEOPLE.deputy.aad}`)).toEqual([id]);

    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/notes`, { text: '   ' })).status).toBe(400);
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/notes`, { text: 'x'.repeat(4001) })).status).toBe(400);
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/notes`, { text: 'Spoke to the parent <b>today</b>' })).status).toBe(200);
    expect((await as(PEOPLE.deputy, `/api/tab/cases/${id}/notes`, { method: 'POST', body: '[1,2]' })).status).toBe(400);

    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/status`, { status: 'closed' })).status).toBe(400); // needs an outcome
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/status`, { status: 'approved' })).status).toBe(400);
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/status`, { status: 'sideways' })).status).toBe(400);
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/status`, { status: 'inProgress' })).status).toBe(200);
    const closed = await post(PEOPLE.deputy, `/api/tab/cases/${id}/status`, { status: 'closed', outcome: 'Post removed after a call to the parent.' });
    expect(closed.status).toBe(200);
    expect((await closed.json()).case).toMatchObject({ status: 'closed', outcome: 'Post removed after a call to the parent.' });
    expect(await listIds(PEOPLE.head)).not.toContain(id);

    const d = await db.caseRepo.get('westbrook', id);
    const types = d!.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['created', 'viewed', 'evidenceViewed', 'assigned', 'noted', 'statusChanged']));
    expect(d!.events.find((e) => e.type === 'noted')!.detail).toBe('Spoke to the parent <b>today</b>');
  });

  it('acknowledges a safeguarding alert (DSL only, once)', async () => {
    const id = cases.safeguarding.id;
    expect((await post(PEOPLE.head, `/api/tab/cases/${id}/acknowledge`, {})).status).toBe(403);
    const r = await post(PEOPLE.dsl, `/api/tab/cases/${id}/acknowledge`, {});
    expect(r.status).toBe(200);
    const d = await r.json();
    expect(d.case.acknowledged.by).toBe(PEOPLE.dsl.name);
    expect(d.case.overdue.alertUnacknowledged).toBe(false);
    expect(d.can.acknowledge).toBe(false);
    expect((await post(PEOPLE.deputy, `/api/tab/cases/${id}/acknowledge`, {})).status).toBe(200);
    const again = await db.caseRepo.get('westbrook', id);
    expect(again!.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
    expect((await post(PEOPLE.dsl, `/api/tab/cases/${cases.slt.id}/acknowledge`, {})).status).toBe(404); // not a safeguarding case
  });
});

describe('tab API: settings', () => {
  it('lets an administrator assign roles, which take effect at once; others get 403', async () => {
    expect((await as(PEOPLE.dsl, '/api/tab/settings/members')).status).toBe(403);
    const list = await (await as(PEOPLE.deputy, '/api/tab/settings/members')).json();
    expect(list.items.map((m: { aadObjectId: string }) => m.aadObjectId)).toContain(PEOPLE.teacher2.aad);
    expect((await as(PEOPLE.teacher2, '/api/tab/cases')).status).toBe(403);

    const put = (aad: string, roles: unknown) => as(PEOPLE.deputy, `/api/tab/settings/members/${aad}`, { method: 'PUT', body: JSON.stringify({ roles }) });
    expect((await put(PEOPLE.teacher2.aad, ['staff', 'overlord'])).status).toBe(400);
    expect((await put(PEOPLE.deputy.aad, ['staff', 'slt'])).status).toBe(400); // cannot remove own admin role
    expect((await put('00000000-0000-4000-8000-0000000000ee', ['staff'])).status).toBe(404);
    const r = await put(PEOPLE.teacher2.aad, ['slt', 'staff']);
    expect(r.status).toBe(200);
    expect((await r.json()).roles).toEqual(['staff', 'slt']);
    expect((await as(PEOPLE.teacher2, '/api/tab/cases')).status).toBe(200);
    expect((await db.directoryRepo.getMember('westbrook', PEOPLE.teacher2.aad))!.roles).toEqual(['staff', 'slt']);
    expect((await put(PEOPLE.teacher2.aad, ['staff'])).status).toBe(200);
    expect((await as(PEOPLE.teacher2, '/api/tab/cases')).status).toBe(403);

    const added = await as(PEOPLE.deputy, '/api/tab/settings/members', { method: 'POST', body: JSON.stringify({ aadObjectId: '00000000-0000-4000-8000-0000000000aa', name: 'New Governor', roles: ['chair'] }) });
    expect(added.status).toBe(201);
    expect((await as({ aad: '00000000-0000-4000-8000-0000000000aa' }, '/api/tab/me')).status).toBe(200);
  });

  it('tells administrators which roles nobody holds, and what that breaks', async () => {
    const gaps = async () => (await (await as(PEOPLE.deputy, '/api/tab/settings/members')).json()).gaps as string[];
    expect(await gaps()).toEqual([]);
    // Without its chair (the one seeded, and the one added above), the school's concerns about the head reach nobody.
    const put = (aad: string, roles: string[]) => as(PEOPLE.deputy, `/api/tab/settings/members/${aad}`, { method: 'PUT', body: JSON.stringify({ roles }) });
    const chairs = ((await (await as(PEOPLE.deputy, '/api/tab/settings/members')).json()).items as Array<{ aadObjectId: string; roles: string[] }>).filter((m) => m.roles.includes('chair'));
    expect(chairs.length).toBeGreaterThan(0);
    for (const c of chairs) expect((await put(c.aadObjectId, c.roles.filter((r) => r !== 'chair'))).status).toBe(200);
    try {
      const now = await gaps();
      expect(now).toHaveLength(1);
      expect(now[0]).toMatch(/^Nobody is the chair of governors: concerns about the headteacher/);
    } finally {
      for (const c of chairs) await put(c.aadObjectId, c.roles);
    }
    expect(await gaps()).toEqual([]);
  });
});

describe('tab pages', () => {
  it('serve the tab with a strict CSP that lets only Microsoft 365 hosts frame it', async () => {
    const r = await fetch(`${server.url}/tab/index.html`);
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/);
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/\*\.cloud\.microsoft/);
    expect(csp).not.toMatch(/frame-ancestors [^;]*\*(?!\.)/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    expect(html).toContain('src="app.js"');
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    const js = await fetch(`${server.url}/tab/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.url}/tab/config.html`)).status).toBe(200);
    expect((await fetch(`${server.url}/tab/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/tab/server.js`)).status).toBe(404);
  });

  it('never writes case content or names to the logs', async () => {
    const out = server.output();
    for (const secret of ['posted about the school', 'Spoke to the parent', 'Post removed', PEOPLE.deputy.name, PEOPLE.head.name]) expect(out).not.toContain(secret);
  });
});
