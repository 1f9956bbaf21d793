import { randomBytes } from 'node:crypto';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { PEOPLE } from '../../tests/support/activities.js';
import { caseEntity, eventEntity, indexEntity, rowKeys } from '../../src/storage/case-entities.js';
import { summaryOf } from '../../src/domain/cases/summary.js';
import { escapeKey } from '../../src/storage/keys.js';
import { isOpen, type CaseRecord, type Severity } from '../../src/domain/cases/types.js';
import { getJson, postJson } from './bot-client.js';
import { SERVER_JS, startNode, type CountingProxy } from './processes.js';
import type { Report } from './report.js';
import { describeLatency, latency, ms } from './stats.js';

export interface TabListOptions {
  env: Record<string, string>;
  azuriteConnectionString: string;
  proxy: CountingProxy;
  cases: number;
  open: number;
  runs: number;
}

const TABLE_PREFIX = 'benchTab';
const CATEGORIES = ['cyberbullying', 'trolling', 'disparaging', 'pupilContact', 'staffMisuse', 'dataBreach', 'other'];
const SEVERITIES: Severity[] = ['high', 'medium', 'low'];
const HOUR = 3_600_000;
const count = (c: Record<string, number>) => Object.entries(c).filter(([k]) => !k.startsWith('ms ')).reduce((a, [, v]) => a + v, 0);
const storageMs = (c: Record<string, number>) => Object.entries(c).filter(([k]) => k.startsWith('ms ')).reduce((a, [, v]) => a + v, 0);

/** Case k of the school: newest first, every (cases/open)-th one still open, a mix of routings. */
function makeCase(k: number, every: number, now: number): CaseRecord {
  const safeguarding = k % 4 === 0;
  const aboutHead = k % 17 === 0;
  const createdAt = new Date(now - k * HOUR).toISOString();
  return {
    schoolId: 'westbrook',
    id: randomBytes(8).toString('hex'),
    reference: `SM-${new Date(createdAt).getUTCFullYear()}-${String(100_000 + k)}`,
    kind: 'incident',
    category: CATEGORIES[k % CATEGORIES.length],
    status: k % every === 0 ? 'new' : 'closed',
    routing: { safeguarding, aboutHead, queue: aboutHead ? 'chair' : safeguarding ? 'dsl' : 'slt', severity: SEVERITIES[k % 3], reasons: [] },
    submitter: { aadObjectId: PEOPLE.staff.aad, name: PEOPLE.staff.name },
    answers: { category: CATEGORIES[k % CATEGORIES.length], affected: 'colleague', responsible: 'parent', platform: 'facebook', where: 'https://www.facebook.com/groups/x', when: createdAt, whatHappened: 'Seeded for the benchmark. '.repeat(8), pupilAtRisk: 'no' },
    createdAt,
    updatedAt: createdAt,
    outcome: k % every === 0 ? undefined : 'Resolved with the parent.',
  };
}

/**
 * Writes cases straight into Table storage with the repository's own row layout (case, open/closed index,
 * "my submissions" index, reference, first event): entity-group transactions of up to 100 rows, several
 * in flight at once. Returns the seconds it took.
 */
async function seed(table: TableClient, total: number, open: number): Promise<{ seconds: number; rows: number }> {
  const started = Date.now();
  let rowCount = 0;
  const every = Math.floor(total / open);
  const now = Date.now();
  const pk = escapeKey('westbrook');
  const batches: TransactionAction[][] = [];
  let batch: TransactionAction[] = [];
  for (let k = 0; k < total; k++) {
    const c = makeCase(k, every, now);
    const s = summaryOf(c);
    // Every case gets its case row and its open or closed index row. The open ones, which the tab opens,
    // also get their "my submissions" row, reference row and first event. (Azurite scans a whole partition
    // for every query and insert, so the closed cases' other rows would only slow the emulator: with all of
    // them, seeding alone takes over 5 minutes. Azure reads a key range without touching other rows.)
    const rows: Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> = [
      caseEntity(c),
      indexEntity(pk, isOpen(c.status) ? rowKeys.open(s) : rowKeys.closed(s), s),
    ];
    if (isOpen(c.status)) {
      rows.push(
        indexEntity(pk, rowKeys.mine(c.submitter.aadObjectId, s), s),
        { partitionKey: pk, rowKey: rowKeys.reference(c.reference), caseId: c.id },
        eventEntity(pk, c.id, { at: c.createdAt, type: 'created', actor: c.submitter }),
      );
    }
    rowCount += rows.length;
    if (batch.length + rows.length > 100) {
      batches.push(batch);
      batch = [];
    }
    batch.push(...rows.map((r) => ['create', r] as TransactionAction));
  }
  if (batch.length) batches.push(batch);
  const workers = Array.from({ length: 4 }, async () => {
    for (let b = batches.shift(); b; b = batches.shift()) await table.submitTransaction(b);
  });
  await Promise.all(workers);
  return { seconds: (Date.now() - started) / 1000, rows: rowCount };
}

/**
 * Target 5: the first page of open cases and a case's detail, as the headteacher, with 20,000 cases in the
 * school. The times are measured with the server talking to Azurite directly, as it talks to Table storage
 * in production; the counting proxy adds a hop of its own to every request (measured: about 3 ms each), so
 * the storage requests are counted in a second, shorter pass by a second server that goes through it.
 */
export async function tabList(o: TabListOptions, report: Report): Promise<void> {
  report.section(`5. Cases tab: ${o.cases.toLocaleString('en-GB')} cases in the school, ${o.open} open`);
  // No outbox poll during the measurement: its queries would be counted as the tab's.
  const env = { ...o.env, TABLE_PREFIX, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', OUTBOX_POLL_MS: '3600000' };
  const timed = await startNode(SERVER_JS, 'server-tab', { ...env, STORAGE_CONNECTION_STRING: o.azuriteConnectionString });
  const counted = await startNode(SERVER_JS, 'server-tab-counted', env);
  try {
    const table = TableClient.fromConnectionString(o.azuriteConnectionString, `${TABLE_PREFIX}cases`, { allowInsecureConnection: true });
    const seeded = await seed(table, o.cases, o.open);
    report.line(`  seeded ${o.cases.toLocaleString('en-GB')} cases (${seeded.rows.toLocaleString('en-GB')} rows in the school's partition) in ${seeded.seconds.toFixed(1)} s`);

    /** `runs` first pages, then `runs` case details (of the cases on the first page), after a warm-up. */
    const measure = async (url: string, runs: number, between: () => Promise<unknown> = async () => undefined) => {
      const tokenRes = await postJson(`${url}/api/tab/dev/token`, { aadObjectId: PEOPLE.head.aad });
      const auth = { authorization: `Bearer ${(JSON.parse(tokenRes.body) as { token: string }).token}` };
      const get = async (path: string) => {
        const t = performance.now();
        const r = await getJson(url + path, auth);
        if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
        return { ms: performance.now() - t, body: JSON.parse(r.body) as Record<string, unknown> };
      };
      for (let i = 0; i < 10; i++) await get('/api/tab/cases');
      await between();
      const listMs: number[] = [];
      let ids: string[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await get('/api/tab/cases');
        listMs.push(r.ms);
        ids = (r.body.items as Array<{ id: string }>).map((x) => x.id);
      }
      if (ids.length !== 25) throw new Error(`the first page held ${ids.length} cases, not 25`);
      const afterList = await between();
      for (let i = 0; i < 5; i++) await get(`/api/tab/cases/${ids[i]}`);
      await between();
      const detailMs: number[] = [];
      for (let i = 0; i < runs; i++) detailMs.push((await get(`/api/tab/cases/${ids[i % ids.length]}`)).ms);
      return { listMs, detailMs, afterList, afterDetail: await between() };
    };

    const t = await measure(timed.url, o.runs);
    const countedRuns = 25;
    const c = await measure(counted.url, countedRuns, () => o.proxy.reset());
    const listCounts = c.afterList as Record<string, number>;
    const detailCounts = c.afterDetail as Record<string, number>;
    const listRequests = count(listCounts) / countedRuns;
    const listStorageMs = storageMs(listCounts) / countedRuns;
    const detailRequests = count(detailCounts) / countedRuns;
    const detailStorageMs = storageMs(detailCounts) / countedRuns;

    const list = latency(t.listMs);
    const detail = latency(t.detailMs);
    const viaProxy = { list: latency(c.listMs), detail: latency(c.detailMs) };
    report.line(`  first page of open cases  ${describeLatency(list)}`);
    report.line(`    ${listRequests.toFixed(2)} storage requests each (${Object.entries(listCounts).filter(([k]) => !k.startsWith('ms ')).map(([k, v]) => `${k}×${v}`).join(', ')}), ${ms(listStorageMs)} of it waiting for Azurite (mean)`);
    report.line(`    through the counting proxy (${countedRuns} runs): ${describeLatency(viaProxy.list)}`);
    report.line(`  case detail               ${describeLatency(detail)}`);
    report.line(`    ${detailRequests.toFixed(2)} storage requests each (the case's key range is read while the view is recorded), ${ms(detailStorageMs)} of storage time (mean, summed: the two overlap)`);
    report.line(`    through the counting proxy (${countedRuns} runs): ${describeLatency(viaProxy.detail)}`);
    report.figure({ figure: 'tab: first page of open cases p95', measured: ms(list.p95), target: '< 50 ms', met: list.p95 < 50 });
    report.figure({ figure: 'tab: storage requests per list', measured: listRequests.toFixed(2), target: '<= 3', met: listRequests <= 3 });
    report.figure({ figure: 'tab: case detail p95', measured: ms(detail.p95), target: '< 30 ms', met: detail.p95 < 30 });
  } finally {
    await Promise.all([timed.stop(), counted.stop()]);
  }
}
