import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { PEOPLE, conversationOf, makeInstall, makeInvoke, type Person } from '../support/activities.js';
import { BotHarness, SCHOOL } from '../support/bot-harness.js';

const prefix = 'ds' + randomBytes(3).toString('hex');
let h: BotHarness;
const others: ConnectorStub[] = [];

/** A second Bot Connector address, as Teams gives when a person's chat moves (a reinstall, another region). */
async function anotherConnector(): Promise<ConnectorStub> {
  const c = await new ConnectorStub().start();
  others.push(c);
  return c;
}

const alertsTo = (c: ConnectorStub, p: Person, reference: string) =>
  c.messagesTo(conversationOf(p)).filter((r) => JSON.stringify(r.body ?? {}).includes(reference));

async function tabGet(person: Person, path: string): Promise<Response> {
  const t = await h.server.post('/api/tab/dev/token', { aadObjectId: person.aad });
  expect(t.status).toBe(200);
  const { token } = (await t.json()) as { token: string };
  return fetch(h.server.url + path, { headers: { Authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  h = await BotHarness.start({
    prefix,
    install: [PEOPLE.staff, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head],
    env: { DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' },
  });
});
afterAll(async () => {
  await h?.stop();
  for (const c of others) await c.stop();
});

describe('the conversation reference follows every activity', () => {
  it('a person already welcomed who reinstalls with a new service URL gets the next alert there', async () => {
    const moved = await anotherConnector();
    const res = await h.server.post('/api/messages', makeInstall(PEOPLE.dsl, moved.url));
    expect(res.status).toBeLessThan(300);
    // Already welcomed: the reinstall is not answered with a second welcome.
    expect(moved.messagesTo(conversationOf(PEOPLE.dsl))).toHaveLength(0);

    const { case: c } = await h.db.submit(PEOPLE.staff.aad, { category: 'indecentImagesOfChildren' });
    await moved.waitUntil(() => alertsTo(moved, PEOPLE.dsl, c.reference).length === 1, 10_000, 'alert at the new service URL');
    await h.settled(c.id);
    expect(alertsTo(h.connector, PEOPLE.dsl, c.reference)).toHaveLength(0);
    // Others' references are untouched.
    expect(alertsTo(h.connector, PEOPLE.deputy, c.reference)).toHaveLength(1);
  });

  it('a card action from a new service URL moves the reference too', async () => {
    const { case: first } = await h.db.submit(PEOPLE.staff.aad, { category: 'radicalisation' });
    await h.settled(first.id);
    const third = await anotherConnector();
    const ack = await h.server.post('/api/messages', makeInvoke(PEOPLE.dsl, third.url, 'dslAcknowledge', { caseId: first.id, schoolId: SCHOOL }));
    expect(ack.status).toBe(200);

    const { case: c } = await h.db.submit(PEOPLE.staff.aad, { category: 'indecentImagesOfChildren' });
    await third.waitUntil(() => alertsTo(third, PEOPLE.dsl, c.reference).length === 1, 10_000, 'alert at the card action service URL');
  });
});

describe('why a delivery failed is visible to operators', () => {
  it('a 403 for one recipient shows on the case with its status and code, and is logged without names', async () => {
    // Let earlier deliveries finish, so the fault hits this case's alert.
    for (let i = 0; i < 100 && (await h.db.outbox.pendingPointers()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    h.connector.failFor(conversationOf(PEOPLE.deputy), { status: 403, code: 'ConversationBlockedByUser' });
    const { case: c } = await h.db.submit(PEOPLE.staff.aad, { category: 'pupilContact', affected: 'me', responsible: 'pupil' });
    const d = await h.settled(c.id);
    const row = d.outbox.find((o) => o.recipient.aadObjectId === PEOPLE.deputy.aad && o.kind === 'dslAlert')!;
    expect(row.state).toBe('failed');
    expect(row.attempts).toBe(1); // a 403 is final: no retries
    expect(row.lastStatus).toBe(403);
    expect(row.lastCode).toBe('ConversationBlockedByUser');

    const r = await tabGet(PEOPLE.dsl, `/api/tab/cases/${c.id}`);
    expect(r.status).toBe(200);
    const detail = (await r.json()) as { deliveries: Array<Record<string, unknown>>; events: Array<Record<string, unknown>> };
    const deputy = detail.deliveries.find((x) => x.recipient === PEOPLE.deputy.name && x.kind === 'dslAlert')!;
    expect(deputy).toMatchObject({ state: 'failed', status: 403, code: 'ConversationBlockedByUser', kindLabel: 'Safeguarding alert to the DSL' });
    expect(deputy.text).toBe('Could not deliver: this person has blocked the app (403, ConversationBlockedByUser)');
    const dsl = detail.deliveries.find((x) => x.recipient === PEOPLE.dsl.name && x.kind === 'dslAlert')!;
    expect(dsl).toMatchObject({ state: 'delivered', status: null, code: null, text: 'Delivered' });
    const receipt = detail.deliveries.find((x) => x.kind === 'receipt')!;
    expect(receipt).toMatchObject({ recipient: PEOPLE.staff.name, kindLabel: 'Receipt to the reporter', text: 'Delivered' });
    // The chronology names each message for what it is.
    expect(detail.events.filter((e) => e.type === 'alertDelivered').map((e) => e.message)).toEqual(expect.arrayContaining(['Receipt to the reporter', 'Safeguarding alert to the DSL']));
    expect(detail.events.find((e) => e.type === 'alertFailed')).toMatchObject({ actor: PEOPLE.deputy.name, message: 'Safeguarding alert to the DSL' });

    const lines = h.server
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"delivery attempt failed"') && l.includes(row.id));
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(logged).toMatchObject({ caseId: c.id, outboxId: row.id, kind: 'dslAlert', status: 403, code: 'ConversationBlockedByUser', final: true });
    const out = h.server.output();
    for (const secret of [PEOPLE.deputy.name, PEOPLE.dsl.name, PEOPLE.staff.name, 'Secret description', 'injected fault']) expect(out).not.toContain(secret);
  });
});
