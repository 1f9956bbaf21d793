import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { conversationOf, makeMessage, makeSubmit } from '../support/activities.js';
import { direct } from '../support/direct.js';

const prefix = 'm' + randomBytes(3).toString('hex');
let connector: ConnectorStub;
let server: ServerProcess;
const newcomer = { aad: '00000000-0000-4000-8000-0000000003ff', name: 'Nia Newcomer' };
const dara = { aad: '00000000-0000-4000-8000-000000000102', name: 'Dara Lead' };
const card = (i: number) => connector.messagesTo(conversationOf(newcomer))[i]?.body?.attachments?.[0]?.content;

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    SCHOOLS_SEED_FILE: 'tests/fixtures/trust.seed.json',
  });
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

describe('a trust running several schools in one deployment', () => {
  it('seeds every school of the trust at first start', async () => {
    const db = direct(inject('storageConnectionString'), prefix);
    expect((await db.directory.schools()).map((s) => s.id).sort()).toEqual(['kimberley-primary', 'wootton-upper']);
    expect((await db.directory.member('wootton-upper', dara.aad))?.roles).toContain('dsl');
  });

  it('knows a seeded member\'s school without asking', async () => {
    await server.post('/api/messages', makeMessage(dara, connector.url, 'hi'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(dara)).length > 0);
    const c = connector.messagesTo(conversationOf(dara))[0].body.attachments[0].content;
    expect(JSON.stringify(c)).toContain('Wootton Upper School');
    // No policy profile is held for this school: the menu quotes no policy (it used to quote another school's).
    expect(JSON.stringify(c)).not.toContain('should be reported to');
  });

  it('asks a new person which school once; the choice waits for that school\'s administrators, then is remembered', async () => {
    await server.post('/api/messages', makeMessage(newcomer, connector.url, 'hi'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(newcomer)).length >= 1);
    const choice = card(0);
    expect(JSON.stringify(choice)).toContain('Which school do you work at?');
    expect(choice.actions.map((a: any) => a.data)).toEqual([
      { verb: 'chooseSchool', schoolId: 'kimberley-primary' },
      { verb: 'chooseSchool', schoolId: 'wootton-upper' },
    ]);

    await server.post('/api/messages', makeSubmit(newcomer, connector.url, { verb: 'chooseSchool', schoolId: 'kimberley-primary' }));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(newcomer)).length >= 2);
    const said = (i: number) => JSON.stringify(connector.messagesTo(conversationOf(newcomer))[i].body);
    expect(said(1)).toContain('Your request to join Kimberley Primary School has gone to its administrators');

    // Until an administrator of that school confirms, nothing but that answer (and no second choice).
    await server.post('/api/messages', makeMessage(newcomer, connector.url, 'help'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(newcomer)).length >= 3);
    expect(said(2)).toContain('has gone to its administrators');
    expect(said(2)).not.toContain('Which school');
    const db = direct(inject('storageConnectionString'), prefix);
    expect(await db.directory.member('kimberley-primary', newcomer.aad)).toBeUndefined();

    await db.enrolment.confirm('kimberley-primary', newcomer.aad);
    await server.post('/api/messages', makeMessage(newcomer, connector.url, 'help'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(newcomer)).length >= 4);
    expect(JSON.stringify(card(3))).toContain('Kimberley Primary School');
    expect(JSON.stringify(card(3))).not.toContain('Which school');
    expect((await db.directory.member('kimberley-primary', newcomer.aad))?.roles).toEqual(['staff']);
    expect(await db.directory.member('wootton-upper', newcomer.aad)).toBeUndefined();
  });

  it('never claims a DSL was alerted in a school with none set up: the report is kept and the reporter told to tell someone', async () => {
    // Kimberley Primary's directory has a head but no DSL and no chair. The newcomer works there (above).
    const db = direct(inject('storageConnectionString'), prefix);
    const school = (await db.directory.school('kimberley-primary'))!;
    const reporter = (await db.directory.member('kimberley-primary', newcomer.aad))!;
    const answers = { category: 'pupilContact', affected: 'me', responsible: 'pupil', platform: 'facebook', where: 'https://facebook.example/x', when: 'ongoing', whatHappened: 'A pupil sent a request', pupilAtRisk: 'yes' } as const;
    const r = await db.cases.submitIncident({ school, submitter: reporter, submissionId: 'kimberley-1', evidence: [], answers });
    expect(r.nobodyToAlert).toEqual(['dsl']);
    // The receipt (sent by the server's outbox) says so, and does not say anyone was alerted.
    await connector.waitUntil(() => connector.messagesTo(conversationOf(newcomer)).some((m) => JSON.stringify(m.body).includes(r.case.reference)), 10_000, 'receipt');
    const receipt = JSON.stringify(connector.messagesTo(conversationOf(newcomer)).find((m) => JSON.stringify(m.body).includes(r.case.reference))!.body);
    expect(receipt).toContain('No designated safeguarding lead is set up for your school');
    expect(receipt).toContain('Tell your designated safeguarding lead or the Headteacher in person now.');
    expect(receipt).not.toContain('has been alerted');
    // The case is saved with only the receipt owed; nobody else was queued.
    const d = (await db.caseRepo.get('kimberley-primary', r.case.id))!;
    expect(d.outbox.map((o) => o.kind)).toEqual(['receipt']);
  });

  it('ignores a forged choice of a school that does not exist', async () => {
    const stranger = { aad: '00000000-0000-4000-8000-0000000004ff', name: 'Sol Stranger' };
    await server.post('/api/messages', makeSubmit(stranger, connector.url, { verb: 'chooseSchool', schoolId: 'no-such-school' }));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(stranger)).length >= 1);
    expect(JSON.stringify(connector.messagesTo(conversationOf(stranger))[0].body)).toContain('Which school do you work at?');
  });
});
