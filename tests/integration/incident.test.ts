import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { png, jpeg } from '../support/images.js';
import { startOutsider } from '../support/outsider.js';
import { createHash, randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { ConnectorStub } from '../support/connector-stub.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { PEOPLE, conversationOf, makeActivity, makeMessage, makeSubmit, type Person } from '../support/activities.js';
import { devAttachmentBearer } from '../../src/evidence/bearer.js';

const prefix = 'i' + randomBytes(3).toString('hex');
const SECRET = 'integration-test-link-signing-secret-' + randomBytes(8).toString('hex');
let connector: ConnectorStub;
let server: ServerProcess;
/** A server that must never be contacted: URLs outside the allow-list point here. */
let outsider: Awaited<ReturnType<typeof startOutsider>>;
let cases: TableClient;
const started = Date.now();
const turnsOfTypicalReport: number[] = [];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  connector = await new ConnectorStub().start();
  connector.expectedBearer = devAttachmentBearer(SECRET);
  outsider = await startOutsider();
  server = await startServer({
    STORAGE_CONNECTION_STRING: inject('storageConnectionString'),
    TABLE_PREFIX: prefix,
    LINK_SIGNING_SECRET: SECRET,
    ATTACHMENT_ALLOWED_HOSTS: new URL(connector.url).host,
  });
  cases = TableClient.fromConnectionString(inject('storageConnectionString'), `${prefix}cases`, { allowInsecureConnection: true });
});
afterAll(async () => {
  await server?.kill('SIGTERM');
  await connector?.stop();
  await outsider?.close();
  // eslint-disable-next-line no-console
  console.info(`[incident.test] integration suite took ${Date.now() - started} ms; a typical report took ${turnsOfTypicalReport.join(', ')} turns`);
});

/** What the bot said (messages only, not typing) to one message from this person: text and card JSON. */
async function talk(person: Person, input: string | Record<string, unknown> | ReturnType<typeof makeActivity>): Promise<string> {
  const conv = conversationOf(person);
  const before = connector.messagesTo(conv).length;
  const activity =
    typeof input === 'string' ? makeMessage(person, connector.url, input) : 'type' in input ? input : makeSubmit(person, connector.url, input);
  const res = await server.post('/api/messages', activity);
  expect(res.status).toBeLessThan(300);
  return connector
    .messagesTo(conv)
    .slice(before)
    .filter((r) => r.body?.type === 'message')
    .map((r) => [r.body.text ?? '', ...(r.body.attachments ?? []).map((a: { content: unknown }) => JSON.stringify(a.content))].join('\n'))
    .join('\n');
}
const card = (step: string, value: string) => ({ verb: 'incident', step, action: 'answer', value });
const withAttachments = (person: Person, attachments: unknown[]) => makeActivity(person, connector.url, { text: '', attachments });
const inline = (url: string) => [{ contentType: 'image/*', contentUrl: url }, { contentType: 'text/html', content: `<p><img src="${url}"></p>` }];
const file = (name: string, url: string) => ({ contentType: 'application/vnd.microsoft.teams.file.download.info', name, content: { downloadUrl: url, uniqueId: 'x', fileType: name.split('.').pop() } });

async function caseRows(filter: (rk: string) => boolean) {
  const out: Array<Record<string, unknown>> = [];
  for await (const e of cases.listEntities<Record<string, unknown>>()) if (filter(String(e.rowKey))) out.push(e);
  return out;
}

/** Answer the questions up to the screenshots (9 turns, counting "report"). */
async function answerUpToScreenshots(person: Person, category = 'cyberbullying'): Promise<number> {
  let turns = 0;
  const step = async (input: Parameters<typeof talk>[1], expected: string) => {
    turns++;
    expect(await talk(person, input)).toContain(expected);
  };
  await step('report', 'What do you want to report?');
  await step(card('category', category), 'Who is affected?');
  await step(card('affected', 'me'), 'Who is responsible');
  await step(card('responsible', 'parent'), 'Where did it happen?');
  await step(card('platform', 'facebook'), 'Where exactly?');
  await step(card('where', 'https://www.facebook.com/groups/westbrook-parents'), 'When did it happen?');
  await step({ verb: 'incident', step: 'when', action: 'answer', date: '2026-01-10', time: '19:30' }, 'What happened?');
  await step(card('whatHappened', 'A parent posted insulting comments about me under the class photo.'), 'pupil is at risk');
  await step(card('pupilAtRisk', 'no'), 'Screenshots');
  return turns;
}

describe('report an incident over HTTP, with real storage and a connector stand-in', () => {
  const first = png(180_000);
  const second = jpeg(95_000);

  it('a full report: two screenshots (inline and file), refusals with reasons, summary, one case for a double submit', async () => {
    let turns = await answerUpToScreenshots(PEOPLE.staff);

    connector.serveFile('first.png', first, 'image/png');
    connector.serveFile('second.jpg', second, 'image/jpeg');
    const one = await talk(PEOPLE.staff, withAttachments(PEOPLE.staff, inline(`${connector.url}/files/first.png`)));
    turns++;
    expect(one).toContain('Screenshot 1 received (PNG, 176 KB)');
    const two = await talk(PEOPLE.staff, withAttachments(PEOPLE.staff, [file('second.jpg', `${connector.url}/files/second.jpg`)]));
    turns++;
    expect(two).toContain('Screenshot 2 received (JPEG, 93 KB)');
    // The bot's development bearer went with every download (the stand-in answers 401 otherwise).
    expect(connector.downloads.filter((d) => d.path === 'first.png' || d.path === 'second.jpg').every((d) => d.authorization === `Bearer ${connector.expectedBearer}`)).toBe(true);

    // refusals: oversize, a non-image renamed .png, a host outside the allow-list, a redirect to it
    connector.serveFile('huge.png', png(10 * 1024 * 1024 + 1), 'image/png');
    connector.serveFile('notes.png', Buffer.from('These are my notes, not a picture at all.'), 'image/png');
    connector.serveRedirect('bounce.png', `${outsider.url}/files/bounced.png`);
    const refused = await talk(
      PEOPLE.staff,
      withAttachments(PEOPLE.staff, [
        file('huge.png', `${connector.url}/files/huge.png`),
        file('notes.png', `${connector.url}/files/notes.png`),
        file('cat.png', `${outsider.url}/files/cat.png`),
        file('bounce.png', `${connector.url}/files/bounce.png`),
        file('metadata.png', 'http://169.254.169.254/latest/meta-data/'),
      ]),
    );
    expect(refused).toContain('"huge.png" was not saved: it is larger than 10 MB');
    expect(refused).toContain('"notes.png" was not saved: it is not a picture');
    expect(refused).toContain('"cat.png" was not saved: it did not come from Teams, so it was not downloaded');
    expect(refused).toContain('"bounce.png" was not saved: it did not come from Teams');
    expect(refused).toContain('"metadata.png" was not saved: it did not come from Teams');
    expect(outsider.hits).toEqual([]);

    const summary = await talk(PEOPLE.staff, { verb: 'incident', step: 'evidence', action: 'done' });
    turns++;
    expect(summary).toContain('Check your report');
    expect(summary).toContain('"title":"Screenshots","value":"2"');
    // Westbrook's own words for its senior team (its policy; the head is one of them).
    expect(summary).toContain('it goes to the senior School Staff');

    // Send pressed twice at once (a double tap): one case.
    const sendIt = { verb: 'incident', step: 'summary', action: 'submit' };
    const [a, b] = await Promise.all([server.post('/api/messages', makeSubmit(PEOPLE.staff, connector.url, sendIt)), server.post('/api/messages', makeSubmit(PEOPLE.staff, connector.url, sendIt))]);
    turns++;
    expect(a.status).toBeLessThan(300);
    expect(b.status).toBeLessThan(300);
    const said = connector.messagesTo(conversationOf(PEOPLE.staff)).map((r) => JSON.stringify(r.body)).join('\n');
    const refs = [...new Set(said.match(/SM-\d{4}-\d{4}/g))];
    expect(refs).toHaveLength(1);
    expect(said).not.toContain('Sorry, something went wrong');
    // Westbrook's policy gives no advice on this kind of report: none is shown, and no other school's clause.
    expect(said).not.toContain('What you should do now');
    expect(said).not.toMatch(/policy 11\.2|§/);
    expect(said).toContain('The senior School Staff has been told');
    // ...and a late third tap on the old card, after the flow has ended: still one case.
    await server.post('/api/messages', makeSubmit(PEOPLE.staff, connector.url, sendIt));
    // The typing indicator was shown while downloading and saving.
    expect(connector.messagesTo(conversationOf(PEOPLE.staff)).filter((r) => r.body?.type === 'typing').length).toBeGreaterThanOrEqual(4);
    const mine = await caseRows((rk) => rk.startsWith('u|'));
    expect(mine.filter((e) => e.submitterAad === PEOPLE.staff.aad)).toHaveLength(1);
    turnsOfTypicalReport.push(turns);
  });

  it('stores each screenshot privately with the SHA-256 of what was sent', async () => {
    const rows = await caseRows((rk) => rk.includes('|v|'));
    expect(rows).toHaveLength(2);
    const blobs = BlobServiceClient.fromConnectionString(inject('storageConnectionString')).getContainerClient('evidence');
    expect((await blobs.getAccessPolicy()).blobPublicAccess).toBeUndefined();
    const sent = new Map([[sha(first), 'image/png'], [sha(second), 'image/jpeg']]);
    for (const row of rows) {
      expect(String(row.blobName)).toMatch(/^westbrook\/[0-9a-f]{24}\/[0-9a-f]{16}$/);
      const bytes = await blobs.getBlockBlobClient(String(row.blobName)).downloadToBuffer();
      expect(sha(bytes)).toBe(row.sha256);
      expect(sent.get(String(row.sha256))).toBe(row.contentType);
      expect(row.size).toBe(bytes.length);
      expect(row.source).toBe('chat');
      expect(Date.parse(String(row.receivedAt))).toBeGreaterThan(started - 1000);
    }
    expect(rows.map((r) => r.originalName).sort()).toEqual(['pasted image', 'second.jpg']);
    // Only the two accepted screenshots reached storage (the container is shared with other test files: look in this draft only).
    const draftPrefix = String(rows[0].blobName).split('/').slice(0, 2).join('/') + '/';
    const names: string[] = [];
    for await (const b of blobs.listBlobsFlat({ prefix: draftPrefix })) names.push(b.name);
    expect(names.sort()).toEqual(rows.map((r) => String(r.blobName)).sort());
  });

  it('the upload page: a signed link opens once, takes an image, refuses a non-image, and the chat counts it', async () => {
    const p = PEOPLE.teacher2;
    await answerUpToScreenshots(p, 'trolling');
    const cardJson = connector.messagesTo(conversationOf(p)).map((r) => JSON.stringify(r.body)).join('\n');
    const link = [...cardJson.matchAll(/"url":"([^"]+\/upload\/[^"]+)"/g)].pop()![1];
    expect(link.startsWith(server.url + '/upload/')).toBe(true);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain('frame-ancestors');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(html).toContain('accept="image/*"');
    expect(html).toContain('capture=');
    const session = /name="upload-session" content="([^"]+)"/.exec(html)![1];
    expect((await fetch(`${server.url}/upload-assets/upload.js`)).status).toBe(200);

    // single use per page session
    expect((await fetch(link)).status).toBe(410);
    const token = link.split('/upload/')[1];
    const up = (body: Buffer, s = session, name = 'phone-photo.jpg') =>
      fetch(`${server.url}/api/upload/${token}`, { method: 'POST', headers: { 'x-upload-session': s, 'x-file-name': encodeURIComponent(name), 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
    expect((await up(jpeg(50_000), 'A'.repeat(32))).status).toBe(403);
    const bad = await up(Buffer.from('<html>not an image</html>'), session, 'fake.png');
    expect(bad.status).toBe(415);
    expect((await bad.json()).error).toContain('not a picture');
    const photo = jpeg(64_000);
    const ok = await up(photo);
    expect(ok.status).toBe(201);
    expect((await ok.json()).received).toBe(1);
    // a tampered token
    expect((await fetch(`${server.url}/api/upload/${token.slice(0, -2)}xx`, { method: 'POST', headers: { 'x-upload-session': session }, body: new Uint8Array(photo) })).status).toBe(403);

    const summary = await talk(p, 'done');
    expect(summary).toContain('1 screenshot received from the upload page');
    expect(summary).toContain('"title":"Screenshots","value":"1"');
    const reference = /SM-\d{4}-\d{4}/.exec(await talk(p, { verb: 'incident', step: 'summary', action: 'submit' }))![0];
    const rows = (await caseRows((rk) => rk.includes('|v|'))).filter((r) => r.source === 'upload');
    expect(rows).toHaveLength(1);
    expect(rows[0].sha256).toBe(sha(photo));
    // after submit, the page takes nothing more, and says why, naming the report
    const late = await up(jpeg(1000));
    expect(late.status).toBe(409);
    expect((await late.json()).error).toContain(`report ${reference} has already been sent`);
  });

  it('a half-finished report survives a server restart', async () => {
    const p = PEOPLE.deputy;
    await talk(p, 'report');
    await talk(p, card('category', 'dataBreach'));
    expect(await talk(p, card('affected', 'school'))).toContain('Who is responsible');
    await server.restart();
    // A member of staff is responsible: the report now asks who (optional) before the platform.
    expect(await talk(p, card('responsible', 'staff'))).toContain('Who is it? (optional)');
    expect(await talk(p, 'back')).toContain('Who is responsible');
    expect(await talk(p, 'cancel')).toContain('Cancelled. Nothing was saved.');
  });

  it('"my submissions" shows the person\'s own cases and nobody else\'s', async () => {
    const staffCases = await caseRows((rk) => rk.startsWith(`u|${PEOPLE.staff.aad}|`));
    const staffRef = String(staffCases[0].reference);
    const mineText = await talk(PEOPLE.staff, 'my submissions');
    expect(mineText).toContain('My submissions');
    expect(mineText).toContain(staffRef);
    expect(mineText).toContain('Incident: Cyberbullying');
    expect(mineText).toContain('New');
    const theirs = await talk(PEOPLE.teacher2, 'my submissions');
    expect(theirs).toContain('Incident: Trolling');
    expect(theirs).not.toContain(staffRef);
    expect(await talk(PEOPLE.chair, 'my submissions')).toContain('You have not sent anything yet');
  });

  it('never logs report text, names or file names', () => {
    const out = server.output();
    expect(out).not.toContain('insulting comments');
    expect(out).not.toContain('westbrook-parents');
    expect(out).not.toContain('second.jpg');
    expect(out).not.toContain('Sam Taylor');
    expect(out).not.toContain(SECRET);
  });
});
