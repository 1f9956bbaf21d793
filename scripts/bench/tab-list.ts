import { randomBytes } from 'node:crypto';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { PEOPLE } from '../../tests/support/activities.js';
import { caseEntity, eventEntity, indexEntity, rowKeys, summaryOf } from '../../src/storage/case-repository.js';
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

/** Target 5: the first page of open cases and a case's detail, as the headteacher, with 20,000 cases in the school. */
export async function tabList(o: TabListOptions, report: Report): Promise<void> {
  report.section(`5. Cases tab: ${o.cases.toLocaleString('en-GB')} cases in the school, ${o.open} open`);
  const server = await startNode(SERVER_JS, 'server-tab', { ...o.env, TABLE_PREFIX, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true' });
  try {
    const table = TableClient.fromConnectionString(o.azuriteConnectionString, `${TABLE_PREFIX}cases`, { allowInsecureConnection: true });
    const seeded = await seed(table, o.cases, o.open);
    report.line(`  seeded ${o.cases.toLocaleString('en-GB')} cases (${seeded.rows.toLocaleString('en-GB')} rows in the school's partition) in ${seeded.seconds.toFixed(1)} s`);

    const tokenRes = await postJson(`${server.url}/api/tab/dev/token`, { aadObjectId: PEOPLE.head.aad });
    const auth = { authorization: `Bearer ${(JSON.parse(tokenRes.body) as { token: string }).token}` };
    const get = async (path: string) => {
      const t = performance.now();
      const r = await getJson(server.url + path, auth);
      if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
      return { ms: performance.now() - t, body: JSON.parse(r.body) as Record<string, unknown> };
    };

    for (let i = 0; i < 10; i++) await get('/api/tab/cases');
    await o.proxy.reset();
    const listMs: number[] = [];
    let ids: string[] = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await get('/api/tab/cases');
      listMs.push(r.ms);
      ids = (r.body.items as Array<{ id: string }>).map((x) => x.id);
    }
    const listCounts = await o.proxy.reset();
    const listRequests = count(listCounts) / o.runs;
    const listStorageMs = storageMs(listCounts) / o.runs;
    if (ids.length !== 25) throw new Error(`the first page held ${ids.length} cases, not 25`);

    for (let i = 0; i < 5; i++) await get(`/api/tab/cases/${ids[i]}`);
    await o.proxy.reset();
    const detailMs: number[] = [];
    for (let i = 0; i < o.runs; i++) detailMs.push((await get(`/api/tab/cases/${ids[i % ids.length]}`)).ms);
    const detailCounts = await o.proxy.reset();
    const detailRequests = count(detailCounts) / o.runs;
    const detailStorageMs = storageMs(detailCounts) / o.runs;

    const list = latency(listMs);
    const detail = latency(detailMs);
    report.line(`  first page of open cases  ${describeLatency(list)}`);
    report.line(`    ${listRequests.toFixed(2)} storage requests each (${Object.entries(listCounts).filter(([k]) => !k.startsWith('ms ')).map(([k, v]) => `${k}×${v}`).join(', ')}), ${ms(listStorageMs)} of it waiting for Azurite (mean)`);
    report.line(`  case detail               ${describeLatency(detail)}`);
    report.line(`    ${detailRequests.toFixed(2)} storage requests each (read the case's key range, then record the view), ${ms(detailStorageMs)} of it waiting for Azurite (mean)`);
    report.figure({ figure: 'tab: first page of open cases p95', measured: ms(list.p95), target: '< 50 ms', met: list.p95 < 50 });
    report.figure({ figure: 'tab: storage requests per list', measured: listRequests.toFixed(2), target: '<= 3', met: listRequests <= 3 });
    report.figure({ figure: 'tab: case detail p95', measured: ms(detail.p95), target: '< 30 ms', met: detail.p95 < 30 });
  } finally {
    await server.stop();
  }
}
