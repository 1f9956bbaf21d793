import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { conversationOf, makeInvoke, makeMessage, makeSubmit } from '../support/activities.js';
import { direct } from '../support/direct.js';

/**
 * Ask the policy over HTTP, as a member of each school would: the server process, real Azurite, the demo trust
 * of the five schools. The same question gets each school's own clause; "Was this helpful?" is stored without
 * the question unless the member agreed.
 */
const prefix = 'q' + randomBytes(3).toString('hex');
let connector: ConnectorStub;
let server: ServerProcess;
const owen = { aad: '00000000-0000-4000-8000-000000001001', name: 'Owen Hughes' }; // Newall Green, class teacher
const hannah = { aad: '00000000-0000-4000-8000-000000004001', name: 'Hannah Cole' }; // Beechwood, class teacher
const QUESTION = 'A pupil sent me a friend request on Facebook, can I accept it?';

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    SCHOOLS_SEED_FILE: 'config/schools.demo.json',
  });
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
});

async function ask(person: { aad: string; name: string }, text: string) {
  const before = connector.messagesTo(conversationOf(person)).length;
  const res = await server.post('/api/messages', makeMessage(person, connector.url, text));
  expect(res.status).toBeLessThan(300);
  await connector.waitUntil(() => connector.messagesTo(conversationOf(person)).length > before);
  return connector.messagesTo(conversationOf(person))[before].body.attachments[0].content;
}

describe('the same question, two schools, two different answers', () => {
  it('a Newall Green teacher gets Newall Green\'s numbered clause; a Beechwood teacher gets Beechwood\'s section and words', async () => {
    const newall = JSON.stringify(await ask(owen, QUESTION));
    const beechwood = JSON.stringify(await ask(hannah, QUESTION));
    expect(newall).toContain('What your policy says');
    expect(newall).toMatch(/Newall Green policy §6\.7/);
    expect(newall).not.toContain('Beechwood');
    expect(beechwood).toContain('Beechwood policy §4');
    expect(beechwood).toContain('must decline ‘friend requests’ from pupils');
    expect(beechwood).not.toContain('Newall Green');
    for (const card of [newall, beechwood]) expect(card).toContain('"choice":"report"');
  });

  it('the welcome card\'s box asks too, and a question the policy does not cover names who to ask', async () => {
    const before = connector.messagesTo(conversationOf(hannah)).length;
    await server.post('/api/messages', makeSubmit(hannah, connector.url, { verb: 'ask', question: 'How do I book a parking space?' }));
    await connector.waitUntil(() => connector.messagesTo(conversationOf(hannah)).length > before);
    const card = JSON.stringify(connector.messagesTo(conversationOf(hannah))[before].body.attachments[0].content);
    expect(card).toContain('Your policy does not cover this');
    expect(card).toContain('Please ask your headteacher');
  });

  it('"Was this helpful?" is stored for the school, with the clauses shown, and the question only when the member agreed', async () => {
    const card = await ask(owen, QUESTION);
    const buttons = card.body.find((b: { type: string }) => b.type === 'ActionSet').actions;
    const yes = buttons.find((a: { title: string }) => a.title === 'Yes');
    const res1 = await server.post('/api/messages', makeInvoke(owen, connector.url, yes.verb, { ...yes.data, keepQuestion: 'false' }));
    expect(res1.status).toBe(200);
    const res2 = await server.post('/api/messages', makeInvoke(owen, connector.url, yes.verb, { ...yes.data, helpful: 'no', keepQuestion: 'true' }));
    expect(res2.status).toBe(200);
    const db = direct(inject('storageConnectionString'), prefix);
    const rows: Array<Record<string, unknown>> = [];
    for await (const e of db.storage.table('askFeedback').listEntities()) rows.push(e);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.partitionKey === 'newall-green' && String(r.clauseIds).length > 0)).toBe(true);
    expect(rows.find((r) => r.helpful === true)).not.toHaveProperty('question');
    expect(rows.find((r) => r.helpful === false)).toMatchObject({ question: QUESTION });
  });
});
