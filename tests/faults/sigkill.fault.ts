import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, conversationOf, makeInstall, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { devAttachmentBearer } from '../../src/evidence/bearer.js';
import { CATEGORIES, ReportDriver, pendingForReports, sha256, type ReportOutcome } from './report-driver.js';

/**
 * SIGKILL at random moments while 100 reports are made. What the reporter was told was saved must exist
 * with its screenshot, and every alert it owed must be delivered once the server is back.
 */

const REPORTERS = 10;
const REPORTS_EACH = 10;
const prefix = 'k' + randomBytes(3).toString('hex');
const SECRET = 'sigkill-fault-link-signing-secret-' + randomBytes(8).toString('hex');
let connector: ConnectorStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;

const reporter = (i: number): Person => ({ aad: `00000000-0000-4000-8000-0000000010${String(i).padStart(2, '0')}`, name: `Reporter ${i}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  connector.expectedBearer = devAttachmentBearer(SECRET);
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    LINK_SIGNING_SECRET: SECRET,
    ATTACHMENT_ALLOWED_HOSTS: new URL(connector.url).host,
  });
  db = direct(inject('storageConnectionString'), prefix);
  // Everyone an alert can go to has the app (a conversation with the bot).
  for (const p of [PEOPLE.head, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.chair]) expect((await server.post('/api/messages', makeInstall(p, connector.url))).status).toBeLessThan(300);
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

describe('fault: the server is killed with SIGKILL at random points during 100 reports', () => {
  it('keeps every report the reporter was told was saved, with its screenshot, and delivers every alert it owed', async () => {
    const driver = new ReportDriver(() => server.url, connector, { giveUpAfterMs: 120_000 });
    const outcomes: ReportOutcome[] = [];
    let done = false;
    const restarts: number[] = [];
    const t0 = Date.now();

    // The killer: SIGKILL after a random 0.3-2.5 s of work, start again at once, until every report is in.
    const killer = (async () => {
      while (!done) {
        await sleep(300 + Math.random() * 2200);
        if (done) break;
        const t = Date.now();
        await server.restart();
        restarts.push(Date.now() - t);
      }
    })();

    await Promise.all(
      Array.from({ length: REPORTERS }, async (_, i) => {
        const p = reporter(i);
        const known = new Set<string>();
        for (let k = 0; k < REPORTS_EACH; k++) {
          const o = await driver.report(p, `${prefix}-${i}-${k}`, CATEGORIES[(i + k) % CATEGORIES.length], known);
          known.add(o.reference);
          outcomes.push(o);
        }
      }),
    );
    done = true;
    await killer;
    const submittingMs = Date.now() - t0;

    // What the reporters were told: every "Your reference is" that reached the connector stand-in.
    const told = new Map<string, Person>();
    for (let i = 0; i < REPORTERS; i++) {
      const p = reporter(i);
      for (const m of connector.messagesTo(conversationOf(p))) {
        for (const [, ref] of String(m.body?.text ?? '').matchAll(/Your reference is ([A-Z]+-\d{4}-\d{4})/g)) told.set(ref, p);
      }
    }
    expect(outcomes).toHaveLength(REPORTERS * REPORTS_EACH);
    expect(new Set(outcomes.map((o) => o.reference)).size).toBe(outcomes.length);
    for (const o of outcomes) expect(told.has(o.reference), o.reference).toBe(true);

    // Every one of them is stored, by its reporter, with the screenshot that was sent (bytes and hash).
    const byRef = new Map(outcomes.map((o) => [o.reference, o]));
    let found = 0;
    let withEvidence = 0;
    for (const [ref, p] of told) {
      const id = await db.caseRepo.idByReference('westbrook', ref);
      expect(id, ref).toBeDefined();
      const d = (await db.caseRepo.get('westbrook', id!))!;
      found++;
      expect(d.case.submitter.aadObjectId).toBe(p.aad);
      const o = byRef.get(ref)!;
      expect(String(d.case.answers.whatHappened)).toContain(o.tag);
      expect(d.evidence.map((v) => v.sha256)).toContain(o.sha256);
      for (const v of d.evidence) {
        const bytes = await db.storage.evidence.getBlockBlobClient(v.blobName).downloadToBuffer();
        expect(sha256(bytes)).toBe(v.sha256);
      }
      withEvidence++;
    }

    // No case was made that nobody was told about (a resend after a kill finds the first one).
    let orphans = 0;
    for (let i = 0; i < REPORTERS; i++) {
      const mine = await db.caseRepo.listMine('westbrook', reporter(i).aad, { pageSize: 100 });
      orphans += mine.items.filter((s) => !told.has(s.reference)).length;
    }

    // After the last restart, every alert owed by those reports is delivered.
    const t1 = Date.now();
    for (let i = 0; i < 600 && (await pendingForReports(db.outbox)).length > 0; i++) await sleep(100);
    const drainMs = Date.now() - t1;
    expect(await pendingForReports(db.outbox)).toEqual([]);
    let owed = 0;
    let delivered = 0;
    let seenByRecipient = 0;
    let duplicates = 0;
    for (const ref of told.keys()) {
      const d = (await db.caseRepo.get('westbrook', (await db.caseRepo.idByReference('westbrook', ref))!))!;
      for (const o of d.outbox) {
        owed++;
        if (o.state === 'delivered') delivered++;
        const got = connector.messagesTo(`a:personal-${o.recipient.aadObjectId}`).filter((m) => JSON.stringify(m.body).includes(ref) && !String(m.body?.text ?? '').includes('Your reference is')).length;
        if (got > 0) seenByRecipient++;
        if (got > 1) duplicates += got - 1;
      }
    }
    expect(delivered).toBe(owed);
    expect(seenByRecipient).toBe(owed);

    const duplicateSubmits = (server.output().match(/"duplicate":true/g) ?? []).length;
    const summary = {
      reportsSubmitted: outcomes.length,
      kills: restarts.length,
      requestsUnanswered: driver.stats.unanswered,
      turns: driver.stats.turns,
      reportsConfirmed: told.size,
      reportsFound: found,
      reportsWithEvidence: withEvidence,
      orphanCases: orphans,
      resentSubmitsThatFoundTheSavedCase: duplicateSubmits,
      alertsOwed: owed,
      alertsDelivered: delivered,
      alertsSeenByRecipient: seenByRecipient,
      duplicateAlertMessages: duplicates,
      restartMs: { mean: Math.round(restarts.reduce((a, b) => a + b, 0) / Math.max(1, restarts.length)), max: Math.max(...restarts) },
      submittingMs,
      alertDrainAfterLastRestartMs: drainMs,
    };
    // eslint-disable-next-line no-console
    console.info(`[sigkill.fault] ${JSON.stringify(summary)}`);
    expect(restarts.length).toBeGreaterThanOrEqual(5);
    expect(orphans).toBe(0);
  });
});
