import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ConnectorStub } from '../support/connector-stub.js';
import type { ServerProcess } from '../support/server-process.js';
import { BotHarness } from '../support/bot-harness.js';
import { PEOPLE, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { DeclarationService } from '../../src/domain/declarations/declaration-service.js';

const prefix = 'd' + randomBytes(3).toString('hex');
const SCHOOL = 'westbrook';
const PUPIL = 'Amelia Fairweather';
let h: BotHarness;
let connector: ConnectorStub;
let server: ServerProcess;
let db: BotHarness['db'];
let declarations: DeclarationService;

const bodies = (p: Person) => h.bodies(p);
const cardsTo = (p: Person) => h.cardsTo(p);
const ackCardsFor = (p: Person, reference: string) =>
  cardsTo(p).filter((c: any) => JSON.stringify(c).includes('"verb":"declarationAcknowledge"') && JSON.stringify(c).includes(reference));
const member = async (p: Person) => (await db.directory.member(SCHOOL, p.aad))!;

const turn = (p: Person, activity: unknown) => h.turn(p, activity);

const FORM = { pupilName: PUPIL, yearGroup: 'Year 5', relationship: 'auntUncle', platforms: 'facebook,whatsapp', otherRelatives: 'yes', otherRelativesDetail: 'Her brother in Year 2', confirmed: 'true' };
const formSubmit = (values: Record<string, unknown>) => ({ verb: 'declare', step: 'form', action: 'answer', ...FORM, ...values });

/** The whole flow over HTTP: "declare", the form, Confirm. Returns the reference the bot gave. */
async function declare(p: Person, values: Record<string, unknown> = {}): Promise<string> {
  expect(await turn(p, makeMessage(p, connector.url, 'declare'))).toContain('"id":"pupilName"');
  const summary = await turn(p, makeSubmit(p, connector.url, formSubmit(values)));
  expect(summary).toContain('Check your declaration');
  const sent = await turn(p, makeSubmit(p, connector.url, { verb: 'declare', step: 'summary', action: 'confirm' }));
  const m = /Your reference is (SM-\d{4}-\d{4})/.exec(sent);
  expect(m, sent).not.toBeNull();
  return m![1];
}

const caseIdOf = (reference: string) => h.caseIdOf(reference);
const settled = (caseId: string) => h.settled(caseId);
const invoke = (p: Person, verb: string, data: Record<string, unknown>) => h.invoke(p, verb, data);

beforeAll(async () => {
  h = await BotHarness.start({ prefix, install: [PEOPLE.staff, PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.chair, PEOPLE.teacher2] });
  ({ connector, server, db } = h);
  declarations = new DeclarationService(db.caseRepo, db.directory);
});
afterAll(() => h?.stop());

describe('declare a family relationship: declaration, acknowledgement and register', () => {
  let reference = '';
  let caseId = '';

  it('declares; the headteacher gets an acknowledgement card naming the pupil; no one else is told', async () => {
    reference = await declare(PEOPLE.staff);
    caseId = await caseIdOf(reference);
    await connector.waitUntil(() => ackCardsFor(PEOPLE.head, reference).length === 1, 10_000, "head's card");
    await connector.waitUntil(() => bodies(PEOPLE.staff).some((b) => b.includes(`Receipt: ${reference}`)), 10_000, 'receipt');
    const card = ackCardsFor(PEOPLE.head, reference)[0];
    const json = JSON.stringify(card);
    expect(json).toContain(PUPIL);
    expect(json).toContain('Sam Taylor');
    expect(json).toContain('Aunt or uncle');
    expect(json).toContain('Facebook, WhatsApp');
    const actions = card.actions.filter((a: any) => a.type === 'Action.Execute');
    expect(actions.map((a: any) => a.verb)).toEqual(['declarationAcknowledge', 'declarationDiscuss']);
    expect(actions[0].data).toEqual({ caseId, schoolId: SCHOOL });
    const d = await settled(caseId);
    expect(d.case).toMatchObject({ kind: 'familyDeclaration', status: 'awaitingAcknowledgement', routing: { safeguarding: false, aboutHead: false, queue: 'head' } });
    expect(d.outbox.map((o) => [o.kind, o.recipient.name]).sort()).toEqual([['acknowledgementRequest', 'Helen Carter'], ['receipt', 'Sam Taylor']]);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.chair, PEOPLE.teacher2]) expect(bodies(p).some((b) => b.includes(reference) || b.includes(PUPIL))).toBe(false);
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'alertDelivered']));
  });

  it('refuses an acknowledgement from anyone but the headteacher, and one without a note; changes nothing', async () => {
    const before = await db.caseRepo.get(SCHOOL, caseId);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.staff, PEOPLE.chair]) {
      const res = await invoke(p, 'declarationAcknowledge', { caseId, schoolId: SCHOOL, note: 'Discussed' });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.type).toBe('application/vnd.microsoft.error');
      expect(body.value.message).toContain('Only the Headteacher');
    }
    const empty = await invoke(PEOPLE.head, 'declarationAcknowledge', { caseId, schoolId: SCHOOL, note: '  ' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).value.message).toContain('note of your discussion');
    for (const data of [{ caseId, schoolId: 'other-school', note: 'x' }, { caseId: '../x', schoolId: SCHOOL, note: 'x' }, {}]) {
      expect((await invoke(PEOPLE.head, 'declarationAcknowledge', data)).status).toBe(400);
    }
    expect((await db.caseRepo.get(SCHOOL, caseId))!.etag).toBe(before!.etag);
  });

  it('the head acknowledges with a note: the card shows who and when, the staff member is told, the register holds it', async () => {
    const res = await invoke(PEOPLE.head, 'declarationAcknowledge', { caseId, schoolId: SCHOOL, note: 'Discussed protocols on 14 March.' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain('Acknowledged by Helen Carter');
    expect(body.value.actions.some((a: any) => a.type === 'Action.Execute')).toBe(false);
    await connector.waitUntil(() => bodies(PEOPLE.staff).some((b) => b.includes(`Declaration ${reference} acknowledged`)), 10_000, 'decision notice');
    expect(bodies(PEOPLE.staff).find((b) => b.includes(`Declaration ${reference} acknowledged`))).toContain('Discussed protocols on 14 March.');

    const d = await settled(caseId);
    expect(d.case.status).toBe('acknowledged');
    const ack = d.events.filter((e) => e.type === 'acknowledged');
    expect(ack).toHaveLength(1);
    expect(ack[0]).toMatchObject({ actor: { name: 'Helen Carter' }, detail: 'Discussed protocols on 14 March.' });

    const rows = await declarations.register(await member(PEOPLE.head));
    const row = rows.find((r) => r.reference === reference)!;
    expect(row).toMatchObject({ staff: { name: 'Sam Taylor' }, pupilName: PUPIL, yearGroup: 'Year 5', relationship: 'Aunt or uncle', platforms: 'Facebook, WhatsApp', status: 'acknowledged', acknowledgedBy: 'Helen Carter' });
    expect(row.acknowledgedAt).toBeTruthy();
    // SLT see it too; the chair and ordinary staff do not.
    expect((await declarations.register(await member(PEOPLE.dsl))).some((r) => r.reference === reference)).toBe(true);
    expect((await declarations.register(await member(PEOPLE.chair))).some((r) => r.reference === reference)).toBe(false);
    expect(await declarations.register(await member(PEOPLE.teacher2))).toEqual([]);

    // Twice is harmless: the first acknowledgement stands.
    const again = await invoke(PEOPLE.head, 'declarationAcknowledge', { caseId, schoolId: SCHOOL, note: 'Again' });
    expect(again.status).toBe(200);
    expect((await db.caseRepo.get(SCHOOL, caseId))!.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });

  it('a second declaration of the same pupil says so instead of creating a duplicate', async () => {
    const countBefore = (await declarations.mine(await member(PEOPLE.staff))).length;
    await turn(PEOPLE.staff, makeMessage(PEOPLE.staff, connector.url, 'declare'));
    const out = await turn(PEOPLE.staff, makeSubmit(PEOPLE.staff, connector.url, formSubmit({ pupilName: 'amelia  FAIRWEATHER', yearGroup: 'Y5' })));
    expect(out).toContain('already declared this relationship');
    expect(out).toContain(reference);
    expect((await declarations.mine(await member(PEOPLE.staff))).length).toBe(countBefore);
  });

  it('"ask to discuss first": the staff member is told; the head acknowledges later', async () => {
    const ref2 = await declare(PEOPLE.teacher2, { pupilName: 'Toby Shah', yearGroup: '3B', relationship: 'grandparent', platforms: 'none', otherRelatives: 'no' });
    const id2 = await caseIdOf(ref2);
    await connector.waitUntil(() => ackCardsFor(PEOPLE.head, ref2).length === 1, 10_000, "head's card");
    const res = await invoke(PEOPLE.head, 'declarationDiscuss', { caseId: id2, schoolId: SCHOOL, note: 'Can we meet on Monday?' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.value.actions.map((a: any) => a.verb).filter(Boolean)).toEqual(['declarationAcknowledge']);
    await connector.waitUntil(() => bodies(PEOPLE.teacher2).some((b) => b.includes('would like to discuss')), 10_000, 'discussion notice');
    expect(bodies(PEOPLE.teacher2).find((b) => b.includes('would like to discuss'))).toContain('Can we meet on Monday?');
    let d = await db.caseRepo.get(SCHOOL, id2);
    expect(d!.case.status).toBe('discussionRequested');
    expect(d!.events.some((e) => e.type === 'statusChanged' && e.data?.to === 'discussionRequested')).toBe(true);
    expect((await invoke(PEOPLE.head, 'declarationAcknowledge', { caseId: id2, schoolId: SCHOOL, note: 'Met on Monday.' })).status).toBe(200);
    d = await db.caseRepo.get(SCHOOL, id2);
    expect(d!.case.status).toBe('acknowledged');
  });

  it('the staff member withdraws from "my submissions": recorded as withdrawn, not deleted', async () => {
    const out = await turn(PEOPLE.staff, makeMessage(PEOPLE.staff, connector.url, 'my submissions'));
    expect(out).toContain('My family relationship declarations');
    expect(out).toContain('"verb":"declarationWithdraw"');
    // Someone else cannot withdraw it.
    expect((await invoke(PEOPLE.head, 'declarationWithdraw', { caseId, schoolId: SCHOOL, confirm: 'yes' })).status).toBe(400);
    const ask = await invoke(PEOPLE.staff, 'declarationWithdraw', { caseId, schoolId: SCHOOL });
    expect(ask.status).toBe(200);
    expect(JSON.stringify((await ask.json()).value)).toContain(`Withdraw ${reference}?`);
    expect((await db.caseRepo.get(SCHOOL, caseId))!.case.status).toBe('acknowledged');
    const res = await invoke(PEOPLE.staff, 'declarationWithdraw', { caseId, schoolId: SCHOOL, confirm: 'yes' });
    expect(res.status).toBe(200);
    expect(JSON.stringify((await res.json()).value)).toContain(`${reference} has been withdrawn`);
    const d = await db.caseRepo.get(SCHOOL, caseId);
    expect(d!.case.status).toBe('withdrawn');
    expect(d!.events.filter((e) => e.type === 'withdrawn')).toHaveLength(1);
    expect(d!.events.some((e) => e.type === 'acknowledged')).toBe(true); // history kept
    const head = await member(PEOPLE.head);
    expect((await declarations.register(head)).some((r) => r.reference === reference)).toBe(false);
    expect((await declarations.register(head, { includeWithdrawn: true })).find((r) => r.reference === reference)?.status).toBe('withdrawn');
    // The head is told, and acknowledging a withdrawn declaration is refused.
    await connector.waitUntil(() => bodies(PEOPLE.head).some((b) => b.includes(`Update on ${reference}`) && b.includes('Withdrawn')), 10_000, 'head told');
    const late = await invoke(PEOPLE.head, 'declarationDiscuss', { caseId, schoolId: SCHOOL, note: 'x' });
    expect(late.status).toBe(400);
    expect((await late.json()).value.message).toContain('withdrawn');
    // After withdrawal, declaring the same pupil again is allowed.
    const again = await declare(PEOPLE.staff);
    expect(again).not.toBe(reference);
  });

  it("the headteacher's own declaration goes to the chair of governors, never to the head", async () => {
    const ref3 = await declare(PEOPLE.head, { pupilName: 'Olivia Carter', yearGroup: 'Year 1', relationship: 'grandparent', platforms: 'facebook', otherRelatives: 'no' });
    const id3 = await caseIdOf(ref3);
    await connector.waitUntil(() => ackCardsFor(PEOPLE.chair, ref3).length === 1, 10_000, "chair's card");
    const card = ackCardsFor(PEOPLE.chair, ref3)[0];
    expect(JSON.stringify(card)).toContain('Olivia Carter');
    expect(JSON.stringify(card)).toContain("Headteacher's own declaration");
    const d = await settled(id3);
    expect(d.case.routing).toMatchObject({ aboutHead: true, queue: 'chair', safeguarding: false });
    expect(d.outbox.filter((o) => o.kind === 'acknowledgementRequest').map((o) => o.recipient.name)).toEqual(['George Wilson']);
    expect(ackCardsFor(PEOPLE.head, ref3)).toHaveLength(0);
    for (const p of [PEOPLE.dsl, PEOPLE.deputy]) expect(bodies(p).some((b) => b.includes('Olivia Carter'))).toBe(false);

    const byHead = await invoke(PEOPLE.head, 'declarationAcknowledge', { caseId: id3, schoolId: SCHOOL, note: 'Self' });
    expect(byHead.status).toBe(400);
    const byDsl = await invoke(PEOPLE.dsl, 'declarationAcknowledge', { caseId: id3, schoolId: SCHOOL, note: 'x' });
    expect(byDsl.status).toBe(400);
    const res = await invoke(PEOPLE.chair, 'declarationAcknowledge', { caseId: id3, schoolId: SCHOOL, note: 'Discussed with the head.' });
    expect(res.status).toBe(200);
    expect(JSON.stringify((await res.json()).value)).toContain('Acknowledged by George Wilson');
    await connector.waitUntil(() => bodies(PEOPLE.head).some((b) => b.includes(`Declaration ${ref3} acknowledged`)), 10_000, 'head told');

    // Only the chair's register shows it; the head's and SLT's do not.
    expect((await declarations.register(await member(PEOPLE.chair))).map((r) => r.reference)).toEqual([ref3]);
    expect((await declarations.register(await member(PEOPLE.head))).some((r) => r.reference === ref3)).toBe(false);
    expect((await declarations.register(await member(PEOPLE.dsl))).some((r) => r.reference === ref3)).toBe(false);
  });

  it('never writes a pupil name to the logs', async () => {
    const out = server.output();
    for (const name of [PUPIL, 'Toby Shah', 'Olivia Carter', 'FAIRWEATHER', 'Fairweather']) expect(out).not.toContain(name);
  });
});
