import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { buildServer, SERVER_NODE_FLAGS } from '../build-options.js';
import { canConnect, freePort, waitFor } from '../lib/ports.js';
import { connectionStringFor } from '../../tests/support/azurite.js';
import type { ProxyCounts, ProxyReady } from './counting-proxy.js';

export const OUT_DIR = '.tmp/bench';
export const SERVER_JS = 'dist/server.js';
export const ECHO_JS = `${OUT_DIR}/echo-server.js`;
const PROXY_JS = `${OUT_DIR}/counting-proxy.js`;

/** The server exactly as shipped (dist/server.js), plus the echo server and the proxy, bundled the same way. */
export async function buildAll(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  await Promise.all([
    buildServer(),
    buildServer({ entryPoints: ['scripts/bench/echo-server.ts'], outfile: ECHO_JS }),
    buildServer({ entryPoints: ['scripts/bench/counting-proxy.ts'], outfile: PROXY_JS }),
  ]);
}

export interface CountingProxy {
  connectionString: string;
  pid: number;
  snapshot(): Promise<ProxyCounts>;
  /** The counts so far, and start again from zero. */
  reset(): Promise<ProxyCounts>;
  stop(): Promise<void>;
}

export async function startProxy(azurite: { tablePort: number; blobPort: number }): Promise<CountingProxy> {
  const child = fork(PROXY_JS, [], {
    env: { ...process.env, PROXY_TABLE_TARGET: String(azurite.tablePort), PROXY_BLOB_TARGET: String(azurite.blobPort) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ProxyReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ProxyReady));
    child.once('exit', (code) => reject(new Error(`counting proxy exited with ${code}`)));
  });
  let next = 1;
  const waiting = new Map<number, (c: ProxyCounts) => void>();
  child.on('message', (m: { id?: number; counts?: ProxyCounts }) => {
    if (m.id && m.counts) waiting.get(m.id)?.(m.counts);
    if (m.id) waiting.delete(m.id);
  });
  const ask = (op: 'snapshot' | 'reset') =>
    new Promise<ProxyCounts>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ id, op });
    });
  return {
    connectionString: connectionStringFor(ready.blobPort, ready.tablePort),
    pid: child.pid!,
    snapshot: () => ask('snapshot'),
    reset: () => ask('reset'),
    stop: () => stopChild(child),
  };
}

export interface NodeProcess {
  url: string;
  pid: number;
  logFile: string;
  /** The log lines (JSON) the process wrote so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Start a bundled server (dist/server.js or the echo server) as its own process; resolves once /readyz answers. */
export async function startNode(entry: string, name: string, env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  mkdirSync(OUT_DIR, { recursive: true });
  const logFile = `${OUT_DIR}/${name}.log`;
  const fd = openSync(logFile, 'w');
  // BENCH_CPU_PROF=1: profile the server processes (not the echo server); open the .cpuprofile in Chrome DevTools.
  const profile = process.env.BENCH_CPU_PROF === '1' && entry === SERVER_JS ? ['--cpu-prof', `--cpu-prof-dir=${OUT_DIR}/prof`, `--cpu-prof-name=${name}.${Date.now()}.cpuprofile`] : [];
  // The server runs as it is deployed (SERVER_NODE_FLAGS: its heap budget).
  const child = spawn(process.execPath, [...profile, ...(entry === SERVER_JS ? SERVER_NODE_FLAGS : []), entry], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      APP_ENV: 'development',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitFor(async () => (await fetch(`${url}/readyz`)).ok, 30_000, `${name} /readyz`), exited]);
  return { url, pid: child.pid!, logFile, log: () => readFileSync(logFile, 'utf8'), stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

export interface BenchAzurite {
  connectionString: string;
  tablePort: number;
  blobPort: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Azurite as tests/support/azurite.ts starts it, but with --inMemoryPersistence: on disk it re-saves its
 * whole database every 5 s, which with 100,000 rows stalls it for a second or more at a time — an
 * emulator artefact that Azure Table storage does not have, and that would swamp the figures.
 */
export async function startAzuriteInMemory(): Promise<BenchAzurite> {
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      'node_modules/azurite/dist/src/azurite.js', '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose', '--inMemoryPersistence',
      '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
      '--queueHost', '127.0.0.1', '--queuePort', String(queuePort),
      '--tableHost', '127.0.0.1', '--tablePort', String(tablePort),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitFor(async () => (await canConnect(tablePort)) && (await canConnect(blobPort)), 20_000, 'Azurite');
  return { connectionString: connectionStringFor(blobPort, tablePort), tablePort, blobPort, pid: child.pid!, stop: () => stopChild(child) };
}
