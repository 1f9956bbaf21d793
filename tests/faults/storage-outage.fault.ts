import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { PEOPLE, makeInstall, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { devAttachmentBearer } from '../../src/evidence/bearer.js';
import { APOLOGY } from '../../src/teams/adapter.js';
import { APOLOGY_MARK, CATEGORIES, ReportDriver, pendingForReports, type ReportOutcome } from './report-driver.js';

/**
 * Azurite stopped for 10 seconds while people are part-way through reports and others keep reporting:
 * each person is told their last answer was not saved and their earlier ones are kept, their place in
 * the flow survives, /readyz says 503 until storage is back, and every report then goes through.
 */

const OUTAGE_MS = 10_000;
const prefix = 's' + randomBytes(3).toString('hex');
const SECRET = 'outage-fault-link-signing-secret-' + randomBytes(8).toString('hex');
/** One person waiting at each question when storage goes away (the last one is about to press Send). */
const STEPS = ['category', 'affected', 'where', 'when', 'whatHappened', 'evidence', 'summary'] as const;
const LOAD_REPORTERS = 4;
const NEXT: Record<(typeof STEPS)[number], string> = {
  category: 'affected',
  affected: 'responsible',
  where: 'when',
  when: 'whatHappened',
  whatHappened: 'pupilAtRisk',
  evidence: 'evidence', // a screenshot is answered in words; the next question is still the screenshots step
  summary: 'done',
};

let azurite: Azurite;
let connector: ConnectorStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;

const person = (i: number): Person => ({ aad: `00000000-0000-4000-8000-0000000020${String(i).padStart(2, '0')}`, name: `Outage reporter ${i}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const v = await f();
  return [v, Date.now() - t];
}
const readyz = () => fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status);

beforeAll(async () => {
  azurite = await startAzurite(); // its own, with a --location on disk: stopped and started on the same ports
  connector = await new ConnectorStub().start();
  connector.expectedBearer = devAttachmentBearer(SECRET);
  server = await startServer({
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    TABLE_PREFIX: prefix,
    LINK_SIGNING_SECRET: SECRET,
    ATTACHMENT_ALLOWED_HOSTS: new URL(connector.url).host,
  });
  db = direct(azurite.connectionString, prefix);
  for (const p of [PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.chair]) expect((await server.post('/api/messages', makeInstall(p, connector.url))).status).toBeLessThan(300);
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
  await azurite?.stop();
});

describe('fault: storage (Azurite) stopped for 10 seconds under load', () => {
  it('tells people plainly, keeps their place, answers 503 on /readyz, and carries on once storage is back', async () => {
    const driver = new ReportDriver(() => server.url, connector, { apologyPauseMs: 500, giveUpAfterMs: 120_000 });
    const waiting = STEPS.map((step, i) => ({ p: person(i), step, tag: `${prefix}-w${i}`, category: CATEGORIES[i % CATEGORIES.length], said: '' }));
    for (const w of waiting) w.said = (await driver.report(w.p, w.tag, w.category, new Set(), { stopAt: w.step })).said;

    // Load: reporters who keep going through the outage, retrying after each apology.
    let stopLoad = false;
    const loadOutcomes: ReportOutcome[] = [];
    const load = Array.from({ length: LOAD_REPORTERS }, async (_, i) => {
      const p = person(50 + i);
      const known = new Set<string>();
      for (let k = 0; !stopLoad; k++) {
        const o = await driver.report(p, `${prefix}-l${i}-${k}`, CATEGORIES[(i + k) % CATEGORIES.length], known);
        known.add(o.reference);
        loadOutcomes.push(o);
      }
    });
    await sleep(1500);
    const beforeOutage = loadOutcomes.length;

    // ---- storage goes away ----
    await azurite.stop();
    const down = Date.now();
    const [readyDown, readyDownMs] = await timed(readyz);
    const [health, healthMs] = await timed(() => fetch(`${server.url}/healthz`).then((r) => r.status));
    expect(readyDown).toBe(503);
    expect(health).toBe(200);

    // Each waiting person answers the question on their screen, and is told it was not saved.
    const apologyMs: number[] = [];
    await Promise.all(
      waiting.map(async (w) => {
        const from = connector.messagesTo(`a:personal-${w.p.aad}`).length;
        const [answered, ms] = await timed(() => driver.turn(driver.inputFor(w.p, w.tag, w.category, w.said)));
        expect(answered).toBe(true);
        const said = driver.saidTo(w.p, from);
        expect(said, w.step).toContain(APOLOGY);
        apologyMs.push(ms);
      }),
    );
    expect(APOLOGY).toMatch(/could not save what you just sent/);
    expect(APOLOGY).toMatch(/earlier answers are kept/);
    expect(APOLOGY).toMatch(/send it again/);

    const readyDuring: number[] = [];
    while (Date.now() - down < OUTAGE_MS) {
      readyDuring.push(await readyz());
      await sleep(500);
    }
    expect(readyDuring.every((s) => s === 503)).toBe(true);

    // ---- storage is back (same ports, same data on disk) ----
    await azurite.restart();
    const up = Date.now();
    let readyMs = -1;
    for (let i = 0; i < 300; i++) {
      if ((await readyz()) === 200) {
        readyMs = Date.now() - up;
        break;
      }
      await sleep(100);
    }
    expect(readyMs).toBeGreaterThanOrEqual(0);

    // The same answer again: accepted, and the next question follows (the earlier answers were kept).
    const firstTurnMs: number[] = [];
    await Promise.all(
      waiting.map(async (w) => {
        const from = connector.messagesTo(`a:personal-${w.p.aad}`).length;
        expect(await driver.turn(driver.inputFor(w.p, w.tag, w.category, w.said))).toBe(true);
        firstTurnMs.push(Date.now() - up);
        const said = driver.saidTo(w.p, from);
        expect(said, w.step).not.toContain(APOLOGY_MARK);
        expect(said, w.step).not.toContain('That card is from an earlier question');
        if (NEXT[w.step] === 'done') expect(said).toMatch(/Your reference is/);
        else expect(ReportDriver.currentStep(said), w.step).toBe(NEXT[w.step]);
        w.said = said;
      }),
    );

    // ...and every report finishes.
    const finished = await Promise.all(waiting.map((w) => driver.report(w.p, w.tag, w.category, new Set(), { resume: w.said })));
    stopLoad = true;
    await Promise.all(load);
    const recoveredAll = Date.now() - up;

    for (const o of [...finished, ...loadOutcomes]) {
      const id = await db.caseRepo.idByReference('westbrook', o.reference);
      expect(id, o.reference).toBeDefined();
      const d = (await db.caseRepo.get('westbrook', id!))!;
      expect(String(d.case.answers.whatHappened)).toContain(o.tag);
      expect(d.evidence.map((v) => v.sha256)).toContain(o.sha256);
    }
    for (let i = 0; i < 600 && (await pendingForReports(db.outbox)).length > 0; i++) await sleep(100);
    let owed = 0;
    let delivered = 0;
    for (const o of [...finished, ...loadOutcomes]) {
      const d = (await db.caseRepo.get('westbrook', (await db.caseRepo.idByReference('westbrook', o.reference))!))!;
      owed += d.outbox.length;
      delivered += d.outbox.filter((x) => x.state === 'delivered').length;
    }
    expect(delivered).toBe(owed);

    const summary = {
      outageMs: up - down,
      readyzWhileDown: { status: readyDown, ms: readyDownMs, probes: readyDuring.length },
      healthzWhileDownMs: healthMs,
      peopleMidReport: waiting.length,
      timeToApologyMs: { min: Math.min(...apologyMs), max: Math.max(...apologyMs) },
      readyzBackAfterMs: readyMs,
      firstTurnsOkAfterMs: { min: Math.min(...firstTurnMs), max: Math.max(...firstTurnMs) },
      loadReportsBeforeOutage: beforeOutage,
      loadReportsTotal: loadOutcomes.length,
      apologiesSeenByLoad: driver.stats.apologies,
      reportsConfirmedAndFound: finished.length + loadOutcomes.length,
      alertsOwed: owed,
      alertsDelivered: delivered,
      allFinishedAfterMs: recoveredAll,
    };
    // eslint-disable-next-line no-console
    console.info(`[storage-outage.fault] ${JSON.stringify(summary)}`);
  });
});
