import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { jpeg } from '../support/images.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { DraftStore } from '../../src/evidence/draft-store.js';
import { signUploadGrant, UPLOAD_LINK_TTL_SECONDS } from '../../src/evidence/upload-link.js';

/*
 * The 10-screenshot limit of a report holds when uploads arrive together: the server as a real process,
 * the upload page's API over HTTP, Azurite behind it.
 */

const prefix = 'l' + randomBytes(3).toString('hex');
const SECRET = 'limit-test-link-signing-secret-' + randomBytes(8).toString('hex');
const SCHOOL = 'westbrook';
const LIMIT_MESSAGE = 'Not saved: one report can hold at most 10 screenshots.';
let server: ServerProcess;
let drafts: DraftStore;
let draftTable: TableClient;

beforeAll(async () => {
  server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix, LINK_SIGNING_SECRET: SECRET });
  draftTable = TableClient.fromConnectionString(inject('storageConnectionString'), `${prefix}drafts`, { allowInsecureConnection: true });
  drafts = new DraftStore(draftTable);
});
afterAll(async () => {
  await server?.kill('SIGTERM');
});

/** A draft of a report at the screenshots step, and its upload page opened: what the upload API needs. */
async function openUploadPage(): Promise<{ draftId: string; apiPath: string; session: string }> {
  const draftId = randomBytes(12).toString('hex');
  const aad = `aad-${draftId}`;
  expect(await drafts.createDraft(SCHOOL, { draftId, ownerAad: aad, noImages: false, submitted: false, createdAt: new Date().toISOString() })).toBe(true);
  const token = signUploadGrant(SECRET, { schoolId: SCHOOL, aad, draftId, linkId: randomBytes(8).toString('hex'), exp: Math.floor(Date.now() / 1000) + UPLOAD_LINK_TTL_SECONDS });
  const page = await fetch(`${server.url}/upload/${SCHOOL}/${draftId}/${token}`);
  expect(page.status).toBe(200);
  const session = /name="upload-session" content="([^"]+)"/.exec(await page.text())![1];
  return { draftId, apiPath: `/api/upload/${SCHOOL}/${draftId}/${token}`, session };
}

const upload = (p: { apiPath: string; session: string }, body: Buffer) =>
  fetch(server.url + p.apiPath, {
    method: 'POST',
    headers: { 'x-upload-session': p.session, 'x-file-name': 'shot.jpg', 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });

async function storedOf(draftId: string): Promise<{ rows: string[]; blobs: string[] }> {
  const rows = (await drafts.listEvidence(SCHOOL, draftId)).map((v) => v.blobName).sort();
  const container = BlobServiceClient.fromConnectionString(inject('storageConnectionString')).getContainerClient('evidence');
  const blobs: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix: `${SCHOOL}/${draftId}/` })) blobs.push(b.name);
  return { rows, blobs: blobs.sort() };
}

/** Uploads reserved on the draft row and not yet stored. */
async function reservedSlots(draftId: string): Promise<number> {
  const row = await draftTable.getEntity<{ slots?: string }>(SCHOOL, `d|${draftId}`);
  return Object.keys(JSON.parse(row.slots ?? '{}')).length;
}

describe('the screenshot limit with uploads in parallel', () => {
  it('14 uploads at once to one report: exactly 10 are stored (rows and blobs), the other 4 are told the limit', async () => {
    const p = await openUploadPage();
    const responses = await Promise.all(Array.from({ length: 14 }, () => upload(p, jpeg(40_000))));
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string; received?: number } })));
    expect(bodies.filter((b) => b.status === 201)).toHaveLength(10);
    const refused = bodies.filter((b) => b.status !== 201);
    expect(refused).toEqual(Array.from({ length: 4 }, () => ({ status: 409, body: { error: LIMIT_MESSAGE } })));
    const { rows, blobs } = await storedOf(p.draftId);
    expect(rows).toHaveLength(10);
    expect(blobs).toEqual(rows);
    // And later ones too.
    const late = await upload(p, jpeg(1000));
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({ error: LIMIT_MESSAGE });
  });

  it('an upload that fails (not a picture, or cut off halfway) gives its slot back', async () => {
    const p = await openUploadPage();
    for (let i = 0; i < 9; i++) expect((await upload(p, jpeg(2000))).status).toBe(201);

    const notPicture = await upload(p, Buffer.from('<html>not a picture</html>'));
    expect(notPicture.status).toBe(415);

    // A phone that loses its connection halfway through a 3 MB photo.
    await new Promise<void>((resolve) => {
      const url = new URL(server.url + p.apiPath);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'x-upload-session': p.session, 'content-length': String(3 * 1024 * 1024) } });
      req.on('error', () => resolve());
      req.write(jpeg(1024 * 1024), () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
    // The server gives the slot back once it notices; wait for that (a reservation would otherwise last 15 minutes).
    const until = Date.now() + 10_000;
    while ((await reservedSlots(p.draftId)) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await reservedSlots(p.draftId)).toBe(0);

    const tenth = await upload(p, jpeg(2000));
    expect(tenth.status).toBe(201);
    expect(((await tenth.json()) as { received: number }).received).toBe(10);
    expect((await upload(p, jpeg(2000))).status).toBe(409);
    const { rows, blobs } = await storedOf(p.draftId);
    expect(rows).toHaveLength(10);
    expect(blobs).toEqual(rows);
  });
});
