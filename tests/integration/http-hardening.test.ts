import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { waitFor } from '../support/ports.js';
import { productionEnv, startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT, makeMessage } from '../support/activities.js';
import { APP_ID_URI, CLIENT_ID, JwksStub } from '../support/tokens.js';

const prefix = 'h' + randomBytes(3).toString('hex');
const HEADERS_TIMEOUT_MS = 1500;
let connector: ConnectorStub;
let jwks: JwksStub;
/** Development, both DANGEROUSLY_ switches on, single sign-on configured, a short headers timeout. */
let dev: ServerProcess;
/** Production: bot authentication on, a public https address. */
let prod: ServerProcess;

beforeAll(async () => {
  [connector, jwks] = await Promise.all([new ConnectorStub().start(), new JwksStub(TENANT).start()]);
  const conn = inject('storageConnectionString');
  const sso = { AAD_APP_CLIENT_ID: CLIENT_ID, AAD_APP_TENANT_ID: TENANT, AAD_APP_ID_URI: APP_ID_URI, SSO_JWKS_URL: jwks.url };
  [dev, prod] = await Promise.all([
    startServer({
      STORAGE_CONNECTION_STRING: conn,
      TABLE_PREFIX: prefix,
      DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      ...sso,
    }),
    startServer(
      productionEnv({
        STORAGE_CONNECTION_STRING: conn,
        TABLE_PREFIX: prefix + 'p',
        LINK_SIGNING_SECRET: 'production-secret-' + randomBytes(16).toString('hex'),
        PUBLIC_BASE_URL: 'https://safer.example.org',
        ...sso,
      }),
    ),
  ]);
});
afterAll(async () => {
  await Promise.all([dev?.kill('SIGTERM'), prod?.kill('SIGTERM')]);
  await Promise.all([connector?.stop(), jwks?.stop()]);
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch will not send a Host of our choosing). */
function request(server: ServerProcess, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        agent: false,
        headers: { ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** What a tunnel or proxy on this machine looks like to the server: each alone must be enough to refuse. */
const THROUGH_A_TUNNEL: Array<[string, (port: number) => Record<string, string>]> = [
  ['the tunnel\'s public Host', () => ({ Host: 'abc123-3978.euw.devtunnels.ms' })],
  ['a non-loopback Host with a loopback-looking prefix', (port) => ({ Host: `127.0.0.1.nip.io:${port}` })],
  ['X-Forwarded-For', (port) => ({ Host: `127.0.0.1:${port}`, 'X-Forwarded-For': '203.0.113.7' })],
  ['X-Forwarded-Host', (port) => ({ Host: `127.0.0.1:${port}`, 'X-Forwarded-Host': 'abc123-3978.euw.devtunnels.ms' })],
  ['X-Forwarded-Proto', (port) => ({ Host: `localhost:${port}`, 'X-Forwarded-Proto': 'https' })],
  ['Forwarded', (port) => ({ Host: `127.0.0.1:${port}`, Forwarded: 'for=203.0.113.7;proto=https' })],
  ['Via', (port) => ({ Host: `127.0.0.1:${port}`, Via: '1.1 proxy' })],
];
const ON_THIS_MACHINE: Array<[string, (port: number) => Record<string, string>]> = [
  ['127.0.0.1', (port) => ({ Host: `127.0.0.1:${port}` })],
  ['localhost', (port) => ({ Host: `localhost:${port}` })],
  ['[::1]', (port) => ({ Host: `[::1]:${port}` })],
  ['localhost without a port', () => ({ Host: 'localhost' })],
];

describe('development switches: requests made on this machine only, never through a tunnel', () => {
  it.each(THROUGH_A_TUNNEL)('refuses an unauthenticated bot message with %s', async (_what, headers) => {
    const r = await request(dev, 'POST', '/api/messages', headers(dev.port), makeMessage(PEOPLE.staff, connector.url, 'help'));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/this machine only/);
  });

  it.each(ON_THIS_MACHINE)('accepts an unauthenticated bot message with Host %s', async (_what, headers) => {
    const r = await request(dev, 'POST', '/api/messages', headers(dev.port), makeMessage(PEOPLE.staff, connector.url, 'help'));
    expect(r.status).toBe(200);
  });

  it.each(THROUGH_A_TUNNEL)('refuses the development sign-in routes with %s', async (_what, headers) => {
    const users = await request(dev, 'GET', '/api/tab/dev/users', headers(dev.port));
    expect(users.status).toBe(403);
    expect(users.body).not.toContain(PEOPLE.dsl.name);
    const token = await request(dev, 'POST', '/api/tab/dev/token', headers(dev.port), { aadObjectId: PEOPLE.dsl.aad });
    expect(token.status).toBe(403);
    expect(token.body).not.toMatch(/token/i);
  });

  it.each(THROUGH_A_TUNNEL)('refuses a development token minted on this machine and replayed with %s', async (_what, headers) => {
    const minted = await request(dev, 'POST', '/api/tab/dev/token', { Host: `127.0.0.1:${dev.port}` }, { aadObjectId: PEOPLE.dsl.aad });
    expect(minted.status).toBe(200);
    const { token } = JSON.parse(minted.body) as { token: string };
    const here = await request(dev, 'GET', '/api/tab/me', { Host: `localhost:${dev.port}`, Authorization: `Bearer ${token}` });
    expect(here.status).toBe(200);
    expect(JSON.parse(here.body)).toMatchObject({ aadObjectId: PEOPLE.dsl.aad, signedInVia: 'dev' });
    for (const path of ['/api/tab/me', '/api/tab/cases']) {
      const replayed = await request(dev, 'GET', path, { ...headers(dev.port), Authorization: `Bearer ${token}` });
      expect(replayed.status, path).toBe(403);
      expect(replayed.body, path).not.toContain(PEOPLE.dsl.name);
    }
  });

  it('still accepts a single sign-on token through a tunnel (real sign-in is what the tunnelled setup uses)', async () => {
    const r = await request(dev, 'GET', '/api/tab/me', { Host: 'abc123-3978.euw.devtunnels.ms', 'X-Forwarded-For': '203.0.113.7', Authorization: `Bearer ${await jwks.sso(PEOPLE.head.aad)}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ aadObjectId: PEOPLE.head.aad, signedInVia: 'sso' });
  });
});

describe('tab single sign-on: a person\'s delegated token for access_as_user only', () => {
  it.each([
    ['without scp', { scp: undefined }],
    ['with another scope', { scp: 'User.Read' }],
    ['with a scope that only starts like ours', { scp: 'access_as_user_admin' }],
    ['with scp that is not a string', { scp: ['access_as_user'] }],
    ['of an app (idtyp=app), even with our scope', { idtyp: 'app' }],
    ['of an app (client credentials: roles, no scp)', { idtyp: 'app', scp: undefined, roles: ['Cases.Read'] }],
  ])('refuses a token %s', async (_what, claims) => {
    const r = await request(dev, 'GET', '/api/tab/me', { Authorization: `Bearer ${await jwks.sso(PEOPLE.head.aad, { claims })}` });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain(PEOPLE.head.name);
  });

  it.each([
    ['with access_as_user alone', {}],
    ['with access_as_user among other scopes', { scp: 'User.Read access_as_user openid' }],
    ['of a user (idtyp=user)', { idtyp: 'user' }],
  ])('accepts a token %s', async (_what, claims) => {
    const r = await request(dev, 'GET', '/api/tab/me', { Authorization: `Bearer ${await jwks.sso(PEOPLE.head.aad, { claims })}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ aadObjectId: PEOPLE.head.aad, signedInVia: 'sso' });
  });
});

describe('the bot endpoint never tells a caller why it failed', () => {
  const activity = () => makeMessage(PEOPLE.staff, connector.url, 'help');

  it.each([
    ['no token', {}],
    ['a malformed bearer token', { Authorization: 'Bearer not-a-token' }],
    ['a token that is not a JWT', { Authorization: 'Bearer abc.def.ghi' }],
  ])('answers %s with a bare 401', async (_what, headers) => {
    const r = await request(prod, 'POST', '/api/messages', headers, activity());
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({ error: 'Unauthorized' });
  });

  it('logs the refusal by error name, without the SDK\'s text', async () => {
    const refusals = () => prod.output().split('\n').filter((l) => l.includes('bot request not authenticated'));
    // The server's output reaches the test through a pipe: wait for the three lines rather than race them.
    await waitFor(async () => refusals().length >= 3, 5_000, 'three refusals logged').catch(() => undefined);
    const lines = refusals();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('errorName');
    expect(prod.output()).not.toMatch(/Unauthorized Access|No valid identity|Request is not authorized/i);
  });
});

describe('HTTP server limits and headers', () => {
  it(`closes a connection whose headers are still arriving after ${HEADERS_TIMEOUT_MS} ms`, async () => {
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(dev.port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      // One more header line now and then: a slow client that never finishes.
      const drip = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
      const giveUp = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        reject(new Error('the server still held the connection after 10 s'));
      }, 10_000);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        resolve(Date.now() - started);
      });
    });
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    // The timeout plus one sweep of Node's connection check (a quarter of the timeout here) and some slack.
    expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS * 2 + 1000);
  });

  it('keeps idle connections longer than App Service\'s front end does (230 s), so it never closes one under it', async () => {
    const r = await request(prod, 'GET', '/healthz', { Connection: 'keep-alive' });
    expect(r.status).toBe(200);
    expect(r.headers['keep-alive']).toBe('timeout=240');
  });

  it('tells browsers to use https only (HSTS) in production, and not on a development server over http', async () => {
    const p = await request(prod, 'GET', '/healthz');
    expect(p.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const d = await request(dev, 'GET', '/healthz');
    expect(d.status).toBe(200);
    expect(d.headers['strict-transport-security']).toBeUndefined();
  });
});
