import { TableClient, type TransactionAction } from '@azure/data-tables';
import { memberEntity, membershipEntity, schoolEntity } from '../../src/storage/directory-repository.js';
import { trustSchools, schoolMembers } from '../../tests/support/large-directory.js';
import { makeActivity, type Person } from '../../tests/support/activities.js';
import type { ConnectorStub } from '../../tests/support/connector-stub.js';
import type { Member } from '../../src/domain/directory/directory.js';
import { BotClient, ORDINARY_STEPS, getJson, incidentSteps, postJson, turnError, type StepName } from './bot-client.js';
import { SERVER_JS, startNode } from './processes.js';
import { sampleRss } from './memory.js';
import type { Report } from './report.js';
import { describeLatency, latency, mb, ms } from './stats.js';

export interface DirectoryScaleOptions {
  env: Record<string, string>;
  azuriteConnectionString: string;
  connector: ConnectorStub;
  schools: number;
  staffEach: number;
}

const TABLE_PREFIX = 'benchDir';
const person = (m: Member): Person => ({ aad: m.aadObjectId, name: m.name });

/**
 * The directory as one deployment for a trust holds it: every school's members in its partition (entity
 * group transactions of 100), and every person's membership row in their own partition (single inserts,
 * many in flight).
 */
async function seed(table: TableClient, directory: Map<string, Member[]>): Promise<number> {
  const started = Date.now();
  await table.createTable().catch(() => undefined);
  const batches: TransactionAction[][] = [];
  const singles: Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> = [];
  for (const school of trustSchools(directory.size)) {
    const rows = [schoolEntity(school), ...directory.get(school.id)!.map(memberEntity)];
    for (let i = 0; i < rows.length; i += 100) batches.push(rows.slice(i, i + 100).map((r) => ['create', r] as TransactionAction));
    singles.push(...directory.get(school.id)!.map(membershipEntity));
  }
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let b = batches.shift(); b; b = batches.shift()) await table.submitTransaction(b);
  }));
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let e = singles.pop(); e; e = singles.pop()) await table.createEntity(e);
  }));
  return (Date.now() - started) / 1000;
}

/**
 * Target 7: real schools at real size. A trust of `schools` schools of `staffEach` staff in one
 * deployment: the people picker's search, a report's turns, new people's first messages, the tab's assign
 * list, and the server's resident memory with every school's directory in use.
 */
export async function directoryScale(o: DirectoryScaleOptions, report: Report): Promise<void> {
  const total = o.schools * o.staffEach;
  report.section(`7. Real size: a trust of ${o.schools} schools × ${o.staffEach.toLocaleString('en-GB')} staff (${total.toLocaleString('en-GB')} members)`);
  const schools = trustSchools(o.schools);
  const directory = new Map(schools.map((s, n) => [s.id, schoolMembers(s.id, o.staffEach, n)]));
  const table = TableClient.fromConnectionString(o.azuriteConnectionString, `${TABLE_PREFIX}directory`, { allowInsecureConnection: true });
  const seconds = await seed(table, directory);
  report.line(`  seeded ${total.toLocaleString('en-GB')} members (${(total * 2 + o.schools).toLocaleString('en-GB')} rows) in ${seconds.toFixed(1)} s`);

  const server = await startNode(SERVER_JS, 'server-directory', {
    ...o.env,
    STORAGE_CONNECTION_STRING: o.azuriteConnectionString,
    TABLE_PREFIX,
    DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true',
  });
  const rss = sampleRss(server.pid, 20);
  const client = new BotClient(server.url, o.connector);
  try {
    // New people's first messages, in every school: who is speaking, from their index row and a point read.
    const firstMs: number[] = [];
    for (let n = 0; n < o.schools * 4; n++) {
      const m = directory.get(schools[n % o.schools].id)![100 + n];
      const r = await client.say(person(m), 'help');
      const err = turnError(r, 'report');
      if (err) throw new Error(`first message of a member of ${m.schoolId}: ${err}`);
      firstMs.push(r.ms);
    }

    // The people picker as people type, school after school across the whole trust: 8 people in each school
    // type a name, a keystroke at a time. The cache holds about 13 schools of 1,500, so every school's first
    // keystroke finds its list gone (it loads 1,500 members); the rest search the cached list.
    const searchMs: number[] = [];
    const coldMs: number[] = [];
    const words = ['alexandra', 'rutherford', 'teaching assistant', 'o\'callaghan', 'head of', 'szczep', 'nakamura 3', 'whittingham'];
    for (const school of schools) {
      for (let n = 0; n < words.length; n++) {
        const asker = directory.get(school.id)![200 + n];
        for (let k = 1; k <= 6; k++) {
          const t = performance.now();
          const res = await postJson(`${server.url}/api/messages`, makeActivity(person(asker), o.connector.url, {
            type: 'invoke', name: 'application/search', value: { queryText: words[n].slice(0, k), dataset: `staff.${school.id}`, queryOptions: { skip: 0, top: 15 } },
          }));
          (n === 0 && k === 1 ? coldMs : searchMs).push(performance.now() - t);
          const results = (JSON.parse(res.body) as { value?: { results?: unknown[] } }).value?.results;
          if (res.status !== 200 || !Array.isArray(results) || results.length > 15) throw new Error(`search in ${school.id}: HTTP ${res.status}`);
        }
      }
    }

    // Reports from staff across the trust: every step of the incident flow.
    const steps = new Map<StepName, number[]>();
    for (let n = 0; n < 20; n++) {
      const m = directory.get(schools[(n * 7) % o.schools].id)![300 + n];
      await client.say(person(m), 'hello');
      for (const s of incidentSteps(client, person(m), { category: 'trolling', affected: 'colleague', responsible: 'parent', pupilAtRisk: 'no' })) {
        const r = await s.run();
        const err = turnError(r, s.expect);
        if (err) throw new Error(`report step ${s.name} in ${m.schoolId}: ${err}`);
        steps.set(s.name, [...(steps.get(s.name) ?? []), r.ms]);
      }
    }
    const ordinary = ORDINARY_STEPS.flatMap((n) => steps.get(n) ?? []);
    const all = [...steps.values()].flat();

    // The tab's assign list for a case of the first school, as its head.
    const head = directory.get(schools[0].id)![0];
    const token = (JSON.parse((await postJson(`${server.url}/api/tab/dev/token`, { aadObjectId: head.aadObjectId })).body) as { token: string }).token;
    const auth = { authorization: `Bearer ${token}`, 'x-school-id': schools[0].id };
    const list = JSON.parse((await getJson(`${server.url}/api/tab/cases`, auth)).body) as { items: Array<{ id: string }> };
    if (!list.items?.length) throw new Error('no case in the first school for the assign list');
    const assigneesMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const r = await getJson(`${server.url}/api/tab/cases/${list.items[0].id}/assignees`, auth);
      assigneesMs.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`assignees: HTTP ${r.status}`);
    }

    const { maxRss, hwm } = rss.stop();
    const first = latency(firstMs);
    const search = latency(searchMs);
    const cold = latency(coldMs);
    const step = latency(ordinary);
    const turns = latency(all);
    const assign = latency(assigneesMs);
    report.line(`  first message of a new person   ${describeLatency(first)}`);
    report.line(`  people search (keystrokes)      ${describeLatency(search)}`);
    report.line(`    a school's first, loading its list  ${describeLatency(cold)}`);
    report.line(`  report: ordinary steps          ${describeLatency(step)}`);
    report.line(`  report: every turn              ${describeLatency(turns)}`);
    report.line(`  tab: assign list                ${describeLatency(assign)}`);
    report.line(`  server RSS: largest sampled ${mb(maxRss)}, peak (VmHWM) ${mb(hwm)}`);
    report.figure({ figure: `trust: people search p95 (${o.staffEach} staff/school)`, measured: ms(search.p95), target: '< 50 ms', met: search.p95 < 50 });
    report.figure({ figure: 'trust: search that loads its school p95', measured: ms(cold.p95), target: 'reference' });
    report.figure({ figure: 'trust: first message of a new person p95', measured: ms(first.p95), target: '< 300 ms', met: first.p95 < 300 });
    report.figure({ figure: 'trust: report turn p95', measured: ms(turns.p95), target: '< 300 ms', met: turns.p95 < 300 });
    report.figure({ figure: 'trust: tab assign list p95', measured: ms(assign.p95), target: '< 50 ms', met: assign.p95 < 50 });
    report.figure({ figure: `trust: server peak RSS, ${total.toLocaleString('en-GB')} members`, measured: mb(hwm), target: '< 300 MB', met: hwm < 300 * 1024 * 1024 });
  } finally {
    rss.stop();
    await server.stop();
  }
}
