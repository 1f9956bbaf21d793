import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ConnectorStub } from '../support/connector-stub.js';
import type { ServerProcess } from '../support/server-process.js';
import { BotHarness } from '../support/bot-harness.js';
import { PEOPLE, makeActivity, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { pngBytes, seedCase } from '../support/tab-seed.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';

const prefix = 'p' + randomBytes(3).toString('hex');
const SCHOOL = 'westbrook';
let h: BotHarness;
let connector: ConnectorStub;
let server: ServerProcess;
let accountId = '';
let pupils: Record<string, string> = {};

const turn = (p: Person, activity: unknown) => h.turn(p, activity);
const post = (p: Person, step: string, action: string, more: Record<string, unknown> = {}) => makeSubmit(p, connector.url, { verb: 'proposePost', step, action, ...more });

const tokens = new Map<string, string>();
async function tab(p: Person, path: string) {
  if (!tokens.has(p.aad)) {
    const r = await fetch(`${server.url}/api/tab/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aadObjectId: p.aad }) });
    tokens.set(p.aad, (await r.json()).token);
  }
  return fetch(server.url + path, { headers: { authorization: `Bearer ${tokens.get(p.aad)}` } });
}

beforeAll(async () => {
  h = await BotHarness.start({ prefix, install: Object.values(PEOPLE), env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' }, allowAttachmentsFromConnector: true });
  ({ connector, server } = h);
  // An active Facebook account on the register, and the photo-consent register, as the office keeps them.
  const account = await seedCase(h.db.caseRepo, {
    kind: 'accountRequest', category: 'facebook', status: 'approved', routing: {}, submitterAad: PEOPLE.teacher2.aad,
    answers: { platform: 'facebook', accountName: 'Westbrook News', administrators: [{ aadObjectId: PEOPLE.teacher2.aad, name: PEOPLE.teacher2.name }], reviewDate: '2099-01-01' },
  });
  accountId = account.id;
  const consent = new ConsentService(new ConsentRepository(h.db.storage.table('consent')));
  await consent.commit(SCHOOL, PEOPLE.head.aad, 'Name,Class,Facebook,Names,Do not publish\nAva Brown,Year 4,yes,yes,no\nBen Clarke,Year 4,no,no,no\nDan Evans,Year 4,yes,no,yes\n');
  pupils = Object.fromEntries((await consent.register(SCHOOL)).records.map((r) => [r.name, r.pupilId]));
});
afterAll(() => h?.stop());

describe('propose a post, over HTTP: blocked with the reason, then sent, approved by the head, on the register', () => {
  let reference = '';
  let caseId = '';

  it('the pupil picker searches the consent register as the person types', async () => {
    const res = await server.post('/api/messages', makeActivity(PEOPLE.staff, connector.url, { type: 'invoke', name: 'application/search', value: { kind: 'search', queryText: 'ava', dataset: `pupils.${SCHOOL}`, queryOptions: { skip: 0, top: 15 } } }));
    const body = await res.json();
    expect(body.value.results).toEqual([{ title: 'Ava Brown (Year 4)', value: pupils['Ava Brown'] }]);
  });

  it('a pupil without consent for Facebook and one on the do-not-publish list block the post, each named, and nothing is sent', async () => {
    const p = PEOPLE.staff;
    expect(await turn(p, makeMessage(p, connector.url, 'propose a post'))).toContain('Westbrook News (Facebook)');
    const out = await turn(p, post(p, 'compose', 'next', { accountId, text: 'Science fair', pupils: `${pupils['Ben Clarke']},${pupils['Dan Evans']}` }));
    expect(out).toContain('Ben Clarke has no consent for Facebook.');
    expect(out).toContain('Dan Evans is on the do-not-publish list.');
    expect(await turn(p, makeMessage(p, connector.url, 'cancel'))).toContain('Nothing was saved');
  });

  it('sent: a photo in the chat, the checks, the summary; the head gets the card with a thumbnail served by the app', async () => {
    const p = PEOPLE.staff;
    await turn(p, makeMessage(p, connector.url, 'propose a post'));
    expect(await turn(p, post(p, 'compose', 'next', { accountId, text: 'Year 4 won the science fair. Well done Ava!', pupils: pupils['Ava Brown'] }))).toContain('the photos');
    connector.serveFile('fair.png', pngBytes(400, 300), 'image/png');
    expect(await turn(p, makeActivity(p, connector.url, { text: '', attachments: [{ contentType: 'image/*', contentUrl: `${connector.url}/files/fair.png` }] }))).toContain('Photo 1 received');
    expect(await turn(p, post(p, 'photos', 'done'))).toContain('check_posts_devices');
    expect(await turn(p, post(p, 'checks', 'next', { check_posts_devices: 'yes', check_images_names: 'yes', check_posts_content: 'yes' }))).toContain('Check your post');
    const sent = await turn(p, post(p, 'summary', 'confirm'));
    const m = /\*\*(SM-\d{4}-\d{4})\*\*/.exec(sent);
    expect(m, sent).not.toBeNull();
    reference = m![1];
    caseId = await h.caseIdOf(reference);
    await h.settled(caseId);
    const card = h.cardsTo(PEOPLE.head).find((c) => JSON.stringify(c).includes(reference) && JSON.stringify(c).includes('"verb":"postApprove"'));
    expect(card).toBeDefined();
    const url: string = card.body.find((b: any) => b.type === 'ImageSet').images[0].url;
    expect(url).toContain('/api/post-photos/westbrook/');
    expect(url).not.toContain('blob');
    const img = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    // A link altered in any part is refused.
    const forged = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    expect(forged.status).toBe(404);
  });

  it('someone not named cannot decide; the head approves: the card updates, the proposer is told, the post is on the register', async () => {
    const bad = await h.invoke(PEOPLE.dsl, 'postApprove', { caseId, schoolId: SCHOOL });
    expect((await bad.json()).type).toBe('application/vnd.microsoft.error');
    const res = await h.invoke(PEOPLE.head, 'postApprove', { caseId, schoolId: SCHOOL });
    const body = await res.json();
    expect(JSON.stringify(body.value)).toContain('Approved to go live by Helen Carter');
    expect(JSON.stringify(body.value)).not.toContain('"verb":"postApprove"');
    // The refresh every approver's copy makes shows the decision too.
    const refreshed = await (await h.invoke(PEOPLE.head, 'postRefresh', { caseId, schoolId: SCHOOL })).json();
    expect(JSON.stringify(refreshed.value)).toContain('Approved to go live');
    await h.settled(caseId);
    expect(h.bodies(PEOPLE.staff).join('\n')).toContain(`Post ${reference} approved`);
    const reg = await (await tab(PEOPLE.deputy, '/api/tab/registers/posts')).json();
    expect(reg.items.map((r: any) => ({ reference: r.reference, proposedBy: r.proposedBy, approvedBy: r.approvedBy, platform: r.platform, pupils: r.pupils }))).toEqual([
      { reference, proposedBy: 'Sam Taylor', approvedBy: 'Helen Carter', platform: 'Facebook', pupils: ['Ava Brown (Year 4)'] },
    ]);
    expect((await tab(PEOPLE.staff, '/api/tab/registers/posts')).status).toBe(403);
    // Nothing of the post (its text, the pupils' names) is in the log.
    expect(server.output()).not.toMatch(/science fair|Ava Brown|Ben Clarke|Dan Evans/);
  });
});
