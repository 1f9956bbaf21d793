import type { Logger } from '../../src/log.js';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { createStorageClients } from '../../src/storage/clients.js';
import { DraftStore } from '../../src/evidence/draft-store.js';
import { EvidenceService, type DraftOwner } from '../../src/evidence/evidence-service.js';
import { DRAFT_RETENTION_MS } from '../../src/domain/retention.js';
import { png } from '../support/images.js';
import { readFileSync } from 'node:fs';
import { PreviewStore } from '../../src/evidence/preview-store.js';
import { pngBytes } from '../support/tab-seed.js';

const DAY = 86_400_000;

/** Storage of its own for one test: a new evidence container and table prefix on the shared Azurite. */
async function freshStorage(container: string, tables: string) {
  const storage = createStorageClients({
    kind: 'connectionString',
    connectionString: inject('storageConnectionString'),
    evidenceContainer: container + randomBytes(3).toString('hex'),
    tablePrefix: tables + randomBytes(3).toString('hex'),
  });
  await storage.ensure();
  return storage;
}

/** The evidence service as the sweeper runs it, on that storage and clock (previews made only if given). */
function sweepService(storage: Awaited<ReturnType<typeof freshStorage>>, drafts: DraftStore, clock: () => Date, more: { log?: Logger; previews?: PreviewStore } = {}) {
  return new EvidenceService({
    container: storage.evidence,
    drafts,
    allowList: { production: false, devHosts: [] },
    linkSigningSecret: 'sweep-test-secret-0123456789abcdef0123456789',
    publicBaseUrl: 'http://127.0.0.1:1',
    log: more.log ?? pino({ level: 'silent' }),
    clock,
    ...(more.previews ? { previews: more.previews } : {}),
  });
}

/** The draft sweeper against real Table and Blob storage (Azurite). */
describe('draft sweeper', () => {
  it('deletes abandoned drafts with their screenshots, keeps sent screenshots, and leaves recent drafts alone', async () => {
    const storage = await freshStorage('sweep', 's');
    const drafts = new DraftStore(storage.table('drafts'));
    let now = Date.parse('2026-11-01T09:00:00Z');
    const service = sweepService(storage, drafts, () => new Date(now));
    const draft = async (draftId: string, schoolId = 'westbrook'): Promise<{ owner: DraftOwner; blobName: string }> => {
      const owner = { schoolId, aad: `aad-${draftId}`, draftId };
      await service.openDraft(owner, { noImages: false });
      const { record: v } = await service.receive(owner, Readable.from([png(2048)]), 'shot.png', 'chat');
      return { owner, blobName: v.blobName };
    };
    const blobExists = (name: string) => storage.evidence.getBlockBlobClient(name).exists();

    const abandoned = await draft('abandoned');
    const sent = await draft('sent');
    await service.markSubmitted(sent.owner);
    const otherSchool = await draft('elsewhere', 'oakfield');
    now += 5 * DAY;
    const recent = await draft('recent');

    // An upload-page link that was opened and has expired, and one still valid.
    const link = (linkId: string, expiresAt: number) =>
      drafts.createClaimedLink({ linkId, schoolId: 'westbrook', draftId: 'recent', ownerAad: 'aad-recent', expiresAt: new Date(expiresAt).toISOString(), sessionId: 's' });
    await link('expired-link', now);
    await link('live-link', Date.parse('2026-11-01T09:00:00Z') + DRAFT_RETENTION_MS + DAY);

    // 8 days and a minute after the first three began: they are past the retention, the recent one is not.
    now = Date.parse('2026-11-01T09:00:00Z') + DRAFT_RETENTION_MS + 60_000;
    expect(await service.sweep(DRAFT_RETENTION_MS)).toEqual({ abandoned: 2, sent: 1, links: 1 });
    expect(await drafts.getLink('expired-link')).toBeUndefined();
    expect(await drafts.getLink('live-link')).toBeDefined();

    for (const gone of [abandoned, otherSchool]) {
      expect(await drafts.getDraft(gone.owner.schoolId, gone.owner.draftId)).toBeUndefined();
      expect(await service.list(gone.owner)).toEqual([]);
      expect(await blobExists(gone.blobName)).toBe(false);
    }
    // A sent report's screenshot belongs to its case now: the blob stays, the draft's rows go.
    expect(await drafts.getDraft('westbrook', 'sent')).toBeUndefined();
    expect(await service.list(sent.owner)).toEqual([]);
    expect(await blobExists(sent.blobName)).toBe(true);
    // The recent draft is untouched.
    expect(await drafts.getDraft('westbrook', 'recent')).toMatchObject({ submitted: false });
    expect(await service.list(recent.owner)).toHaveLength(1);
    expect(await blobExists(recent.blobName)).toBe(true);
    // Running it again finds nothing more to do.
    expect(await service.sweep(DRAFT_RETENTION_MS)).toEqual({ abandoned: 0, sent: 0, links: 0 });
  });

  it('makes previews after receipt without holding it up, and deletes them with an abandoned draft (a sent one keeps them)', async () => {
    const storage = await freshStorage('sweepp', 'p');
    const drafts = new DraftStore(storage.table('drafts'));
    const log = pino({ level: 'silent' });
    const previews = new PreviewStore(storage.evidence, log);
    let now = Date.parse('2026-11-01T09:00:00Z');
    const service = sweepService(storage, drafts, () => new Date(now), { log, previews });
    const names = async () => {
      const out: string[] = [];
      for await (const b of storage.evidence.listBlobsFlat()) out.push(b.name);
      return out.sort();
    };
    const draft = async (draftId: string, bytes: Buffer, name: string) => {
      const owner = { schoolId: 'westbrook', aad: `aad-${draftId}`, draftId };
      await service.openDraft(owner, { noImages: false });
      const { record } = await service.receive(owner, Readable.from([bytes]), name, 'upload');
      return { owner, record };
    };
    const heic = readFileSync('tests/fixtures/images/phone-photo.heic');
    const abandoned = await draft('abandoned', heic, 'IMG_1.HEIC');
    const sent = await draft('sent', pngBytes(), 'shot.png');
    const fake = await draft('fake', png(4096), 'fake.png');
    await service.markSubmitted(sent.owner);
    await previews.idle();
    const beside = (v: { blobName: string }) => [v.blobName, `${v.blobName}.display.jpg`, `${v.blobName}.thumb.jpg`];
    expect(await names()).toEqual([...beside(abandoned.record), fake.record.blobName, ...beside(sent.record)].sort());
    // derived files carry no metadata: the HEIC's camera make is not in them
    const display = await storage.evidence.getBlockBlobClient(`${abandoned.record.blobName}.display.jpg`).downloadToBuffer();
    expect(display.includes('TestPhone')).toBe(false);
    expect((await previews.get(fake.record, 'thumb'))).toBeUndefined();

    now += DRAFT_RETENTION_MS + 60_000;
    await service.sweep(DRAFT_RETENTION_MS);
    expect(await names()).toEqual(beside(sent.record).sort());
  });
});
