import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ConnectorStub, Recorded } from '../support/connector-stub.js';
import type { ServerProcess } from '../support/server-process.js';
import { PEOPLE, conversationOf, makeInvoke, type Person } from '../support/activities.js';
import { BotHarness } from '../support/bot-harness.js';
import { AdaptiveCard } from 'adaptivecards';
import { devToken } from '../support/tokens.js';

const prefix = 'a' + randomBytes(3).toString('hex');
let h: BotHarness;
let connector: ConnectorStub;
let server: ServerProcess;
let db: BotHarness['db'];

const cards = (p: Person) => h.cardsTo(p);
const alertCardsFor = (p: Person, reference: string) =>
  cards(p).filter((c: any) => JSON.stringify(c).includes('Safeguarding concern') && JSON.stringify(c).includes(reference));
const settled = (caseId: string) => h.settled(caseId);

beforeAll(async () => {
  // Everyone but the chair has the app installed (so the bot has a conversation with them). The tab is
  // reached with the development sign-in.
  h = await BotHarness.start({ prefix, install: [PEOPLE.staff, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head], env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' } });
  ({ connector, server, db } = h);
});
afterAll(() => h?.stop());

describe('alerts: a transactional outbox delivered to DSLs, SLT, the chair and the reporter', () => {
  let reference = '';
  let caseId = '';

  it('sends every DSL one alert card with no names or descriptions, and the reporter a receipt', async () => {
    const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'pupilContact', affected: 'me', responsible: 'pupil' });
    reference = c.reference;
    caseId = c.id;
    await connector.waitUntil(() => alertCardsFor(PEOPLE.dsl, reference).length === 1 && alertCardsFor(PEOPLE.deputy, reference).length === 1, 10_000, 'DSL cards');
    await connector.waitUntil(() => cards(PEOPLE.staff).some((c: any) => JSON.stringify(c).includes(`Receipt: ${reference}`)), 10_000, 'receipt');
    const card = alertCardsFor(PEOPLE.dsl, reference)[0];
    const json = JSON.stringify(card);
    expect(json).not.toContain('Secret description');
    expect(json).not.toContain('Sam Taylor');
    expect(json).toContain('Contact or a friend request from a pupil');
    const ack = card.actions.find((a: any) => a.type === 'Action.Execute');
    expect(ack.verb).toBe('dslAcknowledge');
    expect(ack.data).toEqual({ caseId, schoolId: 'westbrook' });
    expect(card.refresh.userIds).toEqual(expect.arrayContaining([`29:${PEOPLE.dsl.aad}`, `29:${PEOPLE.deputy.aad}`]));
    // Parsed by the Adaptive Cards library as a 1.5 card.
    const ac = new AdaptiveCard();
    ac.parse(card);
    expect(ac.version?.toString()).toBe('1.5');
    // Not a safeguarding case for SLT: the headteacher (not a DSL) got no alert.
    expect(alertCardsFor(PEOPLE.head, reference)).toHaveLength(0);
    // Delivery is in the chronology.
    const d = await settled(caseId);
    expect(d!.outbox.filter((o) => o.kind === 'dslAlert').every((o) => o.state === 'delivered' && o.activityId)).toBe(true);
    expect(d!.events.filter((e) => e.type === 'alertDelivered').length).toBeGreaterThanOrEqual(2);
  });

  it('acknowledging updates the DSL card, and every other DSL card in place', async () => {
    const res = await server.post('/api/messages', makeInvoke(PEOPLE.dsl, connector.url, 'dslAcknowledge', { caseId, schoolId: 'westbrook' }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain('Acknowledged by Dev Patel');
    expect(body.value.actions.some((a: any) => a.verb === 'dslAcknowledge')).toBe(false);
    const deputyAlert = connector.messagesTo(conversationOf(PEOPLE.deputy)).find((r) => JSON.stringify(r.body).includes(reference))!;
    await connector.waitUntil(() => connector.updates().some((u) => u.conversationId === conversationOf(PEOPLE.deputy)), 10_000, 'card update');
    const update = connector.updates().find((u) => u.conversationId === conversationOf(PEOPLE.deputy))!;
    expect(update.activityId).toBeTruthy();
    expect(update.path).toContain(encodeURIComponent(update.activityId!));
    expect(deputyAlert).toBeDefined();
    expect(JSON.stringify(update.body)).toContain('Acknowledged by Dev Patel');

    const d = await db.caseRepo.get('westbrook', caseId);
    expect(d!.case.acknowledged?.by.name).toBe('Dev Patel');
    expect(d!.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });

  it('acknowledging twice is harmless; the first acknowledgement stands', async () => {
    const res = await server.post('/api/messages', makeInvoke(PEOPLE.deputy, connector.url, 'dslAcknowledge', { caseId, schoolId: 'westbrook' }));
    expect(res.status).toBe(200);
    expect(JSON.stringify((await res.json()).value)).toContain('Acknowledged by Dev Patel');
    const d = await db.caseRepo.get('westbrook', caseId);
    expect(d!.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });

  it('acknowledging in the tab updates every DSL\'s card in Teams, as acknowledging on the card does', async () => {
    const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'radicalisation' });
    await connector.waitUntil(() => alertCardsFor(PEOPLE.dsl, c.reference).length === 1 && alertCardsFor(PEOPLE.deputy, c.reference).length === 1, 10_000, 'alerts');
    const delivered = await settled(c.id);
    const updatesBefore = connector.updates().length;

    const res = await fetch(`${server.url}/api/tab/cases/${c.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${await devToken(PEOPLE.deputy.aad)}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).case.acknowledged).toMatchObject({ by: PEOPLE.deputy.name });

    // No card was pressed, so both DSLs' copies, the acting DSL's own too, are updated in place.
    await connector.waitUntil(() => connector.updates().length >= updatesBefore + 2, 10_000, 'both alert cards updated');
    const updates = connector.updates().slice(updatesBefore);
    for (const dsl of [PEOPLE.dsl, PEOPLE.deputy]) {
      const update = updates.find((u) => u.conversationId === conversationOf(dsl));
      expect(update, dsl.name).toBeDefined();
      expect(update!.activityId).toBe(delivered.outbox.find((o) => o.kind === 'dslAlert' && o.recipient.aadObjectId === dsl.aad)!.activityId);
      expect(update!.path).toContain(encodeURIComponent(update!.activityId!));
      const card = JSON.stringify(update!.body);
      expect(card).toContain(c.reference);
      expect(card).toContain(`Acknowledged by ${PEOPLE.deputy.name}`);
      expect(card).not.toContain('"verb":"dslAcknowledge"');
    }
    expect(updates).toHaveLength(2);
    const d = await db.caseRepo.get('westbrook', c.id);
    expect(d!.events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });

  it('refuses an acknowledgement from someone who is not a DSL, and changes nothing', async () => {
    const { case: c } = await db.submit(PEOPLE.teacher2.aad, { category: 'radicalisation' });
    await connector.waitUntil(() => alertCardsFor(PEOPLE.dsl, c.reference).length === 1, 10_000, 'alert');
    const before = await db.caseRepo.get('westbrook', c.id);
    for (const p of [PEOPLE.staff, PEOPLE.head]) {
      const res = await server.post('/api/messages', makeInvoke(p, connector.url, 'dslAcknowledge', { caseId: c.id, schoolId: 'westbrook' }));
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.type).toBe('application/vnd.microsoft.error');
    }
    // Forged data: another school, malformed id.
    for (const data of [{ caseId: c.id, schoolId: 'other-school' }, { caseId: '../../etc', schoolId: 'westbrook' }, {}]) {
      const res = await server.post('/api/messages', makeInvoke(PEOPLE.dsl, connector.url, 'dslAcknowledge', data));
      expect(res.status).toBe(400);
    }
    const after = await db.caseRepo.get('westbrook', c.id);
    expect(after!.case.acknowledged).toBeUndefined();
    expect(after!.etag).toBe(before!.etag);
  });

  it('retries after 500 and 429 with Retry-After, and still delivers', async () => {
    // Let earlier deliveries finish, so the injected faults hit this case's messages.
    for (let i = 0; i < 100 && (await db.outbox.pendingPointers()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    connector.failNext({ status: 500 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 503 });
    const t0 = Date.now();
    const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'indecentImagesOfChildren' });
    await connector.waitUntil(
      () => alertCardsFor(PEOPLE.dsl, c.reference).length === 1 && alertCardsFor(PEOPLE.deputy, c.reference).length === 1,
      20_000,
      'alerts after faults',
    );
    const d = await settled(c.id);
    const attempts = d!.outbox.map((o) => o.attempts).reduce((a, b) => a + b, 0);
    expect(attempts).toBeGreaterThanOrEqual(d!.outbox.length + 3);
    expect(d!.outbox.every((o) => o.state === 'delivered')).toBe(true);
    // The 429 asked for a second: delivery took at least that long.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('shows a recipient who cannot be reached (app not installed) on the case, never dropping them', async () => {
    const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'staffMisuse', responsible: 'headteacher' });
    await connector.waitUntil(() => cards(PEOPLE.staff).some((x: any) => JSON.stringify(x).includes(`Receipt: ${c.reference}`)), 10_000, 'receipt');
    const d = await settled(c.id);
    const chair = d!.outbox.find((o) => o.recipient.aadObjectId === PEOPLE.chair.aad)!;
    expect(chair.kind).toBe('chairNotice');
    expect(chair.state).toBe('unreachable');
    expect(d!.events.some((e) => e.type === 'recipientUnreachable' && e.actor?.aadObjectId === PEOPLE.chair.aad)).toBe(true);
    // The headteacher is told nothing about a case about the headteacher.
    expect(d!.outbox.some((o) => o.recipient.aadObjectId === PEOPLE.head.aad)).toBe(false);
    expect(cards(PEOPLE.head).some((x: any) => JSON.stringify(x).includes(c.reference))).toBe(false);
  });

  it('sends SLT a new-case notice for a case routed to them', async () => {
    const { case: c } = await db.submit(PEOPLE.teacher2.aad, { category: 'disparaging', affected: 'school', responsible: 'parent' });
    await connector.waitUntil(
      () => [PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy].every((p) => cards(p).some((x: any) => JSON.stringify(x).includes(c.reference))),
      10_000,
      'SLT notices',
    );
    const notice = cards(PEOPLE.head).find((x: any) => JSON.stringify(x).includes(c.reference));
    // Westbrook's policy calls its senior team the "senior School Staff".
    expect(JSON.stringify(notice)).toContain('New case for the senior School Staff');
    expect(JSON.stringify(notice)).not.toContain('Secret description');
  });

  it('delivers, after a restart, alerts owed by a case saved while the server was down', async () => {
    await server.kill('SIGKILL');
    const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'cyberbullying', affected: 'pupil', responsible: 'pupil' });
    const pending = await db.caseRepo.get('westbrook', c.id);
    expect(pending!.outbox.every((o) => o.state === 'pending')).toBe(true);
    await server.restart();
    await connector.waitUntil(() => alertCardsFor(PEOPLE.dsl, c.reference).length === 1 && alertCardsFor(PEOPLE.deputy, c.reference).length === 1, 10_000, 'alerts after restart');
  });

  it('sends a burst of concerns to each DSL as one message of cards, and acknowledging one rewrites that whole message', async () => {
    // Three concerns owed at once (saved while the server was down, so they are all waiting when it starts).
    await server.kill('SIGKILL');
    const burst: Array<{ id: string; reference: string }> = [];
    for (const category of ['pupilContact', 'radicalisation', 'indecentImagesOfChildren'] as const) burst.push((await db.submit(PEOPLE.staff.aad, { category })).case);
    const before = connector.messagesTo(conversationOf(PEOPLE.deputy)).length;
    await server.restart();
    for (const c of burst) await settled(c.id);

    for (const dsl of [PEOPLE.dsl, PEOPLE.deputy]) {
      const holding = connector.messagesTo(conversationOf(dsl)).filter((r) => burst.some((c) => JSON.stringify(r.body).includes(c.reference)));
      expect(holding, dsl.name).toHaveLength(1);
      const attachments = holding[0].body.attachments as any[];
      expect(holding[0].body.attachmentLayout).toBe('list');
      expect(attachments.map((a) => a.content.body.map((b: any) => JSON.stringify(b)).join()).map((t) => burst.findIndex((c) => t.includes(c.reference)))).toEqual([0, 1, 2]);
      for (const a of attachments) expect(a.content.actions.some((x: any) => x.verb === 'dslAcknowledge')).toBe(true);
    }
    expect(connector.messagesTo(conversationOf(PEOPLE.deputy)).length).toBe(before + 1);
    const rows = (await Promise.all(burst.map((c) => db.caseRepo.get('westbrook', c.id)))).flatMap((d) => d!.outbox.filter((o) => o.kind === 'dslAlert'));
    expect(rows.every((o) => o.state === 'delivered' && o.sharedMessage?.join() === burst.map((c) => c.id).join())).toBe(true);

    // Dev acknowledges the second: both DSLs' messages are rewritten with all three cards, that one acknowledged.
    const updatesBefore = connector.updates().length;
    const res = await h.invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: burst[1].id, schoolId: 'westbrook' });
    expect(res.status).toBe(200);
    expect(JSON.stringify((await res.json()).value)).toContain('Acknowledged by Dev Patel');
    await connector.waitUntil(() => connector.updates().length >= updatesBefore + 2, 10_000, 'both messages rewritten');
    for (const dsl of [PEOPLE.dsl, PEOPLE.deputy]) {
      const update = connector.updates().slice(updatesBefore).find((u) => u.conversationId === conversationOf(dsl))!;
      expect(update.activityId, dsl.name).toBe(rows.find((o) => o.recipient.aadObjectId === dsl.aad)!.activityId);
      const cards = (update.body.attachments as any[]).map((a) => JSON.stringify(a.content));
      expect(cards).toHaveLength(3);
      expect(cards.map((t) => t.includes('Acknowledged by Dev Patel'))).toEqual([false, true, false]);
      expect(cards.every((t, i) => t.includes(burst[i].reference))).toBe(true);
    }
  });
});

// Keep the type import used.
export type { Recorded };
