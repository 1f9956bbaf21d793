import { spawn, type ChildProcess } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../scripts/build-options.js';
import { freePort, waitFor } from './ports.js';

export const SERVER_ENTRY = process.env.SAFER_SOCIAL_SERVER_ENTRY ?? 'dist/server.js';

export interface ServerProcess {
  url: string;
  port: number;
  env: Record<string, string>;
  /** What the process wrote to stdout/stderr (JSON log lines): tests check no content leaks. */
  output(): string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

/** The real server as a separate process, built by the test setup, talking to real Azurite. */
/**
 * The environment of a server as production runs it: bot authentication on (a made-up app id, so no request
 * authenticates here), every development switch off. `overrides` adds storage, SSO and the rest.
 */
export function productionEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    APP_ENV: 'production',
    DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: '',
    MicrosoftAppId: '22222222-3333-4444-8555-666666666666',
    MicrosoftAppPassword: 'not-a-real-password',
    ...overrides,
  };
}

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const fullEnv: Record<string, string> = {
    APP_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DANGEROUSLY_ALLOW_UNAUTHENTICATED_BOT_REQUESTS: 'true',
    OUTBOX_POLL_MS: '200',
    ...env,
    PORT: String(port),
  };
  let child: ChildProcess;
  let out = '';
  const launch = async () => {
    child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_ENTRY], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: process.env.NODE_OPTIONS ?? '', NET_GUARD_LOG: process.env.NET_GUARD_LOG ?? '', ...fullEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out.slice(-2000)}`))));
    await Promise.race([waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 20_000, 'server /readyz'), exited]);
    exited.catch(() => undefined);
  };
  await launch();
  const url = `http://127.0.0.1:${port}`;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode) return;
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill(signal);
    });
  };
  return {
    url,
    port,
    env: fullEnv,
    output: () => out,
    post: (path, body, headers = {}) =>
      fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    kill,
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
  };
}
