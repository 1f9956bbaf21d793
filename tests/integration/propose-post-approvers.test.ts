import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectorStub } from '../support/connector-stub.js';
import { BotHarness } from '../support/bot-harness.js';
import { makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { seedDemoPosts } from '../../scripts/lib/demo-posts.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';

/** Beechwood of the demo trust: its policy names nobody to confirm a post, so the account's administrators do. */
const SCHOOL = 'beechwood';
const aad = (n: number) => `00000000-0000-4000-8000-00000000${n}`;
const HANNAH: Person = { aad: aad(4001), name: 'Hannah Cole' };
const PAUL: Person = { aad: aad(4004), name: 'Paul Doyle' };
const RYAN: Person = { aad: aad(4006), name: 'Ryan Patel' };
const prefix = 'b' + randomBytes(3).toString('hex');
let h: BotHarness;
let connector: ConnectorStub;

const post = (p: Person, step: string, action: string, more: Record<string, unknown> = {}) => makeSubmit(p, connector.url, { verb: 'proposePost', step, action, ...more });

beforeAll(async () => {
  h = await BotHarness.start({ prefix, install: [HANNAH, PAUL, RYAN], env: { SCHOOLS_SEED_FILE: 'config/schools.demo.json' } });
  connector = h.connector;
  await seedDemoPosts({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix }, JSON.parse(readFileSync('config/schools.demo.json', 'utf8')) as DirectorySeed);
});
afterAll(() => h?.stop());

describe('several people may confirm a post: the first decision stands and every copy of the card shows it', () => {
  it("Beechwood: both of the account's other administrators are asked; one approves; the other's card is updated in place", async () => {
    const consent = new ConsentService(new ConsentRepository(h.db.storage.table('consent')));
    const ava = (await consent.register(SCHOOL)).records.find((r) => r.name === 'Ava Brown')!.pupilId;
    const accountId = (await h.db.caseRepo.listClosed(SCHOOL, { filter: `kind eq 'accountRequest'` })).items[0]!.id;
    expect(await h.turn(HANNAH, makeMessage(HANNAH, connector.url, 'propose a post'))).toContain('Beechwood News (Facebook)');
    await h.turn(HANNAH, post(HANNAH, 'compose', 'next', { accountId, text: 'Sports day relay', pupils: ava }));
    expect(await h.turn(HANNAH, post(HANNAH, 'photos', 'done'))).toContain('worthwhile and accurate');
    expect(await h.turn(HANNAH, post(HANNAH, 'checks', 'next', { check_posts_content: 'yes' }))).toContain("the account's administrators");
    const sent = await h.turn(HANNAH, post(HANNAH, 'summary', 'confirm'));
    const reference = /\*\*(BW-\d{4}-\d{4})\*\*/.exec(sent)![1];
    const caseId = await h.caseIdOf(reference, SCHOOL);
    const d = await h.settled(caseId, SCHOOL);
    expect(d.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name).sort()).toEqual(['Paul Doyle', 'Ryan Patel']);
    const ryanCopy = d.outbox.find((o) => o.recipient.aadObjectId === RYAN.aad)!;

    const res = await (await h.invoke(PAUL, 'postApprove', { caseId, schoolId: SCHOOL })).json();
    expect(JSON.stringify(res.value)).toContain('Approved to go live by Paul Doyle');
    await connector.waitUntil(() => connector.updates().some((u) => u.activityId === ryanCopy.activityId));
    const update = connector.updates().find((u) => u.activityId === ryanCopy.activityId)!;
    expect(JSON.stringify(update.body)).toContain('Approved to go live by Paul Doyle');
    expect(JSON.stringify(update.body)).not.toContain('"verb":"postApprove"');
    // Ryan's stale button is refused with the reason.
    const late = await (await h.invoke(RYAN, 'postDecline', { caseId, schoolId: SCHOOL, reason: 'No' })).json();
    expect(late.value.message).toMatch(/already been decided: approved by Paul Doyle/);
  });
});
