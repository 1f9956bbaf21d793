import { loadavg } from 'node:os';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { ConnectorStub } from '../../tests/support/connector-stub.js';
import { PEOPLE, conversationOf, type Person } from '../../tests/support/activities.js';
import { BotClient, incidentSteps, referenceIn, turnError, type ReportPlan } from './bot-client.js';
import { cpuSecondsOf, memoryOf } from './memory.js';
import { pngOfSize } from './people.js';
import { SERVER_JS, startNode, type CountingProxy } from './processes.js';
import type { Report } from './report.js';
import { describeLatency, latency, mb, ms } from './stats.js';

export interface SurgeOptions {
  env: Record<string, string>;
  proxy: CountingProxy;
  azuritePid: number;
  /** Azurite itself (not the proxy): counting what was saved must not disturb the counts. */
  azuriteConnectionString: string;
  connector: ConnectorStub;
  people: Person[];
  screenshotBytes: number;
  /** Each simulated person pauses this long between answers (uniformly at random): people read the card first. */
  thinkMs: [number, number];
  /** One report in `safeguardingEvery` is a safeguarding concern (DSL alerts). */
  safeguardingEvery: number;
}

const TABLE_PREFIX = 'benchSurge';
const CONTAINER = 'bench-surge';
const DSLS = [PEOPLE.dsl, PEOPLE.deputy];
const sleep = (msecs: number) => new Promise((r) => setTimeout(r, msecs));

/**
 * Targets 3 and 4: every simulated person completes a report with one screenshot, all at once; then
 * every case and every blob is counted in storage, and each safeguarding report's DSL cards are timed
 * from the moment its "Send report" turn was sent to the moment the stand-in received the last DSL card.
 */
export async function surge(o: SurgeOptions, report: Report): Promise<void> {
  report.section(`3-4. Surge: ${o.people.length} people report at once, each with a ${Math.round(o.screenshotBytes / 1024)} KB screenshot`);
  const server = await startNode(SERVER_JS, 'server-surge', { ...o.env, TABLE_PREFIX, EVIDENCE_CONTAINER: CONTAINER });
  const client = new BotClient(server.url, o.connector);
  try {
    // The DSLs, the head and the chair have the app installed, so their conversation references exist.
    for (const p of [PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head, PEOPLE.chair]) {
      const r = await client.install(p);
      if (r.status >= 300) throw new Error(`install for ${p.name} failed: HTTP ${r.status}`);
    }
    const image = pngOfSize(o.screenshotBytes);
    const turnMs: number[] = [];
    const byStep = new Map<string, number[]>();
    const cpuBefore = cpuSecondsOf(server.pid);
    const otherCpuBefore = [cpuSecondsOf(o.azuritePid), cpuSecondsOf(o.proxy.pid), process.cpuUsage()];
    await o.proxy.reset();
    const rssBefore = memoryOf(server.pid).rss;
    const errors: string[] = [];
    const sent: Array<{ reference: string; at: number; safeguarding: boolean }> = [];
    const started = Date.now();
    const think = () => o.thinkMs[0] + Math.random() * (o.thinkMs[1] - o.thinkMs[0]);

    await Promise.all(
      o.people.map(async (p, i) => {
        const safeguarding = i % o.safeguardingEvery === 0;
        const plan: ReportPlan = safeguarding
          ? { category: 'pupilContact', affected: 'me', responsible: 'pupil', pupilAtRisk: 'unsure', screenshotUrl: o.connector.serveFile(`surge-${i}.png`, image, 'image/png') }
          : { category: 'cyberbullying', affected: 'colleague', responsible: 'parent', pupilAtRisk: 'no', screenshotUrl: o.connector.serveFile(`surge-${i}.png`, image, 'image/png') };
        await sleep(Math.random() * o.thinkMs[1]);
        for (const s of incidentSteps(client, p, plan)) {
          let r;
          try {
            r = await s.run();
          } catch (e) {
            errors.push(`${s.name}: ${(e as Error).message}`);
            return;
          }
          turnMs.push(r.ms);
          byStep.set(s.name, [...(byStep.get(s.name) ?? []), r.ms]);
          const err = turnError(r, s.expect);
          if (err) {
            errors.push(`${s.name}: ${err}`);
            return;
          }
          if (s.name === 'send') sent.push({ reference: referenceIn(r.said) ?? '?', at: r.startedAt, safeguarding });
          else await sleep(think());
        }
      }),
    );
    const surgeSeconds = (Date.now() - started) / 1000;
    const hwm = memoryOf(server.pid).hwm;
    const serverCpu = cpuSecondsOf(server.pid) - cpuBefore;
    const azuriteCpu = cpuSecondsOf(o.azuritePid) - (otherCpuBefore[0] as number);
    const proxyCpu = cpuSecondsOf(o.proxy.pid) - (otherCpuBefore[1] as number);
    const benchUsage = process.cpuUsage(otherCpuBefore[2] as NodeJS.CpuUsage);
    const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
    const storage = await o.proxy.reset();
    const storageRequests = Object.entries(storage).filter(([k]) => !k.startsWith('ms ')).reduce((a, [, v]) => a + v, 0);
    const storageWait = Object.entries(storage).filter(([k]) => k.startsWith('ms ')).reduce((a, [, v]) => a + v, 0);

    // Alerts: wait (bounded) for every DSL card, then time each report's last one.
    const alerts = sent.filter((s) => s.safeguarding);
    const cardAt = (dsl: Person, reference: string) =>
      client.messagesTo(conversationOf(dsl)).find((r) => r.body?.attachments?.length && JSON.stringify(r.body).includes(reference) && JSON.stringify(r.body).includes('Safeguarding concern'))?.at;
    const until = Date.now() + 30_000;
    while (Date.now() < until && alerts.some((a) => DSLS.some((d) => cardAt(d, a.reference) === undefined))) await sleep(100);
    const alertMs: number[] = [];
    let missingCards = 0;
    for (const a of alerts) {
      const ats = DSLS.map((d) => cardAt(d, a.reference));
      if (ats.some((t) => t === undefined)) missingCards++;
      else alertMs.push(Math.max(...(ats as number[])) - a.at);
    }

    // Count what was saved: cases, references, evidence rows and blobs.
    const cases = TableClient.fromConnectionString(o.azuriteConnectionString, `${TABLE_PREFIX}cases`, { allowInsecureConnection: true });
    const caseRows: string[] = [];
    let evidenceRows = 0;
    for await (const e of cases.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq 'westbrook' and RowKey ge 'c|' and RowKey lt 'c}'`, select: ['RowKey', 'reference'] } })) {
      const rk = String(e.rowKey);
      if (/^c\|[0-9a-f]{16}$/.test(rk)) caseRows.push(String(e.reference));
      else if (rk.includes('|v|')) evidenceRows++;
    }
    const container = BlobServiceClient.fromConnectionString(o.azuriteConnectionString).getContainerClient(CONTAINER);
    let blobs = 0;
    let wrongSize = 0;
    for await (const b of container.listBlobsFlat()) {
      blobs++;
      if (b.properties.contentLength !== o.screenshotBytes) wrongSize++;
    }
    const failedTurns = (server.log().match(/"msg":"turn failed"/g) ?? []).length;
    const references = new Set(sent.map((s) => s.reference));
    const lost = o.people.length - Math.min(caseRows.length, new Set(caseRows).size, references.size, evidenceRows, blobs - wrongSize);

    const turns = latency(turnMs);
    const alert = latency(alertMs);
    report.line(`  ${o.people.length} reports in ${surgeSeconds.toFixed(1)} s (think time ${o.thinkMs[0]}-${o.thinkMs[1]} ms between answers), ${turnMs.length} turns`);
    report.line(`  turns            ${describeLatency(turns)}`);
    for (const [name, sample] of byStep) report.line(`    ${name.padEnd(13)} ${describeLatency(latency(sample))}`);
    report.line(`  server VmRSS ${mb(rssBefore)} before the surge, peak (VmHWM) ${mb(hwm)}`);
    const share = (cpu: number) => `${cpu.toFixed(1)} s (${((100 * cpu) / surgeSeconds).toFixed(0)}% of a core)`;
    report.line(`  CPU over ${surgeSeconds.toFixed(1)} s: server ${share(serverCpu)}, Azurite ${share(azuriteCpu)}, proxy ${share(proxyCpu)}, bench + stand-in ${share(benchCpu)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    report.line(`  storage: ${storageRequests} requests, mean ${ms(storageWait / Math.max(1, storageRequests))} waiting for Azurite through the proxy`);
    report.line(`  saved: ${caseRows.length} cases (${new Set(caseRows).size} distinct references), ${evidenceRows} evidence rows, ${blobs} blobs (${wrongSize} of the wrong size); ${references.size} references told to reporters`);
    report.line(`  errors: ${errors.length} turns${errors.length ? ` (${[...new Set(errors)].slice(0, 5).join('; ')})` : ''}; "turn failed" in the server log: ${failedTurns}`);
    report.line(`  DSL alerts       ${describeLatency(alert)}; reports without every DSL card: ${missingCards}`);
    const failed = Math.max(errors.length, failedTurns);
    report.figure({ figure: 'surge: failed turns', measured: String(failed), target: '0', met: failed === 0 });
    report.figure({ figure: 'surge: lost reports (cases, blobs)', measured: String(lost), target: '0', met: lost === 0 });
    report.figure({ figure: 'surge: turn p95', measured: ms(turns.p95), target: '< 300 ms', met: turns.p95 < 300 });
    report.figure({ figure: 'surge: server peak RSS (VmHWM)', measured: mb(hwm), target: '< 300 MB', met: hwm < 300 * 1024 * 1024 });
    report.figure({ figure: 'alert latency p95 (send -> every DSL card)', measured: ms(alert.p95), target: '< 250 ms', met: alert.p95 < 250 && missingCards === 0 && alertMs.length > 0 });
  } finally {
    client.clear();
    await server.stop();
  }
}
