import type { ConnectorStub } from '../../tests/support/connector-stub.js';
import type { Person } from '../../tests/support/activities.js';
import { BotClient, incidentSteps, turnError } from './bot-client.js';
import { memoryOf, sampleRss } from './memory.js';
import { pngOfSize } from './people.js';
import { SERVER_JS, startNode } from './processes.js';
import type { Report } from './report.js';
import { mb, ms } from './stats.js';

export interface EvidenceOptions {
  env: Record<string, string>;
  connector: ConnectorStub;
  person: Person;
  bytes: number;
}

const sleep = (msecs: number) => new Promise((r) => setTimeout(r, msecs));

/**
 * Target 6: a fresh server takes one small screenshot first (so the download and blob code is loaded and
 * warm), then a 10 MB one. Growth is the peak resident memory while the big one streams (VmRSS sampled
 * every 10 ms, or VmHWM if that rose) minus VmRSS just before it.
 */
export async function evidence(o: EvidenceOptions, report: Report): Promise<void> {
  report.section(`6. Evidence: a ${mb(o.bytes)} screenshot streamed to blob storage`);
  const server = await startNode(SERVER_JS, 'server-evidence', { ...o.env, TABLE_PREFIX: 'benchEvidence', EVIDENCE_CONTAINER: 'bench-evidence' });
  const client = new BotClient(server.url, o.connector);
  try {
    const steps = incidentSteps(client, o.person, { category: 'disparaging', affected: 'school', responsible: 'public', pupilAtRisk: 'no', screenshotUrl: o.connector.serveFile('warm.png', pngOfSize(500 * 1024), 'image/png') });
    for (const s of steps.slice(0, steps.findIndex((x) => x.name === 'screenshot') + 1)) {
      const err = turnError(await s.run(), s.expect);
      if (err) throw new Error(`evidence warm-up step ${s.name} failed: ${err}`);
    }
    const big = o.connector.serveFile('big.png', pngOfSize(o.bytes), 'image/png');
    await sleep(1500);
    const before = memoryOf(server.pid);
    const sampler = sampleRss(server.pid, 10);
    const r = await client.attach(o.person, big);
    const peak = sampler.stop();
    const err = turnError(r, 'Screenshot 2 received');
    if (err) throw new Error(`the ${mb(o.bytes)} screenshot was not received: ${err}`);
    const top = peak.hwm > before.hwm ? peak.hwm : peak.maxRss;
    const growth = top - before.rss;
    report.line(`  turn took ${ms(r.ms)}; VmRSS before ${mb(before.rss)}, VmHWM before ${mb(before.hwm)} → after ${mb(peak.hwm)}, largest VmRSS sample ${mb(peak.maxRss)}`);
    report.figure({ figure: `evidence: RSS growth for a ${mb(o.bytes)} screenshot`, measured: mb(growth), target: '< 30 MB', met: growth < 30 * 1024 * 1024 });
  } finally {
    client.clear();
    await server.stop();
  }
}
