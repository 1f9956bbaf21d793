import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT, conversationOf, makeInstall, makeMessage, makeSubmit } from '../support/activities.js';

const prefix = 'f' + randomBytes(3).toString('hex');
let connector: ConnectorStub;
let server: ServerProcess;

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix });
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

const cardOf = (r: { body: any }) => r.body?.attachments?.[0]?.content;

describe('foundation: the bot over HTTP against real Azurite', () => {
  it('reports alive and ready', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('welcomes a person who installs the app, and stores their conversation reference', async () => {
    const res = await server.post('/api/messages', makeInstall(PEOPLE.staff, connector.url));
    expect(res.status).toBeLessThan(300);
    await connector.waitUntil(() => connector.messagesTo(conversationOf(PEOPLE.staff)).length > 0);
    const card = cardOf(connector.messagesTo(conversationOf(PEOPLE.staff))[0]);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card.body)).toContain('Hello Sam');
    expect(card.actions.map((a: any) => a.data.choice)).toEqual(['report', 'requestAccount', 'declare', 'proposePost', 'mySubmissions']);

    const refs = TableClient.fromConnectionString(inject('storageConnectionString'), `${prefix}convrefs`, { allowInsecureConnection: true });
    const ref = await refs.getEntity<any>(PEOPLE.staff.aad, TENANT);
    expect(ref.conversationId).toBe(conversationOf(PEOPLE.staff));
    expect(ref.serviceUrl).toBe(connector.url);
    expect(ref.userId).toBe(`29:${PEOPLE.staff.aad}`);
  });

  it('welcomes once when Teams sends both install events, and again after a reinstall', async () => {
    connector.clear();
    const p = PEOPLE.chair;
    const conversationUpdate = { ...makeInstall(p, connector.url), type: 'conversationUpdate', action: undefined, membersAdded: [{ id: '28:safer-social-bot' }] };
    await server.post('/api/messages', makeInstall(p, connector.url));
    await server.post('/api/messages', conversationUpdate);
    await connector.waitUntil(() => connector.messagesTo(conversationOf(p)).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.messagesTo(conversationOf(p))).toHaveLength(1);
    await server.post('/api/messages', { ...makeInstall(p, connector.url), action: 'remove' });
    await server.post('/api/messages', makeInstall(p, connector.url));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(p)).length >= 2);
    expect(connector.messagesTo(conversationOf(p))).toHaveLength(2);
  });

  it('answers an unrecognised message as a question for the policy (here not covered, with the way back to the menu), and "help" with the menu', async () => {
    connector.clear();
    await server.post('/api/messages', makeMessage(PEOPLE.deputy, connector.url, 'what is this?'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(PEOPLE.deputy)).length >= 1);
    await server.post('/api/messages', makeMessage(PEOPLE.deputy, connector.url, 'help'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(PEOPLE.deputy)).length >= 2);
    const msgs = connector.messagesTo(conversationOf(PEOPLE.deputy));
    expect(JSON.stringify(cardOf(msgs[0]))).toContain('Your policy does not cover this');
    expect(JSON.stringify(cardOf(msgs[0]).actions)).toContain('"choice":"help"');
    expect(JSON.stringify(cardOf(msgs[1]).body)).toContain('Hello Rachel');
  });

  it('enrols a person who is not in the seed as staff of the only school', async () => {
    connector.clear();
    const stranger = { aad: '00000000-0000-4000-8000-0000000000ff', name: 'Jo Newstarter' };
    await server.post('/api/messages', makeMessage(stranger, connector.url, 'hi'));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(stranger)).length > 0);
    expect(JSON.stringify(cardOf(connector.messagesTo(conversationOf(stranger))[0]).body)).toContain('Hello Jo');
  });

  it('rejects bad input with a 4xx and stays up', async () => {
    expect((await server.post('/api/messages', '{not json')).status).toBe(400);
    expect((await server.post('/api/messages', { hello: 'world' })).status).toBe(400);
    expect((await server.post('/api/messages', [1, 2])).status).toBe(400);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers an unknown card action with an Adaptive Card error response', async () => {
    const res = await server.post('/api/messages', {
      ...makeSubmit(PEOPLE.staff, connector.url, {}),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'no-such-verb', data: {} } },
    });
    // Universal Actions: the HTTP status mirrors the card response's statusCode.
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.statusCode).toBe(400);
    expect(body.type).toBe('application/vnd.microsoft.error');
  });

  it('never writes message text or names to its logs', async () => {
    const secret = 'my-secret-report-text-' + randomBytes(4).toString('hex');
    await server.post('/api/messages', makeMessage(PEOPLE.staff, connector.url, secret));
    await new Promise((r) => setTimeout(r, 300));
    expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toContain('Sam Taylor');
  });
});
