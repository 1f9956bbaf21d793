import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startAzurite, type Azurite } from './support/azurite.js';
import { buildServer } from '../scripts/build-options.js';
import { buildTab } from '../scripts/build-tab.js';

let azurite: Azurite | undefined;
const guardLog = '.tmp/net-guard.log';

declare module 'vitest' {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

/** One Azurite for the whole run (each test file uses its own table prefix), and the server built once. */
export async function setup(project: TestProject): Promise<void> {
  mkdirSync('.tmp', { recursive: true });
  rmSync(guardLog, { force: true });
  writeFileSync(guardLog, '');
  process.env.NET_GUARD_LOG = process.env.NET_GUARD_LOG || guardLog;
  await buildServer();
  await buildTab();
  azurite = await startAzurite();
  project.provide('storageConnectionString', azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
  const blocked = existsSync(guardLog) ? readFileSync(guardLog, 'utf8').trim() : '';
  if (blocked) throw new Error(`Non-loopback connections were attempted during the test run:\n${blocked}`);
}
