import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { freePort } from '../support/ports.js';
import { settledCount, skipBrowserTests, startPlayground, type ChatPage, type TestPlayground } from '../support/playground.js';

const prefix = 'pg' + randomBytes(3).toString('hex');
let server: ServerProcess;
let playground: TestPlayground;
let chat: ChatPage;

describe.skipIf(skipBrowserTests)('the bot in the Agents Playground, driven in headless Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    const playgroundPort = await freePort();
    server = await startServer({
      STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
      TABLE_PREFIX: prefix,
      ATTACHMENT_ALLOWED_HOSTS: `127.0.0.1:${playgroundPort},localhost:${playgroundPort}`,
    });
    playground = await startPlayground({ botUrl: `${server.url}/api/messages`, currentUser: 'sam', port: playgroundPort });
    chat = await playground.openChat();
  }, 90_000);

  afterAll(async () => {
    await playground?.stop();
    await server?.kill('SIGTERM');
  });

  it('answers "hi" typed in the chat with the welcome card', async () => {
    const welcome = chat.cards('Hello Sam');
    const before = await settledCount(welcome);
    await chat.send('hi');
    await expect.poll(() => welcome.count(), { timeout: 15_000 }).toBe(before + 1);
    await welcome.last().getByRole('button', { name: 'Report an incident' }).waitFor({ state: 'visible', timeout: 5_000 });
  });

  it('delivers a custom activity sent through the playground API, and shows the reply', async () => {
    const welcome = chat.cards('Hello Sam');
    const before = await settledCount(welcome);
    await playground.sendCustomActivity({ type: 'message', text: 'help' });
    await expect.poll(() => welcome.count(), { timeout: 15_000 }).toBe(before + 1);
  });
});

describe('the playground preload', () => {
  it('pins a listen() without a host to loopback', async () => {
    const script = "const s = require('node:http').createServer().listen(0, () => { console.log(JSON.stringify(s.address())); s.close(); });";
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', new URL('../../scripts/lib/listen-on-loopback.mjs', import.meta.url).href, '-e', script]);
    expect(JSON.parse(stdout).address).toBe('127.0.0.1');
  });
});
