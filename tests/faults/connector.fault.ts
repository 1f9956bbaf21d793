import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub, type Fault } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, conversationOf, makeInstall, makeMessage } from '../support/activities.js';
import { direct } from '../support/direct.js';

/**
 * The Bot Connector failing: 500s, 429 with Retry-After, and sends that never answer. Alerts are retried a
 * bounded number of times, then marked failed on the case; the server keeps answering meanwhile.
 * Bounds come from configuration (OUTBOX_MAX_ATTEMPTS, OUTBOX_SEND_TIMEOUT_MS), shortened here.
 */

const MAX_ATTEMPTS = 3;
const SEND_TIMEOUT_MS = 1500;
const prefix = 'c' + randomBytes(3).toString('hex');
/** The DSL's conversation lives on this stand-in, which is told to fail. */
let faulty: ConnectorStub;
/** Everyone else's (the person chatting while a send hangs) on this one, which never fails. */
let healthy: ConnectorStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;
const results: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  faulty = await new ConnectorStub().start();
  healthy = await new ConnectorStub().start();
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    OUTBOX_POLL_MS: '200',
    OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    OUTBOX_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
  });
  db = direct(inject('storageConnectionString'), prefix);
  // Only the DSL has the app (on the faulty connector), so every send of a safeguarding case goes to them;
  // the deputy and the reporter are unreachable and take no sends.
  expect((await server.post('/api/messages', makeInstall(PEOPLE.dsl, faulty.url))).status).toBeLessThan(300);
  expect((await server.post('/api/messages', makeInstall(PEOPLE.teacher2, healthy.url))).status).toBeLessThan(300);
  await faulty.waitUntil(() => faulty.sent.length >= 1);
});
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.info(`[connector.fault] ${JSON.stringify(results)}`);
  await server?.kill('SIGTERM');
  await faulty?.stop();
  await healthy?.stop();
});

/** Save a safeguarding case while the DSL's connector misbehaves; wait for the DSL's alert to reach a final state. */
async function alertUnder(faults: Fault[], during?: () => Promise<void>) {
  faulty.failNext(...faults);
  const t0 = Date.now();
  const { case: c } = await db.submit(PEOPLE.staff.aad, { category: 'pupilContact', responsible: 'pupil' });
  let probing = true;
  const probe = during ? (async () => { while (probing) await during(); })() : Promise.resolve();
  let d = await db.caseRepo.get('westbrook', c.id);
  const dslRow = () => d!.outbox.find((o) => o.recipient.aadObjectId === PEOPLE.dsl.aad)!;
  for (let i = 0; i < 600 && dslRow().state === 'pending'; i++) {
    await sleep(50);
    d = await db.caseRepo.get('westbrook', c.id);
  }
  const finalMs = Date.now() - t0;
  probing = false;
  await probe;
  // No attempt beyond the bound: one more would have reached the stand-in (its faults are used up) and been recorded.
  await sleep(2 * SEND_TIMEOUT_MS);
  d = await db.caseRepo.get('westbrook', c.id);
  const reached = faulty.messagesTo(conversationOf(PEOPLE.dsl)).filter((m) => JSON.stringify(m.body).includes(c.reference)).length;
  return { c, row: dslRow(), events: d!.events, finalMs, reached };
}

function expectFailedOnCase(r: Awaited<ReturnType<typeof alertUnder>>) {
  expect(r.row.state).toBe('failed');
  expect(r.row.attempts).toBe(MAX_ATTEMPTS);
  expect(r.reached).toBe(0);
  const failed = r.events.filter((e) => e.type === 'alertFailed');
  expect(failed).toHaveLength(1);
  expect(failed[0].actor?.aadObjectId).toBe(PEOPLE.dsl.aad);
  expect(failed[0].data).toMatchObject({ attempts: MAX_ATTEMPTS, kind: 'dslAlert' });
}

describe('fault: the Bot Connector fails', () => {
  it('500 on every attempt: retried with backoff, then marked failed on the case', async () => {
    const r = await alertUnder(Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 500 })));
    expectFailedOnCase(r);
    expect(r.row.lastError).toBe('HTTP 500');
    // Backoff 500 ms then 1 s (±20%), plus the poll: bounded well under 10 s.
    expect(r.finalMs).toBeGreaterThanOrEqual(1000);
    expect(r.finalMs).toBeLessThan(10_000);
    results.http500 = { attempts: r.row.attempts, state: r.row.state, failedAfterMs: r.finalMs };
  });

  it('429 with Retry-After: 1 on every attempt: waits as asked between attempts, then marked failed', async () => {
    const r = await alertUnder(Array.from({ length: MAX_ATTEMPTS }, () => ({ status: 429, headers: { 'retry-after': '1' } })));
    expectFailedOnCase(r);
    expect(r.row.lastError).toBe('HTTP 429');
    expect(r.finalMs).toBeGreaterThanOrEqual((MAX_ATTEMPTS - 1) * 1000);
    expect(r.finalMs).toBeLessThan(10_000);
    results.http429 = { attempts: r.row.attempts, state: r.row.state, failedAfterMs: r.finalMs };
  });

  it('a send that never answers: each attempt times out, then marked failed; the server answers promptly meanwhile', async () => {
    const health: number[] = [];
    const chat: number[] = [];
    const r = await alertUnder(Array.from({ length: MAX_ATTEMPTS }, () => ({ hang: true as const })), async () => {
      let t = Date.now();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      health.push(Date.now() - t);
      t = Date.now();
      const before = healthy.messagesTo(conversationOf(PEOPLE.teacher2)).length;
      expect((await server.post('/api/messages', makeMessage(PEOPLE.teacher2, healthy.url, 'help'))).status).toBeLessThan(300);
      chat.push(Date.now() - t);
      expect(healthy.messagesTo(conversationOf(PEOPLE.teacher2)).length).toBeGreaterThan(before);
      await sleep(200);
    });
    expectFailedOnCase(r);
    expect(r.row.lastError).toBe('timed out');
    expect(r.finalMs).toBeGreaterThanOrEqual(MAX_ATTEMPTS * SEND_TIMEOUT_MS);
    expect(r.finalMs).toBeLessThan(MAX_ATTEMPTS * SEND_TIMEOUT_MS + 8000);
    expect(chat.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...health)).toBeLessThan(500);
    expect(Math.max(...chat)).toBeLessThan(1000);
    results.hang = {
      attempts: r.row.attempts,
      state: r.row.state,
      failedAfterMs: r.finalMs,
      healthzMs: { n: health.length, max: Math.max(...health) },
      chatTurnMs: { n: chat.length, max: Math.max(...chat) },
    };
  });

  it('once the connector answers again, alerts are delivered (nothing is stuck behind the hung sends)', async () => {
    const r = await alertUnder([]);
    expect(r.row.state).toBe('delivered');
    expect(r.row.attempts).toBe(1);
    expect(r.reached).toBe(1);
    results.recovered = { state: r.row.state, deliveredAfterMs: r.finalMs };
  });
});
