import type { ConnectorStub } from '../../tests/support/connector-stub.js';
import type { Person } from '../../tests/support/activities.js';
import { BotClient, ORDINARY_STEPS, incidentSteps, turnError, type StepName } from './bot-client.js';
import { ECHO_JS, SERVER_JS, startNode, type CountingProxy } from './processes.js';
import type { Report } from './report.js';
import { pngOfSize } from './people.js';
import { describeLatency, latency } from './stats.js';

export interface FloorOptions {
  env: Record<string, string>;
  connector: ConnectorStub;
  proxy: CountingProxy;
  /** Conversations in flight at once (each sends its next turn as soon as the last is answered). */
  conversations: number;
  people: Person[];
  /** Rounds of the measured loop; the first is a warm-up. */
  rounds: number;
  /** A person not used elsewhere, for the storage request count. */
  counted: Person;
}

/**
 * Targets 1 and 2. The floor: the echo server (same restify server, adapter and state storage) at
 * `conversations` concurrent conversations. Then the real server with the same concurrency, each
 * conversation going through the ordinary steps of the incident flow (start and cancel are not timed).
 * Then one conversation step by step, counting storage requests per step type at the proxy.
 */
export async function floorAndSteps(o: FloorOptions, report: Report): Promise<void> {
  report.section(`1. Floor and ratio: ${o.conversations} concurrent conversations`);
  const echoMs: number[] = [];
  const echo = await startNode(ECHO_JS, 'echo-server', { ...o.env, TABLE_PREFIX: 'benchEcho' });
  try {
    const client = new BotClient(echo.url, o.connector);
    const turnsPerRound = 9; // as many turns per round as a round of the incident loop
    await Promise.all(
      o.people.slice(0, o.conversations).map(async (p) => {
        for (let round = 0; round < o.rounds; round++) {
          for (let t = 0; t < turnsPerRound; t++) {
            const r = await client.say(p, `hello ${round}.${t}`);
            const err = turnError(r, 'echo');
            if (err) throw new Error(`echo turn failed: ${err}`);
            if (round > 0) echoMs.push(r.ms);
          }
        }
      }),
    );
    client.clear();
  } finally {
    await echo.stop();
  }

  const stepMs: number[] = [];
  const byStep = new Map<StepName, number[]>();
  const server = await startNode(SERVER_JS, 'server-steps', { ...o.env, TABLE_PREFIX: 'benchSteps', OUTBOX_POLL_MS: '600000' });
  try {
    const client = new BotClient(server.url, o.connector);
    await Promise.all(
      o.people.slice(0, o.conversations).map(async (p) => {
        for (let round = 0; round < o.rounds; round++) {
          const steps = incidentSteps(client, p, { category: 'cyberbullying', affected: 'colleague', responsible: 'parent', pupilAtRisk: 'no' });
          for (const s of steps.filter((x) => x.name === 'start' || ORDINARY_STEPS.includes(x.name))) {
            const r = await s.run();
            const err = turnError(r, s.expect);
            if (err) throw new Error(`incident step ${s.name} failed: ${err}`);
            if (round > 0 && s.name !== 'start') {
              stepMs.push(r.ms);
              byStep.set(s.name, [...(byStep.get(s.name) ?? []), r.ms]);
            }
          }
          const c = await client.say(p, 'cancel');
          if (turnError(c, 'Cancelled')) throw new Error('cancel failed');
        }
      }),
    );
    client.clear();

    const floor = latency(echoMs);
    const step = latency(stepMs);
    report.line(`  echo turn (floor)      ${describeLatency(floor)}`);
    report.line(`  ordinary incident step ${describeLatency(step)}`);
    for (const [name, sample] of byStep) report.line(`    ${name.padEnd(13)} ${describeLatency(latency(sample))}`);
    const ratio = step.p95 / floor.p95;
    report.figure({ figure: 'echo turn p50/p95/p99 (floor)', measured: `${floor.p50.toFixed(1)}/${floor.p95.toFixed(1)}/${floor.p99.toFixed(1)} ms`, target: 'reference' });
    report.figure({ figure: 'incident step p50/p95/p99', measured: `${step.p50.toFixed(1)}/${step.p95.toFixed(1)}/${step.p99.toFixed(1)} ms`, target: 'reference' });
    report.figure({ figure: `step p95 / floor p95 at ${o.conversations} conv.`, measured: `${ratio.toFixed(2)}x`, target: '<= 2.00x', met: ratio <= 2 });

    report.section('2. Storage requests per step (counted at the proxy in front of Azurite)');
    const counts = new Map<StepName, Record<string, number>>();
    await o.proxy.reset();
    const steps = incidentSteps(client, o.counted, { category: 'cyberbullying', affected: 'colleague', responsible: 'parent', pupilAtRisk: 'no', screenshotUrl: o.connector.serveFile('count.png', pngOfSize(20_000), 'image/png') });
    for (const s of steps) {
      const r = await s.run();
      const err = turnError(r, s.expect);
      if (err) throw new Error(`counted step ${s.name} failed: ${err}`);
      counts.set(s.name, await o.proxy.reset());
    }
    client.clear();
    const total = (c: Record<string, number>) => Object.entries(c).filter(([k]) => !k.startsWith('ms ')).reduce((a, [, v]) => a + v, 0);
    for (const [name, c] of counts) {
      const detail = Object.entries(c).filter(([k]) => !k.startsWith('ms ')).map(([k, v]) => `${k.replace(/^(table|blob) /, '$1 ')}×${v}`).join(', ');
      const note = ORDINARY_STEPS.includes(name) ? ' (ordinary)' : name === 'send' ? ' (with the outbox delivering the receipt and notices meanwhile)' : name === 'start' ? ' (first turn: conversation reference saved, directory read)' : '';
      report.line(`  ${name.padEnd(13)} ${String(total(c)).padStart(2)} requests${note}: ${detail}`);
    }
    const worst = Math.max(...ORDINARY_STEPS.map((n) => total(counts.get(n) ?? {})));
    report.figure({ figure: 'storage requests per ordinary step (max)', measured: String(worst), target: '<= 2', met: worst <= 2 });
    for (const n of ['start', 'pupilAtRisk', 'screenshot', 'done', 'send'] as StepName[]) {
      report.figure({ figure: `storage requests: ${n} step`, measured: String(total(counts.get(n) ?? {})), target: 'reference' });
    }
  } finally {
    await server.stop();
  }
}
