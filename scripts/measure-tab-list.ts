/**
 * Measures the Cases tab's list API with 1,000 open cases: starts Azurite and the built server
 * (npm run build first), seeds directly into storage, then times GET /api/tab/cases as the headteacher.
 * Run: npx tsx scripts/measure-tab-list.ts
 */
import { randomBytes } from 'node:crypto';
import { startAzurite } from '../tests/support/azurite.js';
import { startServer } from '../tests/support/server-process.js';
import { direct } from '../tests/support/direct.js';
import { seedCase } from '../tests/support/tab-seed.js';
import { PEOPLE } from '../tests/support/activities.js';
import type { Severity } from '../src/domain/cases/types.js';

const N = Number(process.env.CASES ?? 1000);
const RUNS = 60;

async function main(): Promise<void> {
  const azurite = await startAzurite();
  const prefix = 'm' + randomBytes(3).toString('hex');
  const server = await startServer({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', LOG_LEVEL: 'warn' });
  try {
    const db = direct(azurite.connectionString, prefix);
    const cats = ['cyberbullying', 'trolling', 'disparaging', 'pupilContact', 'staffMisuse'];
    const sev: Severity[] = ['high', 'medium', 'low'];
    for (let i = 0; i < N; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, N - i) }, (_, j) => {
          const k = i + j;
          return seedCase(db.caseRepo, {
            category: cats[k % cats.length],
            routing: { safeguarding: k % 4 === 0, aboutHead: k % 10 === 0, severity: sev[k % 3], queue: 'slt' },
            submitterAad: PEOPLE.staff.aad,
            createdAt: new Date(Date.now() - k * 3_600_000),
          });
        }),
      );
    }
    const { token } = (await (await fetch(`${server.url}/api/tab/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ aadObjectId: PEOPLE.head.aad }) })).json()) as { token: string };
    const time = async (path: string) => {
      const ms: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        const res = await fetch(server.url + path, { headers: { Authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${path}: ${res.status}`);
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1);
      console.log(`${path.padEnd(48)} p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  (${RUNS} runs, ${N} cases)`);
    };
    await time('/api/tab/cases');
    await time('/api/tab/cases?severity=high&category=trolling');
    await time('/api/tab/cases?assignee=none&pageSize=100');
    await time('/api/tab/cases/stats');
  } finally {
    await server.kill('SIGTERM');
    await azurite.stop();
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
