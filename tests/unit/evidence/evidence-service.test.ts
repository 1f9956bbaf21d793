import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ContainerClient } from '@azure/storage-blob';
import { EvidenceService, MAX_IMAGE_BYTES } from '../../../src/evidence/evidence-service.js';
import type { DraftRow, DraftStore } from '../../../src/evidence/draft-store.js';
import type { EvidenceRecord } from '../../../src/domain/cases/types.js';
import { checkText, checkWhen, checkWhere, matchChoice } from '../../../src/teams/incident/incident-answers.js';
import { PLATFORMS } from '../../../src/domain/cases/incident.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** Blob container and drafts table in memory. */
function fakes() {
  const blobs = new Map<string, Buffer>();
  /** How each blob went up: one Put Blob, or streamed in blocks. */
  const puts: Array<'single' | 'blocks'> = [];
  const container = {
    getBlockBlobClient: (name: string) => ({
      async upload(body: () => AsyncIterable<Buffer>, length: number) {
        const parts: Buffer[] = [];
        for await (const c of body()) parts.push(c);
        const bytes = Buffer.concat(parts);
        if (bytes.length !== length) throw new Error('Content-Length does not match the body');
        blobs.set(name, bytes);
        puts.push('single');
      },
      async uploadStream(stream: AsyncIterable<Buffer>) {
        puts.push('blocks');
        const parts: Buffer[] = [];
        for await (const c of stream) parts.push(c);
        blobs.set(name, Buffer.concat(parts));
      },
      async deleteIfExists() {
        blobs.delete(name);
      },
    }),
  } as unknown as ContainerClient;
  const records: EvidenceRecord[] = [];
  const draft: DraftRow = { draftId: 'd1', ownerAad: 'a1', noImages: false, submitted: false, createdAt: '' };
  /** Slots reserved by uploads in progress (the real store keeps them on the draft row, with an ETag). */
  const pending = new Set<string>();
  const drafts = {
    getDraft: async () => draft,
    saveDraft: async () => undefined,
    reserveSlot: async (_s: string, _d: string, _a: string, id: string, _now: Date, max: number) => {
      if (records.length + pending.size >= max) return { ok: false, reason: 'limit' };
      pending.add(id);
      return { ok: true, number: records.length + pending.size };
    },
    releaseSlot: async (_s: string, _d: string, id: string) => void pending.delete(id),
    addEvidence: async (_s: string, _d: string, _a: string, v: EvidenceRecord) => {
      pending.delete(v.id);
      records.push(v);
    },
    listEvidence: async () => [...records],
    deleteEvidence: async () => undefined,
  } as unknown as DraftStore;
  return { blobs, puts, records, pending, container, drafts };
}

type Route = (url: URL, init: RequestInit) => Response;
function service(routes: Record<string, Route>, production = false) {
  const f = fakes();
  const calls: Array<{ url: string; auth?: string }> = [];
  const fetchImpl = (async (input: URL, init: RequestInit) => {
    const auth = (init.headers as Record<string, string>).authorization;
    calls.push({ url: input.toString(), auth });
    const r = routes[input.toString()];
    if (!r) throw new Error(`unexpected fetch ${input}`);
    return r(input, init);
  }) as unknown as typeof fetch;
  const svc = new EvidenceService({
    container: f.container,
    drafts: f.drafts,
    allowList: { production, devHosts: ['127.0.0.1:4000'] },
    linkSigningSecret: 's'.repeat(32),
    publicBaseUrl: 'http://127.0.0.1:3978',
    log: pino({ level: 'silent' }),
    fetch: fetchImpl,
  });
  return { svc, calls, ...f };
}

const owner = { schoolId: 'westbrook', aad: 'a1', draftId: 'd1' };
const bearer = async () => 'BOT';
const streamOf = (chunks: Buffer[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const x of chunks) c.enqueue(new Uint8Array(x));
      c.close();
    },
  });

describe('evidence download and storage', () => {
  it('streams, hashes and stores an image; the token goes only where it is needed', async () => {
    const { svc, calls, blobs, records } = service({
      'http://127.0.0.1:4000/a.png': () => new Response(streamOf([PNG, Buffer.alloc(5000, 1)])),
    });
    const [r] = await svc.receiveFromChat(owner, [{ url: 'http://127.0.0.1:4000/a.png', originalName: 'a.png', shape: 'inline' }], bearer);
    expect(r.ok).toBe(true);
    expect(calls).toEqual([{ url: 'http://127.0.0.1:4000/a.png', auth: 'Bearer BOT' }]);
    expect(records[0]).toMatchObject({ size: 5016, contentType: 'image/png', originalName: 'a.png', source: 'chat' });
    expect(records[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(blobs.get(records[0].blobName)!.length).toBe(5016);
    expect(records[0].blobName).toMatch(/^westbrook\/d1\/[0-9a-f]{16}$/);
  });

  it('stores a screenshot up to 1 MB with one Put Blob, and streams a larger one in blocks', async () => {
    const { svc, blobs, records, puts } = service({
      'http://127.0.0.1:4000/small.png': () => new Response(streamOf([PNG, ...Array.from({ length: 8 }, () => Buffer.alloc(64 * 1024, 3))])),
      'http://127.0.0.1:4000/large.png': () => new Response(streamOf([PNG, ...Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 5))])),
    });
    const items = ['small', 'large'].map((n) => ({ url: `http://127.0.0.1:4000/${n}.png`, originalName: `${n}.png`, shape: 'file' as const }));
    const results = await svc.receiveFromChat(owner, items, bearer);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(puts).toEqual(['single', 'blocks']);
    expect(records.map((r) => r.size)).toEqual([16 + 8 * 64 * 1024, 16 + 40 * 64 * 1024]);
    for (const r of records) expect(blobs.get(r.blobName)!.length).toBe(r.size);
    const { createHash } = await import('node:crypto');
    expect(records[1].sha256).toBe(createHash('sha256').update(blobs.get(records[1].blobName)!).digest('hex'));
  });

  it('refuses an image that grows past 10 MB while streaming (no Content-Length) and keeps nothing', async () => {
    const mb = Buffer.alloc(1024 * 1024, 7);
    const { svc, records, blobs, pending } = service({
      'http://127.0.0.1:4000/big.png': () => new Response(streamOf([PNG, ...Array.from({ length: 11 }, () => mb)])),
    });
    const [r] = await svc.receiveFromChat(owner, [{ url: 'http://127.0.0.1:4000/big.png', originalName: 'big.png', shape: 'file' }], bearer);
    expect(r).toMatchObject({ ok: false, reason: 'tooLarge' });
    expect(records).toHaveLength(0);
    expect(blobs.size).toBe(0);
    expect(pending.size).toBe(0); // its slot was given back
    expect(MAX_IMAGE_BYTES).toBe(10 * 1024 * 1024);
  });

  it('re-checks every redirect hop: follows within the allow-list, refuses outside it without fetching', async () => {
    const { svc, calls } = service({
      'http://127.0.0.1:4000/r1': () => new Response(null, { status: 302, headers: { location: '/a.png' } }),
      'http://127.0.0.1:4000/a.png': () => new Response(streamOf([PNG])),
      'http://127.0.0.1:4000/r2': () => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }),
      'http://127.0.0.1:4000/r3': () => new Response(null, { status: 301, headers: { location: 'http://127.0.0.1:4001/x.png' } }),
    });
    const results = await svc.receiveFromChat(
      owner,
      ['r1', 'r2', 'r3'].map((p) => ({ url: `http://127.0.0.1:4000/${p}`, originalName: p, shape: 'file' as const })),
      bearer,
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'notAllowed', 'notAllowed']);
    expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:4000/r1', 'http://127.0.0.1:4000/a.png', 'http://127.0.0.1:4000/r2', 'http://127.0.0.1:4000/r3']);
  });

  it('does not send the bot token to SharePoint download links (they are pre-authorised)', async () => {
    const url = 'https://contoso.sharepoint.com/personal/x/download.aspx?tempauth=abc';
    const { svc, calls } = service({ [url]: () => new Response(streamOf([PNG])) }, true);
    const [r] = await svc.receiveFromChat(owner, [{ url, originalName: 'x.png', shape: 'file' }], bearer);
    expect(r.ok).toBe(true);
    expect(calls[0].auth).toBeUndefined();
  });

  it('holds at most 10 screenshots per report', async () => {
    const { svc } = service({ 'http://127.0.0.1:4000/a.png': () => new Response(streamOf([PNG])) });
    const items = Array.from({ length: 12 }, (_, i) => ({ url: 'http://127.0.0.1:4000/a.png', originalName: `${i}.png`, shape: 'inline' as const }));
    const results = await svc.receiveFromChat(owner, items, bearer);
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.slice(10).map((r) => (r.ok ? '' : r.text))).toEqual(['one report can hold at most 10 screenshots', 'one report can hold at most 10 screenshots']);
  });
});

describe('answer checks', () => {
  const now = new Date('2026-07-01T10:00:00Z'); // 11:00 in London (BST)
  it.each([
    [{ text: 'ongoing' }, 'ongoing'],
    [{ text: 'today' }, '2026-07-01'],
    [{ text: 'today 10:30' }, '2026-07-01T10:30'],
    [{ text: 'yesterday at 9pm' }, '2026-06-30T21:00'],
    [{ text: '30/06/2026 12pm' }, '2026-06-30T12:00'],
    [{ text: '30/06/26' }, '2026-06-30'],
    [{ text: '2026-06-29 07:05' }, '2026-06-29T07:05'],
    [{ date: '2026-06-01', time: '18:45' }, '2026-06-01T18:45'],
    [{ date: '2026-06-01' }, '2026-06-01'],
  ])('when %j → %s', (input, expected) => {
    expect(checkWhen(input, now)).toEqual({ ok: true, value: expected });
  });
  it.each([[{ text: 'today 11:30' }], [{ text: 'tomorrow' }], [{ date: '2026-07-02' }], [{ text: '31/06/2026' }], [{ text: '12/13/2026' }], [{ text: '' }]])('when %j is refused', (input) => {
    expect(checkWhen(input, now).ok).toBe(false);
  });
  it.each([
    ['https://www.instagram.com/p/abc/', true],
    ['www.tiktok.com/@someone', true],
    ['facebook.com/groups/parents', true],
    ['Westbrook Parents (Facebook group)', true],
    ['@someone', true],
    ['https://', false],
    ['https://not a url.com', false],
    ['javascript://alert(1)', false],
    ['http://localhost/x', false],
  ])('where %s → %s', (input, ok) => {
    expect(checkWhere(input).ok).toBe(ok);
  });
  it('caps free text at 4,000 characters', () => {
    expect(checkText('a'.repeat(4000)).ok).toBe(true);
    expect(checkText('a'.repeat(4001))).toEqual({ ok: false, message: 'That is 4,001 characters. The limit is 4,000: please shorten it and send it again.' });
  });
  it.each([
    ['x', 'x'], ['X (Twitter)', 'x'], ['twitter', 'x'], ['insta', 'instagram'], ['3', 'instagram'], ['online game', 'game'], ['you', 'youtube'], ['something', undefined],
  ])('choice %s → %s', (input, expected) => {
    expect(matchChoice(input, PLATFORMS)).toBe(expected);
  });
});
