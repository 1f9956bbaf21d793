import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ConnectorStub } from '../support/connector-stub.js';
import type { ServerProcess } from '../support/server-process.js';
import { BotHarness } from '../support/bot-harness.js';
import { PEOPLE, makeActivity, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { seedCase } from '../support/tab-seed.js';

const prefix = 'r' + randomBytes(3).toString('hex');
const SCHOOL = 'westbrook';
const ACCOUNT = 'Westbrook Eco Club';
let h: BotHarness;
let connector: ConnectorStub;
let server: ServerProcess;
let db: BotHarness['db'];

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const bodies = (p: Person) => h.bodies(p);
const cardsTo = (p: Person) => h.cardsTo(p);
const approvalCardsFor = (p: Person, reference: string) => cardsTo(p).filter((c: any) => JSON.stringify(c).includes('"verb":"accountApprove"') && JSON.stringify(c).includes(reference));

const turn = (p: Person, activity: unknown) => h.turn(p, activity);

const FORM = {
  about: { platform: 'instagram', accountName: ACCOUNT, aim: 'Show families the eco club projects', content: 'Photos of projects, no faces', audience: 'families,staff', contributors: 'staff', openness: 'closed', promotion: 'Newsletter and website' },
  people: { administrators: `${PEOPLE.staff.aad},${PEOPLE.teacher2.aad}`, moderators: `${PEOPLE.deputy.aad},${PEOPLE.dsl.aad}`, vetting: 'Rachel Moore', host: 'thirdParty', hostName: 'Meta', lineManager: PEOPLE.deputy.aad, security: 'Private account; followers approved by an administrator' },
  dates: { goLive: day(30), reviewDate: day(400), exitStrategy: 'Archive and close unless renewed', successMeasures: 'Families follow and comment' },
};
type Page = keyof typeof FORM;
const page = (p: Page, over: Record<string, string> = {}) => ({ verb: 'requestAccount', step: p, action: 'next', ...FORM[p], ...over });

/** The whole flow over HTTP: "request account", the three cards, Confirm. Returns the reference the bot gave. */
async function request(p: Person, over: Partial<Record<Page, Record<string, string>>> = {}, start: unknown = makeMessage(p, connector.url, 'request account')): Promise<string> {
  expect(await turn(p, start)).toContain('"id":"platform"');
  expect(await turn(p, makeSubmit(p, connector.url, page('about', over.about)))).toContain('"id":"administrators"');
  expect(await turn(p, makeSubmit(p, connector.url, page('people', over.people)))).toContain('"id":"goLive"');
  expect(await turn(p, makeSubmit(p, connector.url, page('dates', over.dates)))).toContain('Check your request');
  const sent = await turn(p, makeSubmit(p, connector.url, { verb: 'requestAccount', step: 'summary', action: 'confirm' }));
  const m = /Your reference is (SM-\d{4}-\d{4})/.exec(sent);
  expect(m, sent).not.toBeNull();
  return m![1];
}

const caseIdOf = (reference: string) => h.caseIdOf(reference);
const settled = (caseId: string) => h.settled(caseId);
const invoke = (p: Person, verb: string, data: Record<string, unknown>) => h.invoke(p, verb, data);
async function decide(p: Person, verb: 'accountApprove' | 'accountReject' | 'accountChanges', data: Record<string, unknown>) {
  const res = await invoke(p, verb, { schoolId: SCHOOL, ...data });
  return { status: res.status, body: await res.json() };
}
async function mySubmissions(p: Person) {
  return turn(p, makeMessage(p, connector.url, 'my submissions'));
}

const tokens = new Map<string, string>();
async function tab(p: Person, path: string, init: RequestInit = {}) {
  if (!tokens.has(p.aad)) {
    const r = await fetch(`${server.url}/api/tab/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aadObjectId: p.aad }) });
    tokens.set(p.aad, (await r.json()).token);
  }
  return fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${tokens.get(p.aad)}`, 'content-type': 'application/json' } });
}

beforeAll(async () => {
  h = await BotHarness.start({ prefix, install: Object.values(PEOPLE), env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' } });
  ({ connector, server, db } = h);
});
afterAll(() => h?.stop());

describe('request a school account: the form, the approval chain and the register', () => {
  let reference = '';
  let caseId = '';

  it('validation over HTTP: the reason is shown under the field and the values are kept', async () => {
    const p = PEOPLE.teacher2;
    await turn(p, makeMessage(p, connector.url, 'request account'));
    const out = await turn(p, makeSubmit(p, connector.url, page('about', { audience: 'pupils,families', pupilAgeFrom: '9', pupilAgeTo: '11' })));
    expect(out).toContain('Instagram is for people aged 13 and over');
    expect(out).toContain(`"value":"${ACCOUNT}"`);
    expect(await turn(p, makeMessage(p, connector.url, 'cancel'))).toContain('Nothing was saved');
  });

  it('the people picker answers application/search over the school staff (members of the school only)', async () => {
    const search = (p: Person, queryText: string, dataset = `staff.${SCHOOL}`) =>
      server.post('/api/messages', makeActivity(p, connector.url, { type: 'invoke', name: 'application/search', value: { kind: 'search', queryText, dataset, queryOptions: { skip: 0, top: 10 } } }));
    const res = await search(PEOPLE.staff, 'pri');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.type).toBe('application/vnd.microsoft.search.searchResponse');
    expect(body.value.results).toEqual([{ title: 'Priya Shah (Computing lead)', value: PEOPLE.teacher2.aad }]);
    const all = (await (await search(PEOPLE.staff, 'e')).json()).value.results.map((r: { value: string }) => r.value);
    expect(all).not.toContain(PEOPLE.chair.aad); // governors are not staff
    expect((await search({ aad: '00000000-0000-4000-8000-0000000000ff', name: 'Stranger' }, 'e')).status).toBe(400);
    expect((await search(PEOPLE.staff, 'e', 'parents.westbrook')).status).toBe(400);
  });

  // Westbrook's policy: the Headteacher approves (the three-step chain was Wootton's form, once imposed on every school).
  it('requests; the Headteacher gets an approval card with every answer and Westbrook\'s clause; my submissions shows the stage', async () => {
    reference = await request(PEOPLE.staff);
    caseId = await caseIdOf(reference);
    await connector.waitUntil(() => approvalCardsFor(PEOPLE.head, reference).length === 1, 10_000, "the Headteacher's card");
    const card = approvalCardsFor(PEOPLE.head, reference)[0];
    const json = JSON.stringify(card);
    for (const text of [ACCOUNT, 'Show families the eco club projects', 'Sam Taylor, Priya Shah', 'Rachel Moore, Dev Patel', 'Third party: Meta', 'Instagram (minimum age 13)', 'yours is the final approval', 'Westbrook policy, “Educational or Extra Curricular Use of Social Media”']) expect(json).toContain(text);
    expect(json).not.toMatch(/Appendix|A\.5\.4|brand and logo/);
    expect(card.actions.filter((a: any) => a.type === 'Action.Execute').map((a: any) => a.verb)).toEqual(['accountApprove', 'accountChanges', 'accountReject']);
    expect(card.actions[0].data).toEqual({ caseId, schoolId: SCHOOL, round: 1, step: 0 });
    expect(card.refresh.userIds).toEqual([`29:${PEOPLE.head.aad}`]);
    const d = await settled(caseId);
    expect(d.case).toMatchObject({ kind: 'accountRequest', category: 'instagram', status: 'awaitingApproval' });
    expect(d.outbox.map((o) => [o.kind, o.recipient.name]).sort()).toEqual([['approvalRequest', 'Helen Carter'], ['receipt', 'Sam Taylor']]);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy]) expect(approvalCardsFor(p, reference)).toHaveLength(0);
    expect(await mySubmissions(PEOPLE.staff)).toContain('Awaiting headteacher (Helen Carter)');
  });

  it('only the current approver may decide; others get an Adaptive Card error and nothing changes', async () => {
    const before = (await db.caseRepo.get(SCHOOL, caseId))!;
    for (const [p, step] of [[PEOPLE.dsl, 0], [PEOPLE.deputy, 0], [PEOPLE.staff, 0], [PEOPLE.dsl, 1], [PEOPLE.head, 1]] as const) {
      const r = await decide(p, 'accountApprove', { caseId, round: 1, step });
      expect(r.status).toBe(400);
      expect(r.body.type).toBe('application/vnd.microsoft.error');
    }
    expect((await decide(PEOPLE.deputy, 'accountApprove', { caseId, round: 1, step: 0 })).body.value.message).toContain('Only the approver of the current stage');
    for (const data of [{ caseId, round: 'x', step: 0 }, { caseId: '../x', round: 1, step: 0 }, { caseId, round: 1, step: 0, schoolId: 'other' }]) {
      expect((await decide(PEOPLE.head, 'accountApprove', data)).status).toBe(400);
    }
    expect((await decide(PEOPLE.head, 'accountReject', { caseId, round: 1, step: 0, reason: ' ' })).body.value.message).toContain('reason');
    expect((await db.caseRepo.get(SCHOOL, caseId))!.etag).toBe(before.etag);
  });

  it('the Headteacher approves; the card refreshes; the requester is told', async () => {
    const head = await decide(PEOPLE.head, 'accountApprove', { caseId, round: 1, step: 0 });
    expect(head.status).toBe(200);
    expect(head.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(head.body.value)).toContain('Approved by Helen Carter');
    expect(JSON.stringify(head.body.value)).toContain('Now: Approved.');
    expect(head.body.value.actions.some((a: any) => a.type === 'Action.Execute')).toBe(false);
    // Twice is harmless.
    expect((await decide(PEOPLE.head, 'accountApprove', { caseId, round: 1, step: 0 })).status).toBe(200);
    await connector.waitUntil(() => bodies(PEOPLE.staff).some((b) => b.includes(`Request ${reference} approved`)), 10_000, 'approved notice');
    const d = await settled(caseId);
    expect(d.case.status).toBe('approved');
    expect(d.events.filter((e) => e.type === 'decided').map((e) => [e.actor?.name, e.data?.role, e.data?.decision])).toEqual([['Helen Carter', 'head', 'approved']]);
    expect(d.outbox.filter((o) => o.kind === 'decisionNotice').map((o) => o.recipient.name)).toEqual(['Sam Taylor']);
    expect(await mySubmissions(PEOPLE.staff)).toContain('Approved');
  });

  it('the register lists it with its columns; SLT transfer the lead and record the closure; the server checks who asks', async () => {
    const overdue = await seedCase(db.caseRepo, {
      kind: 'accountRequest', category: 'facebook', status: 'approved', routing: {}, submitterAad: PEOPLE.teacher2.aad,
      answers: { platform: 'facebook', accountName: 'Old PTA page', aim: 'PTA news', administrators: [], moderators: [], goLive: '2024-01-01', reviewDate: '2025-01-01' },
    });
    const list = await (await tab(PEOPLE.head, '/api/tab/registers/accounts')).json();
    const row = list.items.find((r: any) => r.id === caseId);
    expect(row).toMatchObject({
      reference, platform: 'Instagram', accountName: ACCOUNT, aim: 'Show families the eco club projects', administrators: ['Sam Taylor', 'Priya Shah'],
      moderators: ['Rachel Moore', 'Dev Patel'], goLive: FORM.dates.goLive, reviewDate: FORM.dates.reviewDate, reviewOverdue: false, lead: { name: 'Sam Taylor' }, state: 'active',
    });
    expect(list.items.find((r: any) => r.id === overdue.id)).toMatchObject({ reviewOverdue: true, accountName: 'Old PTA page' });
    expect(list.items[0].id).toBe(overdue.id); // overdue reviews first
    expect(list.staff.map((p: any) => p.name)).toContain('Priya Shah');

    expect((await tab(PEOPLE.staff, '/api/tab/registers/accounts')).status).toBe(403);
    expect((await (await tab(PEOPLE.chair, '/api/tab/registers/accounts')).json()).items).toEqual([]);
    const transfer = (p: Person, body: unknown) => tab(p, `/api/tab/registers/accounts/${caseId}/transfer`, { method: 'POST', body: JSON.stringify(body) });
    expect((await transfer(PEOPLE.chair, { leadAad: PEOPLE.teacher2.aad })).status).toBe(403);
    expect((await transfer(PEOPLE.head, { leadAad: PEOPLE.chair.aad })).status).toBe(400);
    expect((await transfer(PEOPLE.head, { leadAad: 'nobody' })).status).toBe(400);
    const moved = await transfer(PEOPLE.head, { leadAad: PEOPLE.teacher2.aad, reason: 'Sam is leaving in July' });
    expect(moved.status).toBe(200);
    expect((await moved.json()).items.find((r: any) => r.id === caseId)).toMatchObject({ lead: { name: 'Priya Shah' }, transfers: [{ from: { name: 'Sam Taylor' }, to: { name: 'Priya Shah' }, reason: 'Sam is leaving in July' }] });

    const close = (body: unknown) => tab(PEOPLE.deputy, `/api/tab/registers/accounts/${caseId}/close`, { method: 'POST', body: JSON.stringify(body) });
    expect((await close({})).status).toBe(400);
    const closed = await close({ reason: 'Eco club ended' });
    expect(closed.status).toBe(200);
    expect((await closed.json()).items.find((r: any) => r.id === caseId)).toMatchObject({ state: 'closed', closedBy: 'Rachel Moore', closureReason: 'Eco club ended', reviewOverdue: false });
    expect((await close({ reason: 'again' })).status).toBe(400);
    const events = (await db.caseRepo.get(SCHOOL, caseId))!.events;
    expect(events.filter((e) => e.type === 'leadTransferred')).toHaveLength(1);
    expect(events.find((e) => e.type === 'accountClosed')).toMatchObject({ actor: { name: 'Rachel Moore' }, detail: 'Eco club ended' });
  });

  it('a rejection needs a reason; the requester is told it; nobody else is asked', async () => {
    const ref2 = await request(PEOPLE.teacher2, { about: { accountName: 'Coding club videos', platform: 'youtube' } });
    const id2 = await caseIdOf(ref2);
    await connector.waitUntil(() => approvalCardsFor(PEOPLE.head, ref2).length === 1, 10_000, "the Headteacher's card");
    const r = await decide(PEOPLE.head, 'accountReject', { caseId: id2, round: 1, step: 0, reason: 'Use the school website instead' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body.value)).toContain('Rejected by Helen Carter');
    await connector.waitUntil(() => bodies(PEOPLE.teacher2).some((b) => b.includes(`Request ${ref2} rejected`) && b.includes('Use the school website instead')), 10_000, 'rejection notice');
    const d = await settled(id2);
    expect(d.case).toMatchObject({ status: 'rejected', outcome: 'Rejected: Use the school website instead' });
    expect(d.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name)).toEqual(['Helen Carter']);
    expect(await mySubmissions(PEOPLE.teacher2)).toContain('Rejected by headteacher (Helen Carter)');
  });

  it('"ask for changes": the requester edits and resubmits; the approval starts again', async () => {
    const ref3 = await request(PEOPLE.staff, { about: { accountName: 'Year 6 trip blog', platform: 'facebook' } });
    const id3 = await caseIdOf(ref3);
    await connector.waitUntil(() => approvalCardsFor(PEOPLE.head, ref3).length === 1, 10_000, "the Headteacher's card");
    const ch = await decide(PEOPLE.head, 'accountChanges', { caseId: id3, round: 1, step: 0, reason: 'Please make it a closed group' });
    expect(ch.status).toBe(200);
    expect(JSON.stringify(ch.body.value)).toContain('Changes asked for by Helen Carter');
    await connector.waitUntil(() => bodies(PEOPLE.staff).some((b) => b.includes(`Request ${ref3}: changes asked for`)), 10_000, 'changes notice');
    const notice = cardsTo(PEOPLE.staff).find((c: any) => JSON.stringify(c).includes(`Request ${ref3}: changes asked for`));
    expect(JSON.stringify(notice)).toContain('Please make it a closed group');
    const resubmit = notice.actions.find((a: any) => a.title === 'Edit and resubmit');
    expect(resubmit.data).toEqual({ verb: 'menu', choice: 'requestAccount', caseId: id3 });
    expect(await mySubmissions(PEOPLE.staff)).toContain('Changes requested by headteacher (Helen Carter)');
    expect((await db.caseRepo.get(SCHOOL, id3))!.case.status).toBe('changesRequested');

    // "Edit and resubmit" opens the request filled in.
    const opened = await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, resubmit.data));
    expect(opened).toContain(`Editing ${ref3}`);
    expect(opened).toContain('"value":"Year 6 trip blog"');
    expect(await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, page('about', { accountName: 'Year 6 trip blog', platform: 'facebook', openness: 'closed' })))).toContain('"id":"administrators"');
    await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, page('people')));
    expect(await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, page('dates')))).toContain('"title":"Resubmit"');
    expect(await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, { verb: 'requestAccount', step: 'summary', action: 'confirm' }))).toContain(`Request resubmitted. Your reference is ${ref3}`);

    let d = await db.caseRepo.get(SCHOOL, id3);
    expect(d!.case.status).toBe('awaitingApproval');
    expect(d!.case.stage).toMatchObject({ round: 2 });
    expect(d!.events.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
    await connector.waitUntil(() => approvalCardsFor(PEOPLE.head, ref3).some((c: any) => c.actions[0]?.data?.round === 2), 10_000, 'round 2 card');
    // The old card is harmless now.
    expect((await decide(PEOPLE.head, 'accountChanges', { caseId: id3, round: 1, step: 0, reason: 'Please make it a closed group' })).status).toBe(200);
    expect((await db.caseRepo.get(SCHOOL, id3))!.case.status).toBe('awaitingApproval');
    expect((await decide(PEOPLE.head, 'accountApprove', { caseId: id3, round: 2, step: 0 })).status).toBe(200);
    d = await settled(id3);
    expect(d.case.status).toBe('approved');
    expect(d.events.filter((e) => e.type === 'decided').map((e) => [e.data?.round, e.data?.decision])).toEqual([[1, 'changesRequested'], [2, 'approved']]);
  });

  it("the Headteacher's own request: the chair of governors approves it, never the Headteacher", async () => {
    const ref4 = await request(PEOPLE.head, { about: { accountName: 'Staff wellbeing group', platform: 'whatsapp', audience: 'staff' }, people: { lineManager: PEOPLE.head.aad } });
    const id4 = await caseIdOf(ref4);
    await connector.waitUntil(() => approvalCardsFor(PEOPLE.chair, ref4).length === 1, 10_000, "the chair's card");
    expect(approvalCardsFor(PEOPLE.head, ref4)).toHaveLength(0);
    expect((await decide(PEOPLE.head, 'accountApprove', { caseId: id4, round: 1, step: 0 })).status).toBe(400);
    expect(await mySubmissions(PEOPLE.head)).toContain('Awaiting headteacher (George Wilson)');
    expect((await decide(PEOPLE.chair, 'accountApprove', { caseId: id4, round: 1, step: 0 })).status).toBe(200);
    await connector.waitUntil(() => bodies(PEOPLE.head).some((b) => b.includes(`Request ${ref4} approved`)), 10_000, 'approved notice');
    const d = await settled(id4);
    expect(d.events.filter((e) => e.type === 'decided').map((e) => e.actor?.name)).toEqual(['George Wilson']);
  });

  it('never writes the content of a request to the logs', async () => {
    const out = server.output();
    for (const t of [ACCOUNT, 'Show families the eco club projects', 'Please make it a closed group', 'Use the school website instead', 'Sam is leaving in July', 'Staff wellbeing group']) expect(out).not.toContain(t);
  });
});
