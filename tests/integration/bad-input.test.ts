import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { png } from '../support/images.js';
import { startOutsider } from '../support/outsider.js';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, TENANT, conversationOf, makeActivity, makeInvoke, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { CLIENT_ID, JwksStub, OTHER_TENANT, devToken } from '../support/tokens.js';
import { OAKFIELD, pngBytes, seedCase, seedEvidence, writeTwoSchoolSeed } from '../support/tab-seed.js';
import { createStorageClients, TABLE_NAMES, type StorageClients } from '../../src/storage/clients.js';
import { DirectoryRepository } from '../../src/storage/directory-repository.js';
import { SCRIPT_FIELDS, scriptIn, seedScriptCase } from '../support/script-payloads.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { devAttachmentBearer } from '../../src/evidence/bearer.js';
import type { CaseRecord, EvidenceRecord } from '../../src/domain/cases/types.js';

/**
 * Bad input, one row per case: each must end in a 4xx or a clear message to the person, with the server
 * still up, no failed turn or request in its log, and no stored row or blob changed.
 */

const prefix = 'b' + randomBytes(3).toString('hex');
const CONTAINER = `ev-${prefix}`;
const SECRET = 'bad-input-link-signing-secret-' + randomBytes(8).toString('hex');
/** Put into inputs so the log check at the end can look for it. */
const MARK = 'zq-secret-' + randomBytes(4).toString('hex');

let connector: ConnectorStub;
let server: ServerProcess;
let jwks: JwksStub;
let storage: StorageClients;
let repo: CaseRepository;
/** Must never be contacted: URLs outside the allow-list and redirect targets point here. */
let outsider: Awaited<ReturnType<typeof startOutsider>>;
const seeded = {} as Record<'safeguarding' | 'withEvidence' | 'oakfield', CaseRecord>;
let evidence: EvidenceRecord;
let otherEvidence: EvidenceRecord;


// ---- talking to the server ----

interface Result {
  status: number;
  /** Response body, then every message the bot sent to the person's conversation during the request. */
  text: string;
}

async function http_(path: string, init: RequestInit & { raw?: string } = {}): Promise<Result> {
  const r = await fetch(server.url + path, init);
  return { status: r.status, text: await r.text() };
}

/** POST a body to /api/messages as Teams would (any body, any content type); collect the bot's replies to `person`. */
async function bot(body: unknown, person: Person = PEOPLE.chair, contentType = 'application/json'): Promise<Result> {
  const conv = conversationOf(person);
  const before = connector.messagesTo(conv).length;
  const r = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const said = connector
    .messagesTo(conv)
    .slice(before)
    .filter((x) => x.body?.type === 'message')
    .map((x) => [x.body.text ?? '', ...(x.body.attachments ?? []).map((a: { content: unknown }) => JSON.stringify(a.content))].join('\n'));
  return { status: r.status, text: [await r.text(), ...said].join('\n') };
}

const say = (p: Person, text: string) => bot(makeMessage(p, connector.url, text), p);
const submit = (p: Person, value: Record<string, unknown>) => bot(makeSubmit(p, connector.url, value), p);
const attach = (p: Person, attachments: unknown[]) => bot(makeActivity(p, connector.url, { text: '', attachments }), p);
const invoke = (p: Person, verb: string, data: unknown) => bot(makeInvoke(p, connector.url, verb, data as Record<string, unknown>), p);
const fileAt = (name: string, url: string) => ({ contentType: 'application/vnd.microsoft.teams.file.download.info', name, content: { downloadUrl: url, uniqueId: 'x', fileType: 'png' } });
const inlineAt = (url: string) => ({ contentType: 'image/*', contentUrl: url });
const card = (step: string, value: unknown) => ({ verb: 'incident', step, action: 'answer', value });

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const tab = async (person: { aad: string } | null, path: string, init: RequestInit = {}, token?: string) => {
  const t = token ?? (person ? await jwks.sso(person.aad) : undefined);
  return http_(path, { ...init, headers: { ...(t ? bearer(t) : {}), 'content-type': 'application/json', ...(init.headers ?? {}) } });
};
const tabPost = (person: { aad: string }, path: string, body: string | object) =>
  tab(person, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

// ---- what is stored ----

/** Every row of every table (ETag included, so any rewrite counts) and every evidence blob. Upload links are not data. */
async function snapshot(): Promise<string[]> {
  const tables = (Object.keys(TABLE_NAMES) as Array<keyof typeof TABLE_NAMES>).map(async (key) => {
    const out: string[] = [];
    for await (const e of storage.table(key).listEntities()) {
      if (key === 'drafts' && e.partitionKey === 'links') continue;
      out.push(`${key} ${e.partitionKey} ${e.rowKey} ${e.etag}`);
    }
    return out;
  });
  const blobs = (async () => {
    const out: string[] = [];
    for await (const b of storage.evidence.listBlobsFlat()) out.push(`blob ${b.name} ${b.properties.etag}`);
    return out;
  })();
  return (await Promise.all([...tables, blobs])).flat().sort();
}

const failuresLogged = () => server.output().split('\n').filter((l) => /"msg":"(turn failed|request failed|tab request failed)"/.test(l)).length;

// ---- the rows ----

interface Row {
  name: string;
  send: () => Promise<Result>;
  /** A 4xx status, or a clear message the person is shown (checked in the body and the bot's replies). */
  want: { status: number; says?: string | RegExp } | { status?: undefined; says: string | RegExp };
}

const NOT_FROM_TEAMS = 'it did not come from Teams';
const HELLO = /Hello \w+/;

const rows: Row[] = [
  // /api/messages: not an activity
  { name: 'malformed JSON', send: () => bot('{"type":"message",', PEOPLE.chair), want: { status: 400 } },
  { name: 'a JSON array', send: () => bot('[1,2,3]'), want: { status: 400 } },
  { name: 'a JSON string', send: () => bot('"message"'), want: { status: 400 } },
  { name: 'JSON null', send: () => bot('null'), want: { status: 400 } },
  { name: 'an object without a type', send: () => bot({ ...makeMessage(PEOPLE.chair, 'x', 'hi'), type: undefined, serviceUrl: connector.url }), want: { status: 400 } },
  { name: 'type is a number', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'hi'), type: 7 }), want: { status: 400 } },
  { name: 'an unknown activity type', send: () => bot(makeActivity(PEOPLE.chair, connector.url, { type: 'fooBar', text: 'help' })), want: { status: 400, says: 'Unknown activity type' } },
  { name: 'an outbound-only activity type (invokeResponse)', send: () => bot(makeActivity(PEOPLE.chair, connector.url, { type: 'invokeResponse', value: {} })), want: { status: 400 } },
  { name: 'a form-encoded body', send: () => bot('type=message&text=help', PEOPLE.chair, 'application/x-www-form-urlencoded'), want: { status: 400 } },
  { name: 'JSON sent as text/plain', send: () => bot(JSON.stringify(makeMessage(PEOPLE.chair, connector.url, 'help')), PEOPLE.chair, 'text/plain'), want: { status: 400 } },
  { name: 'no conversation', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'help'), conversation: undefined }), want: { status: 400 } },
  { name: 'conversation id is a number', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'help'), conversation: { id: 5 } }), want: { status: 400 } },
  { name: 'no serviceUrl', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'help'), serviceUrl: undefined }), want: { status: 400 } },
  { name: 'serviceUrl is not a web URL', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'help'), serviceUrl: 'file:///etc/passwd' }), want: { status: 400 } },
  { name: 'no sender', send: () => bot({ ...makeMessage(PEOPLE.chair, connector.url, 'help'), from: undefined }), want: { status: 400 } },
  { name: 'text is a number', send: () => bot(makeMessage(PEOPLE.chair, connector.url, 12345 as unknown as string)), want: { status: 400 } },
  { name: 'text is an object', send: () => bot(makeMessage(PEOPLE.chair, connector.url, { $gt: '' } as unknown as string)), want: { status: 400 } },
  { name: 'attachments is a string', send: () => bot(makeActivity(PEOPLE.chair, connector.url, { text: 'hi', attachments: 'x' })), want: { status: 400 } },
  { name: 'an attachment that is null', send: () => bot(makeActivity(PEOPLE.chair, connector.url, { text: 'hi', attachments: [null] })), want: { status: 400 } },
  { name: 'channelData is a string', send: () => bot(makeActivity(PEOPLE.chair, connector.url, { text: 'hi', channelData: 'x' })), want: { status: 400 } },
  { name: 'a body over 512 KB', send: () => say(PEOPLE.chair, MARK + 'x'.repeat(600_000)), want: { status: 413 } },
  {
    name: 'a deeply nested value',
    send: () => bot(`{"type":"message","value":${'['.repeat(5000)}${']'.repeat(5000)},` + JSON.stringify(makeMessage(PEOPLE.chair, connector.url, 'what?')).slice(1)),
    want: { says: HELLO },
  },
  { name: 'a __proto__ key in the activity', send: () => bot(`{"__proto__":{"isAdmin":true},` + JSON.stringify(makeMessage(PEOPLE.chair, connector.url, 'help')).slice(1)), want: { says: HELLO } },

  // the report flow: text, choices and dates that are wrong
  { name: 'oversized text typed at "what happened"', send: () => say(PEOPLE.teacher2, MARK + ' ' + 'a'.repeat(5000)), want: { says: 'The limit is 4,000' } },
  { name: 'oversized text from the card at "what happened"', send: () => submit(PEOPLE.teacher2, card('whatHappened', MARK + 'b'.repeat(4001))), want: { says: 'The limit is 4,000' } },
  { name: 'card value of the wrong type (number)', send: () => submit(PEOPLE.teacher2, card('whatHappened', 42)), want: { says: 'Please write an answer' } },
  { name: 'card value of the wrong type (object)', send: () => submit(PEOPLE.teacher2, card('whatHappened', { toString: 'x' })), want: { says: 'Please write an answer' } },
  { name: 'only a mention, no text', send: () => say(PEOPLE.teacher2, '<at>Safer Social</at> '), want: { says: 'Please write an answer' } },
  { name: 'a forged "send report" at another step', send: () => submit(PEOPLE.teacher2, { verb: 'incident', step: 'summary', action: 'submit' }), want: { says: 'That card is from an earlier question' } },
  { name: 'a choice that is not offered', send: () => submit(PEOPLE.head, card('category', 'arson')), want: { says: 'Please choose one of the options' } },
  { name: 'a choice named like a prototype property', send: () => submit(PEOPLE.head, card('category', 'constructor')), want: { says: 'Please choose one of the options' } },
  { name: 'a choice of __proto__', send: () => submit(PEOPLE.head, card('category', '__proto__')), want: { says: 'Please choose one of the options' } },
  { name: 'a date that does not exist', send: () => submit(PEOPLE.deputy, { verb: 'incident', step: 'when', action: 'answer', date: '2026-02-30' }), want: { says: 'Please give the date' } },
  { name: 'a date in the future', send: () => submit(PEOPLE.deputy, { verb: 'incident', step: 'when', action: 'answer', date: '2999-01-01' }), want: { says: 'That is in the future' } },
  { name: 'a date of the wrong type', send: () => submit(PEOPLE.deputy, { verb: 'incident', step: 'when', action: 'answer', date: 20260101 }), want: { says: 'Please give the date' } },

  { name: "a forged 'change an answer' naming a field that does not exist", send: () => submit(PEOPLE.dsl, { verb: 'incident', step: 'summary', action: 'edit', field: 'evidenceBlob' }), want: { says: 'Choose the answer you want to change first' } },
  { name: "a forged 'change an answer' naming a prototype property", send: () => submit(PEOPLE.dsl, { verb: 'incident', step: 'summary', action: 'edit', field: 'constructor' }), want: { says: 'Choose the answer you want to change first' } },
  { name: 'a forged send with the wrong action', send: () => submit(PEOPLE.dsl, { verb: 'incident', step: 'summary', action: 'delete' }), want: { says: 'Press **Send report** to send it' } },

  // the report flow: screenshots that must be refused (the person is at the screenshots step)
  { name: 'a non-image renamed .png', send: () => attach(PEOPLE.staff, [fileAt('notes.png', `${connector.url}/files/notes.png`)]), want: { says: '"notes.png" was not saved: it is not a picture' } },
  { name: 'an image over the 10 MB cap', send: () => attach(PEOPLE.staff, [fileAt('huge.png', `${connector.url}/files/huge.png`)]), want: { says: '"huge.png" was not saved: it is larger than 10 MB' } },
  { name: 'a PDF attachment', send: () => attach(PEOPLE.staff, [{ contentType: 'application/pdf', name: 'letter.pdf', contentUrl: `${connector.url}/files/letter.pdf` }]), want: { says: '"letter.pdf" was not saved: it is not a picture' } },
  { name: 'a loopback port not on the allow-list', send: () => attach(PEOPLE.staff, [fileAt('cat.png', `${outsider.url}/cat.png`)]), want: { says: NOT_FROM_TEAMS } },
  { name: 'link-local metadata address 169.254.169.254', send: () => attach(PEOPLE.staff, [inlineAt('http://169.254.169.254/latest/meta-data/iam')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'metadata address written as a decimal number', send: () => attach(PEOPLE.staff, [inlineAt('http://2852039166/latest/meta-data/')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'metadata address as IPv4-mapped IPv6', send: () => attach(PEOPLE.staff, [inlineAt('http://[::ffff:169.254.169.254]/latest/')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'AWS IPv6 metadata address', send: () => attach(PEOPLE.staff, [inlineAt('http://[fd00:ec2::254]/latest/')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'Alibaba metadata address 100.100.100.200', send: () => attach(PEOPLE.staff, [inlineAt('http://100.100.100.200/latest/meta-data/')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'metadata host name (metadata.google.internal)', send: () => attach(PEOPLE.staff, [inlineAt('http://metadata.google.internal/computeMetadata/v1/')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'the unspecified address 0.0.0.0', send: () => attach(PEOPLE.staff, [inlineAt(`http://0.0.0.0:${new URL(outsider.url).port}/x.png`)]), want: { says: NOT_FROM_TEAMS } },
  { name: 'a look-alike Teams host', send: () => attach(PEOPLE.staff, [inlineAt('https://smba.trafficmanager.net.evil.example/v3/attachments/1')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'a Teams host with credentials in the URL', send: () => attach(PEOPLE.staff, [inlineAt('https://user:pw@smba.trafficmanager.net/v3/attachments/1')]), want: { says: NOT_FROM_TEAMS } },
  { name: 'a file: URL', send: () => attach(PEOPLE.staff, [fileAt('passwd.png', 'file:///etc/passwd')]), want: { says: '"passwd.png" was not saved: it did not come from Teams' } },
  { name: 'a redirect to a loopback port not on the allow-list', send: () => attach(PEOPLE.staff, [fileAt('bounce.png', `${connector.url}/files/bounce.png`)]), want: { says: '"bounce.png" was not saved: it did not come from Teams' } },
  { name: 'a redirect to the metadata address', send: () => attach(PEOPLE.staff, [fileAt('meta.png', `${connector.url}/files/meta.png`)]), want: { says: '"meta.png" was not saved: it did not come from Teams' } },
  {
    name: 'a huge number of attachments in one message',
    send: async () => {
      const downloads = connector.downloads.length;
      const r = await attach(PEOPLE.staff, Array.from({ length: 2000 }, (_, i) => fileAt(`n${i}.png`, `${connector.url}/files/notes.png`)));
      // Downloads are bounded per message, and the reply stays well inside a Teams message.
      expect(connector.downloads.length - downloads).toBeLessThanOrEqual(10);
      expect(r.text.length).toBeLessThan(4000);
      return r;
    },
    want: { says: '1990 more files were not saved either' },
  },
  { name: 'screenshots at a question that is not the screenshots step', send: () => attach(PEOPLE.teacher2, [fileAt('early.png', `${connector.url}/files/good.png`)]), want: { says: 'I have not saved that yet' } },

  // menu and school choice: forged Action.Submit data
  { name: 'a forged menu choice', send: () => submit(PEOPLE.chair, { verb: 'menu', choice: 'constructor' }), want: { says: HELLO } },
  { name: 'a forged school choice by a member of another school', send: () => submit(PEOPLE.chair, { verb: 'chooseSchool', schoolId: OAKFIELD.id }), want: { says: /Hello George/ } },
  { name: 'a school choice that does not exist', send: () => submit(PEOPLE.chair, { verb: 'chooseSchool', schoolId: '../../directory' }), want: { says: /Hello George/ } },

  // Action.Execute (invokes): forged, replayed, or from the wrong person
  { name: 'an invoke with no name', send: () => bot(makeActivity(PEOPLE.dsl, connector.url, { type: 'invoke', value: {} }), PEOPLE.dsl), want: { status: 400 } },
  { name: 'an Action.Execute whose value is a string', send: () => bot(makeActivity(PEOPLE.dsl, connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: 'x' }), PEOPLE.dsl), want: { status: 400 } },
  { name: 'an Action.Execute with no action', send: () => bot(makeActivity(PEOPLE.dsl, connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: {} }), PEOPLE.dsl), want: { status: 400 } },
  { name: 'an unknown verb', send: () => invoke(PEOPLE.dsl, 'deleteEverything', { caseId: seeded.safeguarding.id, schoolId: 'westbrook' }), want: { status: 400, says: 'not recognised' } },
  { name: 'acknowledge with data that is a string', send: () => invoke(PEOPLE.dsl, 'dslAcknowledge', 'x'), want: { status: 400, says: 'out of date or damaged' } },
  { name: 'acknowledge with a malformed case id', send: () => invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: '../../cases', schoolId: 'westbrook' }), want: { status: 400, says: 'out of date or damaged' } },
  { name: 'acknowledge a case of another school (its id, our school)', send: () => invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: seeded.oakfield.id, schoolId: 'westbrook' }), want: { status: 400, says: 'could not be found' } },
  { name: 'acknowledge naming another school', send: () => invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: seeded.oakfield.id, schoolId: OAKFIELD.id }), want: { status: 400, says: 'Only a designated safeguarding lead of this school' } },
  { name: 'acknowledge by someone without the role', send: () => invoke(PEOPLE.staff, 'dslAcknowledge', { caseId: seeded.safeguarding.id, schoolId: 'westbrook' }), want: { status: 400, says: 'Only a designated safeguarding lead' } },
  { name: 'acknowledge a case that is not a safeguarding case', send: () => invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: seeded.withEvidence.id, schoolId: 'westbrook' }), want: { status: 400, says: 'could not be found' } },
  { name: 'a replayed acknowledgement', send: () => invoke(PEOPLE.deputy, 'dslAcknowledge', { caseId: seeded.safeguarding.id, schoolId: 'westbrook' }), want: { says: 'Acknowledged by Dev Patel' } },
  { name: 'refresh by someone who may not see the alert', send: () => invoke(PEOPLE.chair, 'dslAlertRefresh', { caseId: seeded.safeguarding.id, schoolId: 'westbrook' }), want: { status: 400, says: 'You cannot see this alert' } },
  { name: 'a declaration acknowledgement forged onto an incident', send: () => invoke(PEOPLE.head, 'declarationAcknowledge', { caseId: seeded.withEvidence.id, schoolId: 'westbrook' }), want: { status: 400 } },
  { name: 'a declaration withdrawal by someone else', send: () => invoke(PEOPLE.staff, 'declarationWithdraw', { caseId: seeded.safeguarding.id, schoolId: 'westbrook', confirm: 'yes' }), want: { status: 400 } },

  // the tab API: who is calling
  { name: 'tab API with no token', send: () => tab(null, '/api/tab/cases'), want: { status: 401 } },
  { name: 'tab API with a token that is not a JWT', send: () => tab(null, '/api/tab/cases', {}, 'not-a-jwt'), want: { status: 401 } },
  { name: 'tab API with an expired token', send: async () => tab(null, '/api/tab/cases', {}, await jwks.sso(PEOPLE.dsl.aad, { expiresIn: -3600 })), want: { status: 401, says: 'expired' } },
  { name: 'tab API with a token for another audience', send: async () => tab(null, '/api/tab/cases', {}, await jwks.sso(PEOPLE.dsl.aad, { aud: 'api://another-app' })), want: { status: 401 } },
  { name: 'tab API with a token from another tenant', send: async () => tab(null, '/api/tab/cases', {}, await jwks.sso(PEOPLE.dsl.aad, { tid: OTHER_TENANT })), want: { status: 401 } },
  { name: 'tab API with a forged signature', send: async () => tab(null, '/api/tab/cases', {}, await jwks.sso(PEOPLE.dsl.aad, { forge: true })), want: { status: 401 } },
  {
    name: 'tab API with an unsigned token (alg none)',
    send: () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const t = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ oid: PEOPLE.dsl.aad, tid: TENANT, aud: CLIENT_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, exp: now + 600 })}.`;
      return tab(null, '/api/tab/cases', {}, t);
    },
    want: { status: 401 },
  },
  { name: 'tab API with a development token when development sign-in is off', send: async () => tab(null, '/api/tab/cases', {}, await devToken(PEOPLE.dsl.aad, SECRET)), want: { status: 401 } },
  {
    name: 'tab API with an HS256 token claiming the Entra issuer',
    send: async () => {
      const t = await new SignJWT({ oid: PEOPLE.dsl.aad, tid: TENANT }).setProtectedHeader({ alg: 'HS256' }).setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`).setAudience(CLIENT_ID).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
      return tab(null, '/api/tab/cases', {}, t);
    },
    want: { status: 401 },
  },
  { name: 'tab API cases list by someone without the role', send: () => tab(PEOPLE.staff, '/api/tab/cases'), want: { status: 403 } },
  { name: 'tab API note by someone without the role', send: () => tabPost(PEOPLE.staff, `/api/tab/cases/${seeded.withEvidence.id}/notes`, { text: MARK }), want: { status: 403 } },
  { name: 'tab API settings by someone who is not an administrator', send: () => tab(PEOPLE.dsl, `/api/tab/settings/members/${PEOPLE.staff.aad}`, { method: 'PUT', body: JSON.stringify({ roles: ['admin'] }) }), want: { status: 403 } },
  { name: 'tab API as a school one is not a member of', send: () => tab(PEOPLE.dsl, '/api/tab/cases', { headers: { 'X-School-Id': OAKFIELD.id } }), want: { status: 403 } },
  { name: 'tab API with an injection-shaped school id', send: () => tab(PEOPLE.dsl, '/api/tab/cases', { headers: { 'X-School-Id': "westbrook' or '1' eq '1" } }), want: { status: 400 } },

  // the tab API: which case
  { name: 'a case id of another school', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.oakfield.id}`), want: { status: 404 } },
  { name: 'a note on a case of another school', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.oakfield.id}/notes`, { text: MARK }), want: { status: 404 } },
  { name: 'a malformed case id', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${encodeURIComponent("x' or PartitionKey ne '")}`), want: { status: 404 } },

  // the tab API: OData-injection-shaped filters
  { name: 'filter: severity with a quote', send: () => tab(PEOPLE.dsl, `/api/tab/cases?severity=${encodeURIComponent("high' or '1' eq '1")}`), want: { status: 400 } },
  { name: 'filter: kind with parentheses', send: () => tab(PEOPLE.dsl, `/api/tab/cases?kind=${encodeURIComponent('incident) or (true')}`), want: { status: 400 } },
  { name: 'filter: category escaping the partition', send: () => tab(PEOPLE.dsl, `/api/tab/cases?category=${encodeURIComponent("x' or PartitionKey ne '")}`), want: { status: 400 } },
  { name: 'filter: status widening visibility', send: () => tab(PEOPLE.dsl, `/api/tab/cases?status=${encodeURIComponent("new' or aboutHead eq true or status eq 'new")}`), want: { status: 400 } },
  { name: 'filter: assignee injection', send: () => tab(PEOPLE.dsl, `/api/tab/cases?assignee=${encodeURIComponent("me' or assigneeAad ne '")}`), want: { status: 400 } },
  { name: 'filter: a continuation token with a quote', send: () => tab(PEOPLE.dsl, `/api/tab/cases?continuationToken=${encodeURIComponent("a' or 1")}`), want: { status: 400 } },
  { name: 'filter: an unknown $filter parameter', send: () => tab(PEOPLE.dsl, `/api/tab/cases?$filter=${encodeURIComponent("PartitionKey ne ''")}`), want: { status: 400 } },

  // the tab API: evidence ids
  { name: 'evidence id with ../ (encoded)', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/..%2F..%2F..%2Fetc%2Fpasswd`), want: { status: 400 } },
  { name: 'evidence id ..', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/..`), want: { status: 404 } },
  { name: 'evidence id with %2e%2e', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/%2e%2e%2f%2e%2e%2fx`), want: { status: 400 } },
  { name: 'evidence id that is a blob name', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/${encodeURIComponent(evidence.blobName)}`), want: { status: 400 } },
  { name: "evidence id of another case's evidence", send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/${otherEvidence.id}`), want: { status: 404 } },
  { name: 'evidence id with a backslash', send: () => tab(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/evidence/..%5C..%5Cx`), want: { status: 400 } },

  // the tab API: bodies
  { name: 'note with malformed JSON', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/notes`, '{"text":'), want: { status: 400 } },
  { name: 'note that is a JSON array', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/notes`, '["x"]'), want: { status: 400 } },
  { name: 'note text of the wrong type', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/notes`, { text: 42 }), want: { status: 400 } },
  { name: 'note text over 4,000 characters', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/notes`, { text: MARK + 'c'.repeat(4001) }), want: { status: 400 } },
  { name: 'note body over 16 KB', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/notes`, { text: MARK + 'd'.repeat(20_000) }), want: { status: 413 } },
  { name: 'a status that does not exist', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/status`, { status: 'deleted' }), want: { status: 400 } },
  { name: 'assign to someone outside the school', send: () => tabPost(PEOPLE.dsl, `/api/tab/cases/${seeded.withEvidence.id}/assign`, { aadObjectId: OAKFIELD.slt.aad }), want: { status: 400 } },
];

// ---- setup ----

/** Answer the report's questions up to (not including) `stop`. */
async function reportUpTo(p: Person, stop: 'category' | 'when' | 'whatHappened' | 'evidence' | 'summary') {
  const steps: Array<[string, () => Promise<Result>]> = [
    ['category', () => say(p, 'report')],
    ['affected', () => submit(p, card('category', 'cyberbullying'))],
    ['responsible', () => submit(p, card('affected', 'me'))],
    ['platform', () => submit(p, card('responsible', 'parent'))],
    ['where', () => submit(p, card('platform', 'facebook'))],
    ['when', () => submit(p, card('where', 'https://www.facebook.com/groups/x'))],
    ['whatHappened', () => submit(p, { verb: 'incident', step: 'when', action: 'answer', date: '2026-01-10', time: '19:30' })],
    ['pupilAtRisk', () => submit(p, card('whatHappened', 'Insulting comments under the class photo.'))],
    ['evidence', () => submit(p, card('pupilAtRisk', 'no'))],
    ['summary', () => submit(p, { verb: 'incident', step: 'evidence', action: 'done' })],
  ];
  for (const [reached, go] of steps) {
    const r = await go();
    expect(r.text, reached).toContain(`"step":"${reached}"`);
    if (reached === stop) return;
  }
}

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  connector.expectedBearer = devAttachmentBearer(SECRET);
  outsider = await startOutsider();
  connector.serveFile('notes.png', Buffer.from('These are my notes, not a picture at all.'), 'image/png');
  connector.serveFile('huge.png', png(10 * 1024 * 1024 + 1), 'image/png');
  connector.serveFile('good.png', png(2000), 'image/png');
  connector.serveRedirect('bounce.png', `${outsider.url}/bounced.png`);
  connector.serveRedirect('meta.png', 'http://169.254.169.254/latest/meta-data/');

  jwks = await new JwksStub(TENANT).start();
  const conn = inject('storageConnectionString');
  server = await startServer({
    STORAGE_CONNECTION_STRING: conn,
    TABLE_PREFIX: prefix,
    EVIDENCE_CONTAINER: CONTAINER,
    LINK_SIGNING_SECRET: SECRET,
    ATTACHMENT_ALLOWED_HOSTS: new URL(connector.url).host,
    SCHOOLS_SEED_FILE: writeTwoSchoolSeed(prefix),
    AAD_APP_CLIENT_ID: CLIENT_ID,
    AAD_APP_TENANT_ID: TENANT,
    SSO_JWKS_URL: jwks.url,
  });
  storage = createStorageClients({ kind: 'connectionString', connectionString: conn, evidenceContainer: CONTAINER, tablePrefix: prefix });
  repo = new CaseRepository(storage.table('cases'));

  evidence = await seedEvidence(storage, pngBytes());
  otherEvidence = await seedEvidence(storage, pngBytes(40, 40));
  seeded.safeguarding = await seedCase(repo, { category: 'pupilContact', routing: { safeguarding: true, queue: 'dsl', severity: 'high' }, submitterAad: PEOPLE.teacher2.aad });
  seeded.withEvidence = await seedCase(repo, { category: 'disparaging', routing: { queue: 'slt' }, submitterAad: PEOPLE.staff.aad, evidence: [evidence] });
  await seedCase(repo, { category: 'trolling', routing: {}, submitterAad: PEOPLE.staff.aad, evidence: [otherEvidence] });
  seeded.oakfield = await seedCase(repo, { schoolId: OAKFIELD.id, prefix: 'OA', category: 'trolling', routing: { safeguarding: true, queue: 'dsl', severity: 'high' }, submitterAad: OAKFIELD.slt.aad });

  // The people, each where their rows need them: the DSL has acknowledged the safeguarding case once.
  expect((await invoke(PEOPLE.dsl, 'dslAcknowledge', { caseId: seeded.safeguarding.id, schoolId: 'westbrook' })).status).toBe(200);
  expect((await say(PEOPLE.chair, 'hello')).text).toMatch(/Hello George/);
  await reportUpTo(PEOPLE.staff, 'evidence');
  await reportUpTo(PEOPLE.teacher2, 'whatHappened');
  await reportUpTo(PEOPLE.head, 'category');
  await reportUpTo(PEOPLE.deputy, 'when');
  await reportUpTo(PEOPLE.dsl, 'summary');
});

afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
  await jwks?.stop();
  await outsider?.close();
  await storage?.evidence.deleteIfExists().catch(() => undefined);
});

describe('bad input: a 4xx or a clear message, the server still up, nothing stored changed', () => {
  it('has at least 50 cases, each with a 4xx or a message to look for', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    for (const r of rows) expect(r.want.status === undefined ? r.want.says !== undefined : r.want.status >= 400 && r.want.status < 500, r.name).toBe(true);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const before = await snapshot();
    const failures = failuresLogged();
    const r = await row.send();
    if (row.want.status !== undefined) expect(r.status, r.text.slice(0, 300)).toBe(row.want.status);
    else expect(r.status, r.text.slice(0, 300)).toBeLessThan(300);
    if (row.want.says !== undefined) expect(r.text).toMatch(typeof row.want.says === 'string' ? new RegExp(row.want.says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : row.want.says);
    expect(r.text).not.toContain('Sorry, something went wrong');
    expect(r.text).not.toContain(MARK);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(failuresLogged(), 'a failed turn or request was logged').toBe(failures);
    expect(await snapshot()).toEqual(before);
  });

  it('never contacted a host outside the allow-list, and left nobody stuck: each flow goes on', async () => {
    expect(outsider.hits).toEqual([]);
    expect((await submit(PEOPLE.teacher2, card('whatHappened', 'Comments under the photo.'))).text).toContain('"step":"pupilAtRisk"');
    expect((await submit(PEOPLE.head, card('category', 'trolling'))).text).toContain('"step":"affected"');
    expect((await submit(PEOPLE.staff, { verb: 'incident', step: 'evidence', action: 'done' })).text).toContain('"title":"Screenshots","value":"0"');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('never logged the content of what was sent', () => {
    const out = server.output();
    expect(out).not.toContain(MARK);
    for (const secret of ['notes.png', 'letter.pdf', 'Insulting comments', 'Comments under the photo', PEOPLE.staff.name, PEOPLE.chair.name]) expect(out).not.toContain(secret);
  });
});

describe('script in every text field the tab shows', () => {
  it('comes back from the API as JSON data, byte for byte, never as markup', async () => {
    const { case: c } = await seedScriptCase(repo, new DirectoryRepository(storage.table('directory')), storage);
    const r = await fetch(`${server.url}/api/tab/cases/${c.id}`, { headers: bearer(await jwks.sso(PEOPLE.deputy.aad)) });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const d = await r.json();
    const strings = JSON.stringify(d);
    for (const f of SCRIPT_FIELDS.filter((x) => x !== 'assigneeJobTitle')) expect(strings, f).toContain(JSON.stringify(scriptIn(f)).slice(1, -1));
    expect(d.case.submitter).toBe(scriptIn('submitter'));
    expect(d.case.outcome).toBe(scriptIn('outcome'));
    expect(d.answers).toContainEqual({ key: 'whatHappened', label: 'What happened', value: scriptIn('whatHappened') });
  });
});
