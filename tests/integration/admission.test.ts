import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT, conversationOf, makeInvoke, makeMessage, type Person } from '../support/activities.js';
import { direct } from '../support/direct.js';
import { TABLE_NAMES } from '../../src/storage/clients.js';

/**
 * Who the bot acts for at all (the schools' tenant, over Teams), who may enrol (members of the tenant, not
 * guests), and where flows run (the 1:1 chat only). The one-school seed: config/schools.seed.json.
 */
const prefix = 'ad' + randomBytes(3).toString('hex');
const OTHER_TENANT = '99999999-0000-4000-8000-000000000099';
let connector: ConnectorStub;
let server: ServerProcess;
let db: ReturnType<typeof direct>;

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix });
  db = direct(inject('storageConnectionString'), prefix);
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

/** Every row of every table, ETags included, so any write shows. */
async function snapshot(): Promise<string[]> {
  const all = await Promise.all(
    (Object.keys(TABLE_NAMES) as Array<keyof typeof TABLE_NAMES>).map(async (key) => {
      const out: string[] = [];
      for await (const e of db.storage.table(key).listEntities()) out.push(`${key} ${e.partitionKey} ${e.rowKey} ${e.etag}`);
      return out;
    }),
  );
  return all.flat().sort();
}

const newPerson = (name: string): Person => ({ aad: `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`, name });
const said = (conversationId: string) => connector.messagesTo(conversationId).map((r) => JSON.stringify(r.body ?? {}));
const settle = () => new Promise((r) => setTimeout(r, 300));

/** A message in a team channel or a group chat the person and the bot are in. */
function inShared(p: Person, kind: 'channel' | 'groupChat', conversationId: string, text: string) {
  return makeMessage(p, connector.url, `<at>Safer Social</at> ${text}`, {
    conversation: { id: conversationId, conversationType: kind, isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, ...(kind === 'channel' ? { team: { id: '19:team@thread.tacv2' }, channel: { id: conversationId } } : {}) },
  });
}

describe('the bot acts only for the schools\' tenant', () => {
  it('refuses a message from another tenant with one plain sentence and stores nothing', async () => {
    const outsider = newPerson('Olly Outsider');
    const before = await snapshot();
    const res = await server.post(
      '/api/messages',
      makeMessage(outsider, connector.url, 'report', {
        conversation: { id: conversationOf(outsider), conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      }),
    );
    expect(res.status).toBeLessThan(300);
    await connector.waitUntil(() => connector.messagesTo(conversationOf(outsider)).length >= 1);
    await settle();
    expect(connector.messagesTo(conversationOf(outsider))).toHaveLength(1);
    expect(connector.messagesTo(conversationOf(outsider))[0].body.text).toBe('Safer Social is not available to your organisation.');
    expect(connector.rosterLookups).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // The log names the tenant, never the person.
    expect(server.output()).toContain(OTHER_TENANT);
    expect(server.output()).not.toContain('Olly Outsider');
  });

  it('refuses a seeded person whose activity names another tenant, and one whose two tenant fields disagree', async () => {
    const before = await snapshot();
    const foreign = makeMessage(PEOPLE.staff, connector.url, 'my submissions', { channelData: { tenant: { id: OTHER_TENANT } } });
    const mixed = makeMessage(PEOPLE.teacher2, connector.url, 'my submissions', {
      conversation: { id: conversationOf(PEOPLE.teacher2), conversationType: 'personal', tenantId: OTHER_TENANT },
    });
    for (const a of [foreign, mixed]) expect((await server.post('/api/messages', a)).status).toBeLessThan(300);
    await connector.waitUntil(() => said(conversationOf(PEOPLE.staff)).length >= 1 && said(conversationOf(PEOPLE.teacher2)).length >= 1);
    expect(said(conversationOf(PEOPLE.staff))).toEqual([expect.stringContaining('not available to your organisation')]);
    expect(said(conversationOf(PEOPLE.teacher2))).toEqual([expect.stringContaining('not available to your organisation')]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an activity from a channel other than Teams', async () => {
    const before = await snapshot();
    const web = makeMessage(PEOPLE.head, connector.url, 'help', { channelId: 'webchat' });
    expect((await server.post('/api/messages', web)).status).toBeLessThan(300);
    await connector.waitUntil(() => said(conversationOf(PEOPLE.head)).length >= 1);
    expect(said(conversationOf(PEOPLE.head))).toEqual([expect.stringContaining('not available to your organisation')]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers a card action from another tenant with a plain message, not a 4xx, and runs no handler', async () => {
    const before = await snapshot();
    const res = await server.post('/api/messages', {
      ...makeInvoke(PEOPLE.dsl, connector.url, 'ackAlert', { caseId: 'x', schoolId: 'westbrook' }),
      channelData: { tenant: { id: OTHER_TENANT } },
      conversation: { id: conversationOf(PEOPLE.dsl), conversationType: 'personal', tenantId: OTHER_TENANT },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Safer Social is not available to your organisation.' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('who may enrol: members of the school\'s tenant, not guests', () => {
  it('refuses a guest, stores nothing, and enrols nobody', async () => {
    const guest = newPerson('Gail Guest');
    connector.roster.set(`29:${guest.aad}`, { userRole: 'guest' });
    const before = await snapshot();
    await server.post('/api/messages', makeMessage(guest, connector.url, 'report'));
    await connector.waitUntil(() => said(conversationOf(guest)).length >= 1);
    await settle();
    expect(said(conversationOf(guest))).toHaveLength(1);
    expect(said(conversationOf(guest))[0]).toContain('guest and visitor accounts cannot use it');
    expect(connector.rosterLookups).toContain(`29:${guest.aad}`);
    expect(await db.directory.member('westbrook', guest.aad)).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an anonymous account the same way', async () => {
    const anon = newPerson('Anon');
    connector.roster.set(`29:${anon.aad}`, { userRole: 'anonymous' });
    await server.post('/api/messages', makeMessage(anon, connector.url, 'hi'));
    await connector.waitUntil(() => said(conversationOf(anon)).length >= 1);
    expect(said(conversationOf(anon))[0]).toContain('guest and visitor accounts cannot use it');
    expect(await db.directory.member('westbrook', anon.aad)).toBeUndefined();
  });

  it('refuses politely when Teams cannot say who someone is, and enrols them once it can', async () => {
    const p = newPerson('Rory Roster');
    connector.roster.set(`29:${p.aad}`, 404);
    await server.post('/api/messages', makeMessage(p, connector.url, 'hi'));
    await connector.waitUntil(() => said(conversationOf(p)).length >= 1);
    expect(said(conversationOf(p))[0]).toContain('could not check your account with Teams just now');
    expect(await db.directory.member('westbrook', p.aad)).toBeUndefined();

    connector.roster.delete(`29:${p.aad}`);
    await server.post('/api/messages', makeMessage(p, connector.url, 'hi'));
    await connector.waitUntil(() => said(conversationOf(p)).length >= 2);
    expect(said(conversationOf(p))[1]).toContain('Hello Rory');
    expect((await db.directory.member('westbrook', p.aad))?.roles).toEqual(['staff']);
  });

  it('enrols a member of the tenant as staff of its only school at once, asking Teams only that first time', async () => {
    const p = newPerson('Tam Teacher');
    connector.rosterLookups.length = 0;
    await server.post('/api/messages', makeMessage(p, connector.url, 'hi'));
    await connector.waitUntil(() => said(conversationOf(p)).length >= 1);
    expect(said(conversationOf(p))[0]).toContain('Hello Tam');
    expect((await db.directory.member('westbrook', p.aad))?.roles).toEqual(['staff']);
    await server.post('/api/messages', makeMessage(p, connector.url, 'help'));
    await server.post('/api/messages', makeMessage(PEOPLE.staff, connector.url, 'help'));
    await connector.waitUntil(() => said(conversationOf(p)).length >= 2 && said(conversationOf(PEOPLE.staff)).length >= 1);
    expect(connector.rosterLookups).toEqual([`29:${p.aad}`]);
  });
});

describe('flows run only in the 1:1 chat', () => {
  const channel = '19:staffroom@thread.tacv2';
  const group = '19:group-chat-abc@thread.v2';

  it('answers "report" in a channel with one pointer to the 1:1 chat, and writes nothing', async () => {
    const before = await snapshot();
    const inPrivate = connector.messagesTo(conversationOf(PEOPLE.teacher2)).length;
    await server.post('/api/messages', inShared(PEOPLE.teacher2, 'channel', channel, 'report'));
    await connector.waitUntil(() => connector.messagesTo(channel).length >= 1);
    await settle();
    expect(connector.messagesTo(channel)).toHaveLength(1);
    const reply = JSON.stringify(connector.messagesTo(channel)[0].body);
    expect(reply).toContain('only in your own 1:1 chat with it');
    expect(reply).not.toContain('What happened');
    expect(reply).not.toMatch(/category|Cyberbullying/i);
    expect(connector.messagesTo(conversationOf(PEOPLE.teacher2))).toHaveLength(inPrivate);
    expect(await snapshot()).toEqual(before);
  });

  it('a newcomer in a channel is not enrolled and Teams is not asked about them', async () => {
    const p = newPerson('Chan Newcomer');
    connector.rosterLookups.length = 0;
    const before = await snapshot();
    await server.post('/api/messages', inShared(p, 'channel', channel, 'hi'));
    await connector.waitUntil(() => connector.messagesTo(channel).length >= 2);
    expect(connector.rosterLookups).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('"cancel" in a group chat does nothing to anyone\'s report', async () => {
    // Priya starts a report in her own chat.
    const mine = conversationOf(PEOPLE.teacher2);
    const earlier = connector.messagesTo(mine).length;
    await server.post('/api/messages', makeMessage(PEOPLE.teacher2, connector.url, 'report'));
    await connector.waitUntil(() => connector.messagesTo(mine).length >= earlier + 1);
    const before = await snapshot();

    // Someone else, and Priya herself, type "cancel" in a group chat they share with the bot.
    await server.post('/api/messages', inShared(PEOPLE.staff, 'groupChat', group, 'cancel'));
    await server.post('/api/messages', inShared(PEOPLE.teacher2, 'groupChat', group, 'cancel'));
    await connector.waitUntil(() => connector.messagesTo(group).length >= 2);
    await settle();
    expect(connector.messagesTo(group)).toHaveLength(2);
    expect(connector.messagesTo(group).map((m) => JSON.stringify(m.body))).toEqual([expect.stringContaining('1:1 chat'), expect.stringContaining('1:1 chat')]);
    expect(connector.messagesTo(mine)).toHaveLength(earlier + 1);
    expect(await snapshot()).toEqual(before);

    // Her report is where she left it, at its first question.
    await server.post('/api/messages', makeMessage(PEOPLE.teacher2, connector.url, 'back'));
    await connector.waitUntil(() => connector.messagesTo(mine).length >= earlier + 2);
    expect(JSON.stringify(connector.messagesTo(mine)[earlier + 1].body)).toContain('This is the first question.');
  });
});
