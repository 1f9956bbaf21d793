import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { memberEntity, membershipEntity, schoolEntity } from '../../src/storage/directory-repository.js';
import { escapeKey } from '../../src/storage/keys.js';
import { TABLE_NAMES } from '../../src/storage/clients.js';
import { PROFILE_FILES } from '../../src/domain/policy/load.js';
import type { PolicyProfile } from '../../src/domain/policy/profile.js';
import type { Member, School } from '../../src/domain/directory/directory.js';
import type { AckRegister, RolloutResult } from '../../src/tab-api/dto.js';
import { schoolMembers } from '../../tests/support/large-directory.js';
import { BOT, TENANT } from '../../tests/support/activities.js';
import type { ConnectorStub } from '../../tests/support/connector-stub.js';
import { getJson, postJson } from './bot-client.js';
import { OUT_DIR, SERVER_JS, startNode } from './processes.js';
import { sampleRss } from './memory.js';
import type { Report } from './report.js';
import { mb } from './stats.js';

/**
 * Teams' limits (Microsoft Learn, "Optimize your bot with rate limiting in Teams",
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit): per bot per thread
 * (one conversation) 7 operations in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in 3,600 s; globally 50 requests a
 * second per app per tenant. A rollout sends one card to each person (one operation per conversation), so
 * the tenant-wide 50 a second is what bounds it; the app uses ROLLOUT_SENDS_PER_SECOND of it (25 by default)
 * and leaves the rest for replies and safeguarding alerts.
 */
export const TEAMS_TENANT_RPS = 50;
export const TEAMS_THREAD_PER_SECOND = 7;

export interface RolloutBenchOptions {
  env: Record<string, string>;
  azuriteConnectionString: string;
  connector: ConnectorStub;
  staffEach: number;
  /** 1: one school; 5: a trust's five schools at once (one tenant, one budget). */
  schools: number;
  sendsPerSecond: number;
  /** One person in this many has no chat with the app (not installed). */
  unreachableEvery: number;
}

const sleep = (msecs: number) => new Promise((r) => setTimeout(r, msecs));
/** Times the stand-in answers 429 (three sends each time, Retry-After 1 s): at least 10 s the rollout must wait. */
const INJECTIONS = 10;
const CARD = 'policyAcknowledge';

/** The profiles with every school open all day, every day, so the bench does not depend on when it runs. */
function allHoursPolicies(): string {
  const dir = `${OUT_DIR}/policies-all-hours`;
  mkdirSync(dir, { recursive: true });
  cpSync('config/policies', dir, { recursive: true });
  for (const f of PROFILE_FILES) {
    const p = JSON.parse(readFileSync(`${dir}/${f.file}`, 'utf8')) as PolicyProfile;
    p.rollout!.hours = { ...p.rollout!.hours, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
    writeFileSync(`${dir}/${f.file}`, JSON.stringify(p));
  }
  return dir;
}

async function seed(connection: string, prefix: string, directory: Map<School, Member[]>, reachable: (m: Member, i: number) => boolean, connectorUrl: string): Promise<void> {
  const dir = TableClient.fromConnectionString(connection, `${prefix}${TABLE_NAMES.directory}`, { allowInsecureConnection: true });
  const refs = TableClient.fromConnectionString(connection, `${prefix}${TABLE_NAMES.conversationRefs}`, { allowInsecureConnection: true });
  await dir.createTable().catch(() => undefined);
  await refs.createTable().catch(() => undefined);
  const batches: TransactionAction[][] = [];
  const singles: Array<{ table: TableClient; e: Record<string, unknown> & { partitionKey: string; rowKey: string } }> = [];
  const now = new Date().toISOString();
  for (const [school, members] of directory) {
    const rows = [schoolEntity(school), ...members.map(memberEntity)];
    for (let i = 0; i < rows.length; i += 100) batches.push(rows.slice(i, i + 100).map((r) => ['create', r] as TransactionAction));
    members.forEach((m, i) => {
      singles.push({ table: dir, e: membershipEntity(m) });
      if (reachable(m, i))
        singles.push({
          table: refs,
          e: {
            partitionKey: escapeKey(m.aadObjectId), rowKey: escapeKey(TENANT), tenantId: TENANT, aadObjectId: m.aadObjectId, userId: `29:${m.aadObjectId}`, userName: m.name,
            conversationId: `a:personal-${m.aadObjectId}`, serviceUrl: connectorUrl, channelId: 'msteams', botId: BOT.id, botName: BOT.name, updatedAt: now,
          },
        });
    });
  }
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let b = batches.shift(); b; b = batches.shift()) await dir.submitTransaction(b);
  }));
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let s = singles.pop(); s; s = singles.pop()) await s.table.createEntity(s.e);
  }));
}

/**
 * Target 8: a policy rollout to every member of staff. One school of `staffEach`, or a trust's schools at once
 * (one tenant: one budget). 429s with Retry-After are injected every few seconds; every reachable person must
 * get exactly one card, every other be listed as not reached, no send start inside a Retry-After pause, and the
 * rate stay under Teams' tenant-wide limit.
 */
export async function policyRollout(o: RolloutBenchOptions, report: Report): Promise<void> {
  const ids = PROFILE_FILES.slice(0, o.schools).map((f) => f.schoolId);
  const total = ids.length * o.staffEach;
  report.section(`9. Policy rollout: ${ids.length === 1 ? 'one school' : `${ids.length} schools of a trust at once`} × ${o.staffEach.toLocaleString('en-GB')} staff (${total.toLocaleString('en-GB')} cards), ${o.sendsPerSecond} a second`);
  const prefix = `benchRoll${o.schools}`;
  const schools: School[] = ids.map((id, n) => ({ id, name: `${id} school`, referencePrefix: `R${String.fromCharCode(65 + n)}`, headTitle: 'Headteacher', tenantId: TENANT }));
  const directory = new Map(schools.map((s, n) => [s, schoolMembers(s.id, o.staffEach, 60 + n)]));
  const reachable = (_m: Member, i: number) => i % o.unreachableEvery !== 7;
  let expectedReachable = 0;
  for (const members of directory.values()) members.forEach((m, i) => reachable(m, i) && expectedReachable++);
  const seedStarted = Date.now();
  await seed(o.azuriteConnectionString, prefix, directory, reachable, o.connector.url);
  report.line(`  seeded ${total.toLocaleString('en-GB')} members and ${expectedReachable.toLocaleString('en-GB')} conversations in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  const server = await startNode(SERVER_JS, `server-rollout-${o.schools}`, {
    ...o.env,
    STORAGE_CONNECTION_STRING: o.azuriteConnectionString,
    TABLE_PREFIX: prefix,
    POLICIES_DIR: allHoursPolicies(),
    DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true',
    ROLLOUT_SENDS_PER_SECOND: String(o.sendsPerSecond),
  });
  const rss = sampleRss(server.pid, 50);
  o.connector.clear();
  const injections: number[] = [];
  let injector: NodeJS.Timeout | undefined;
  try {
    const auth = async (s: School) => {
      const admin = directory.get(s)!.find((m) => m.roles.includes('admin'))!;
      const token = (JSON.parse((await postJson(`${server.url}/api/tab/dev/token`, { aadObjectId: admin.aadObjectId })).body) as { token: string }).token;
      return { authorization: `Bearer ${token}`, 'x-school-id': s.id };
    };
    const headers = await Promise.all(schools.map(auth));

    // Throttling: every 5 s (ten times) the next three sends are answered 429 with Retry-After: 1.
    const inject = () => {
      if (injections.length >= INJECTIONS) return;
      injections.push(Date.now());
      o.connector.failNext(...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '1' } })));
    };
    const started = Date.now();
    const results = await Promise.all(schools.map(async (s, n) => {
      const r = await postJson(`${server.url}/api/tab/policy/rollout`, {}, headers[n]);
      if (r.status !== 200) throw new Error(`rollout in ${s.id}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
      return JSON.parse(r.body) as RolloutResult;
    }));
    const queuedMs = Date.now() - started;
    setTimeout(inject, 2000);
    injector = setInterval(inject, 5000);

    // Until every reachable person has the card (or the time is clearly over).
    const ideal = expectedReachable / o.sendsPerSecond;
    const deadline = started + (ideal * 3 + 60) * 1000;
    const cards = () => o.connector.sent.filter((r) => r.method === 'POST' && JSON.stringify(r.body?.attachments ?? []).includes(CARD));
    let got = cards();
    while (new Set(got.map((r) => r.conversationId)).size < expectedReachable && Date.now() < deadline) {
      await sleep(500);
      got = cards();
    }
    clearInterval(injector);
    injector = undefined;
    const lastAt = Math.max(...got.map((r) => r.at));
    const seconds = (lastAt - started) / 1000;
    const conversations = new Map<string, number>();
    for (const r of got) conversations.set(r.conversationId, (conversations.get(r.conversationId) ?? 0) + 1);
    const duplicates = [...conversations.values()].filter((n) => n > 1).length;

    // The busiest second, and sends that started inside a Retry-After pause (after the 429s were answered).
    const times = got.map((r) => r.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const inPause = injections.map((t) => times.filter((x) => x >= t + 400 && x < t + 1000).length);
    const worstPause = inPause.length ? Math.max(...inPause) : 0;

    // The register of each school: every member listed, as reached or not reached; none lost.
    let settledRegs: AckRegister[] = [];
    for (let i = 0; i < 120; i++) {
      settledRegs = await Promise.all(schools.map(async (s, n) => JSON.parse((await getJson(`${server.url}/api/tab/policy/acknowledgements`, headers[n])).body) as AckRegister));
      if (settledRegs.every((r) => r.counts.queued === 0)) break;
      await sleep(500);
    }
    const sum = (k: keyof AckRegister['counts']) => settledRegs.reduce((a, r) => a + (r.counts[k] ?? 0), 0);
    const listed = sum('awaiting') + sum('unreachable') + sum('acknowledged') + sum('failed');
    const lost = total - listed + Math.max(0, expectedReachable - conversations.size);
    const { maxRss, hwm } = rss.stop();

    report.line(`  queued ${results.reduce((a, r) => a + r.queued, 0).toLocaleString('en-GB')} cards (batched transactions) in ${queuedMs} ms`);
    report.line(`  ${conversations.size.toLocaleString('en-GB')} of ${expectedReachable.toLocaleString('en-GB')} reachable people had the card ${seconds.toFixed(1)} s after "send" (ideal at ${o.sendsPerSecond}/s: ${ideal.toFixed(0)} s); ${duplicates} got it twice`);
    report.line(`  register: ${sum('awaiting')} have it, ${sum('unreachable')} listed as not reached (app not installed), ${sum('failed')} failed, ${sum('queued')} still queued; ${total - listed} missing`);
    report.line(`  throttling: ${injections.length * 3} 429s injected (Retry-After 1 s, ${injections.length} times, 5 s apart); sends starting inside a pause: at most ${worstPause} (in flight when the 429 came)`);
    report.line(`  busiest second: ${busiest} sends (Teams: ${TEAMS_TENANT_RPS} a second per app per tenant); per conversation: at most ${Math.max(0, ...conversations.values())} (Teams: ${TEAMS_THREAD_PER_SECOND} a second)`);
    report.line(`  server RSS: largest sampled ${mb(maxRss)}, peak (VmHWM) ${mb(hwm)}`);
    const label = o.schools === 1 ? 'one school' : `${o.schools} schools`;
    // The budget's pace, plus the pauses Teams asked for (Retry-After), with half again for everything else.
    const paused = injections.length;
    const target = (ideal + paused) * 1.5;
    report.figure({ figure: `rollout ${label}: every reachable card (${expectedReachable})`, measured: `${seconds.toFixed(1)} s`, target: `< ${target.toFixed(0)} s (1.5 × (${expectedReachable}/${o.sendsPerSecond} a second + ${paused} s paused))`, met: seconds < target && conversations.size === expectedReachable });
    report.figure({ figure: `rollout ${label}: lost (not delivered, not listed) or sent twice`, measured: String(lost + duplicates), target: '0', met: lost + duplicates === 0 });
    report.figure({ figure: `rollout ${label}: busiest second`, measured: `${busiest} sends`, target: `< ${TEAMS_TENANT_RPS} (Teams per tenant)`, met: busiest < TEAMS_TENANT_RPS });
    report.figure({ figure: `rollout ${label}: sends inside a Retry-After pause`, measured: String(worstPause), target: '≤ 8 (in flight)', met: worstPause <= 8 });
    report.figure({ figure: `rollout ${label}: server peak RSS (VmHWM)`, measured: mb(hwm), target: '< 300 MB', met: hwm < 300 * 1024 * 1024 });
  } finally {
    if (injector) clearInterval(injector);
    rss.stop();
    o.connector.clear();
    await server.stop();
  }
}
