import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { derivePreviews, previewBlobName } from '../../../src/evidence/previews.js';
import { png } from '../../support/images.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/images/${name}`, import.meta.url));

// phone-photo.jpg: 64×48 pixels stored sideways (EXIF orientation 6), with a camera make and a GPS position.
// phone-photo.heic: the same picture as an iPhone would save it (HEIC, EXIF inside).

describe('derivePreviews', () => {
  it('turns a phone JPEG upright and strips its EXIF (GPS included) from both derived files', async () => {
    const original = fixture('phone-photo.jpg');
    expect((await sharp(original).metadata()).exif?.includes('TestPhone')).toBe(true);
    const p = await derivePreviews(original, 'image/jpeg');
    expect([p.width, p.height]).toEqual([48, 64]);
    for (const out of [p.display, p.thumb]) {
      const m = await sharp(out).metadata();
      expect(m.format).toBe('jpeg');
      expect(m.exif).toBeUndefined();
      expect(m.orientation).toBeUndefined();
      expect([m.width, m.height]).toEqual([48, 64]);
      expect(out.includes('TestPhone')).toBe(false);
    }
  });

  it('makes a JPEG every client can show out of a HEIC, without its metadata', async () => {
    const original = fixture('phone-photo.heic');
    expect(original.includes('TestPhone')).toBe(true);
    const p = await derivePreviews(original, 'image/heic');
    const m = await sharp(p.display).metadata();
    expect(m.format).toBe('jpeg');
    expect([m.width, m.height]).toEqual([64, 48]);
    expect(m.exif).toBeUndefined();
    expect(p.display.includes('TestPhone')).toBe(false);
    // the picture survived the trip: the left half is blue-dark, the right half blue-bright
    const { data, info } = await sharp(p.display).raw().toBuffer({ resolveWithObject: true });
    const blueAt = (x: number, y: number) => data[(y * info.width + x) * info.channels + 2];
    expect(blueAt(8, 24)).toBeLessThan(100);
    expect(blueAt(56, 24)).toBeGreaterThan(160);
  });

  it('shrinks a big screenshot to 2048 px for display and 320 px for the thumbnail, never enlarging a small one', async () => {
    const big = await sharp({ create: { width: 3000, height: 1500, channels: 3, background: '#336699' } }).png().toBuffer();
    const p = await derivePreviews(big, 'image/png');
    const d = await sharp(p.display).metadata();
    const t = await sharp(p.thumb).metadata();
    expect([d.width, d.height]).toEqual([2048, 1024]);
    expect([t.width, t.height]).toEqual([320, 160]);
    expect(p.thumb.length).toBeLessThan(p.display.length);
    const small = await derivePreviews(fixture('phone-photo.heic'), 'image/heic');
    expect((await sharp(small.thumb).metadata()).width).toBe(64);
  });

  it('keeps transparency readable: a transparent PNG comes out on white', async () => {
    const clear = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { data } = await sharp((await derivePreviews(clear, 'image/png')).display).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(240);
  });

  it('refuses bytes that only look like an image', async () => {
    await expect(derivePreviews(png(4096), 'image/png')).rejects.toThrow();
    await expect(derivePreviews(Buffer.concat([fixture('phone-photo.heic').subarray(0, 40), Buffer.alloc(200)]), 'image/heic')).rejects.toThrow();
  });

  it('names derived files beside the original, so deleting by prefix takes them too', () => {
    expect(previewBlobName('school-1/draft-9/ev-3', 'display')).toBe('school-1/draft-9/ev-3.display.jpg');
    expect(previewBlobName('school-1/draft-9/ev-3', 'thumb').startsWith('school-1/draft-9/ev-3')).toBe(true);
  });
});
