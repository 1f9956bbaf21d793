import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import sharp from 'sharp';
import type { ContainerClient } from '@azure/storage-blob';
import { PreviewStore } from '../../../src/evidence/preview-store.js';
import { png } from '../../support/images.js';

const notFound = () => Object.assign(new Error('BlobNotFound'), { statusCode: 404 });

/** A blob container in memory, counting reads of each blob. */
function memoryContainer() {
  const blobs = new Map<string, Buffer>();
  const reads = new Map<string, number>();
  const container = {
    getBlockBlobClient: (name: string) => ({
      async downloadToBuffer() {
        reads.set(name, (reads.get(name) ?? 0) + 1);
        const b = blobs.get(name);
        if (!b) throw notFound();
        return b;
      },
      async uploadData(data: Buffer) {
        blobs.set(name, data);
      },
      async exists() {
        return blobs.has(name);
      },
      async deleteIfExists() {
        blobs.delete(name);
      },
    }),
  } as unknown as ContainerClient;
  return { blobs, reads, container };
}

const photo = readFileSync(new URL('../../fixtures/images/phone-photo.jpg', import.meta.url));
const log = pino({ level: 'silent' });

describe('PreviewStore', () => {
  it('queues previews in the background: schedule returns at once, both derived files appear beside the original', async () => {
    const m = memoryContainer();
    m.blobs.set('s/d/e1', photo);
    const store = new PreviewStore(m.container, log);
    store.schedule({ id: 'e1', blobName: 's/d/e1', contentType: 'image/jpeg' });
    expect(m.blobs.has('s/d/e1.thumb.jpg')).toBe(false); // not made yet: the caller did not wait
    await store.idle();
    expect([...m.blobs.keys()].sort()).toEqual(['s/d/e1', 's/d/e1.display.jpg', 's/d/e1.thumb.jpg']);
    expect((await sharp(m.blobs.get('s/d/e1.thumb.jpg')!).metadata()).exif).toBeUndefined();
    expect(m.blobs.get('s/d/e1')!.equals(photo)).toBe(true); // the original untouched
  });

  it('makes a missing preview on first request (a queue lost with a restart, another instance), once for requests together', async () => {
    const m = memoryContainer();
    m.blobs.set('s/d/e2', photo);
    const store = new PreviewStore(m.container, log);
    const v = { id: 'e2', blobName: 's/d/e2', contentType: 'image/jpeg' };
    const [a, b, c] = await Promise.all([store.get(v, 'thumb'), store.get(v, 'thumb'), store.get(v, 'display')]);
    expect(a && b && c).toBeTruthy();
    expect(a!.equals(b!)).toBe(true);
    expect(m.reads.get('s/d/e2')).toBe(1); // the original was read (and decoded) once
    // Afterwards it is served from storage, by any instance.
    const other = new PreviewStore(m.container, log);
    expect((await other.get(v, 'display'))!.equals(c!)).toBe(true);
    expect(m.reads.get('s/d/e2')).toBe(1);
  });

  it('gives no preview of bytes that are not a picture, and does not try again at once', async () => {
    const m = memoryContainer();
    m.blobs.set('s/d/e3', png(4096));
    let t = 0;
    const store = new PreviewStore(m.container, log, () => t);
    const v = { id: 'e3', blobName: 's/d/e3', contentType: 'image/png' };
    expect(await store.get(v, 'thumb')).toBeUndefined();
    expect(await store.get(v, 'display')).toBeUndefined();
    expect(m.reads.get('s/d/e3')).toBe(1);
    t += 11 * 60_000;
    expect(await store.get(v, 'thumb')).toBeUndefined();
    expect(m.reads.get('s/d/e3')).toBe(2);
    expect(await store.get({ id: 'gone', blobName: 's/d/gone', contentType: 'image/png' }, 'thumb')).toBeUndefined();
  });

  it('deletes both derived files', async () => {
    const m = memoryContainer();
    m.blobs.set('s/d/e4', photo);
    const store = new PreviewStore(m.container, log);
    await store.get({ id: 'e4', blobName: 's/d/e4', contentType: 'image/jpeg' }, 'thumb');
    await store.delete('s/d/e4');
    expect([...m.blobs.keys()]).toEqual(['s/d/e4']);
  });
});
