/**
 * Pictures every client can show, derived from an evidence original that stays untouched (its SHA-256 is
 * the evidence). Two derived files: a display copy (JPEG, at most 2048 px on its longer side) and a small
 * thumbnail (JPEG, at most 320 px), both turned upright and both without EXIF or any other metadata: a
 * phone photo carries its GPS position, which the original keeps for the record and nobody else needs.
 *
 * HEIC (iPhones' default) is decoded with libheif compiled to WebAssembly (heic-decode), because the
 * prebuilt image library reads only AVIF of the HEIF family; everything else is read by sharp (libvips).
 * The derived files live beside the original in the private container, named after it, so whatever
 * deletes a draft's or a case's blobs by prefix deletes them too.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import sharp, { type Sharp } from 'sharp';
import type { ImageType } from '../domain/evidence/sniff.js';

export type PreviewKind = 'display' | 'thumb';

export const PREVIEW_CONTENT_TYPE = 'image/jpeg';

const SIZES: Record<PreviewKind, { px: number; quality: number }> = {
  display: { px: 2048, quality: 82 },
  thumb: { px: 320, quality: 70 },
};

/** A decoded picture larger than this many pixels is refused (a decompression bomb, not a screenshot). */
export const MAX_PREVIEW_PIXELS = 100_000_000;

// One picture at a time per process and no decoded-image cache: previews are background work and must
// not lift the server's memory with them.
sharp.cache(false);
sharp.concurrency(1);

/** The blob name of a derived file: beside the original, `<original>.<kind>.jpg`. */
export function previewBlobName(originalBlobName: string, kind: PreviewKind): string {
  return `${originalBlobName}.${kind}.jpg`;
}

export interface Previews {
  display: Buffer;
  thumb: Buffer;
  contentType: typeof PREVIEW_CONTENT_TYPE;
  /** The upright size of the picture, in pixels. */
  width: number;
  height: number;
}

/** Derive the display copy and the thumbnail of one original. Throws when the bytes cannot be decoded. */
export async function derivePreviews(original: Uint8Array, type: ImageType): Promise<Previews> {
  const source = await openImage(original, type);
  const upright = source.rotate(); // applies the EXIF orientation, then metadata is not copied over
  const meta = await upright.clone().metadata();
  const [display, thumb] = await Promise.all((['display', 'thumb'] as const).map((kind) => encode(upright.clone(), kind)));
  const turned = (meta.orientation ?? 1) >= 5;
  return {
    display,
    thumb,
    contentType: PREVIEW_CONTENT_TYPE,
    width: (turned ? meta.height : meta.width) ?? 0,
    height: (turned ? meta.width : meta.height) ?? 0,
  };
}

async function openImage(original: Uint8Array, type: ImageType): Promise<Sharp> {
  if (type === 'image/heic') {
    const { width, height, data } = await heicDecoder.decode(original);
    if (width * height > MAX_PREVIEW_PIXELS) throw new Error('picture too large to preview');
    return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
  }
  // The first frame of an animated GIF or WebP is what a still preview shows.
  return sharp(original, { limitInputPixels: MAX_PREVIEW_PIXELS, animated: false, failOn: 'error' });
}

function encode(image: Sharp, kind: PreviewKind): Promise<Buffer> {
  const { px, quality } = SIZES[kind];
  return image
    .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality, mozjpeg: kind === 'thumb' })
    .toBuffer();
}

interface Decoded {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The HEIC decoder runs in a worker thread: libheif in WebAssembly decodes on the thread that calls it
 * (about a second for a 12-megapixel photo), and the server's thread must keep answering the bot and the
 * tab meanwhile. One worker, one picture at a time; it is started on first use, does not keep the process
 * alive, and is started again if it dies. The worker is given the decoder's resolved path, so it runs the
 * same from the sources and from the bundled server.
 */
class HeicDecoder {
  private worker: Worker | undefined;
  private next = 1;
  /** WebAssembly memory only grows: an idle worker is stopped, giving back the 100 MB or so a photo took. */
  private idle: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, { resolve(d: Decoded): void; reject(e: Error): void }>();

  decode(bytes: Uint8Array): Promise<Decoded> {
    const worker = this.start();
    clearTimeout(this.idle);
    const id = this.next++;
    return new Promise<Decoded>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      // A copy goes to the worker: the caller keeps its bytes.
      worker.postMessage({ id, bytes: Uint8Array.from(bytes) });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(HEIC_WORKER_SOURCE, { eval: true, workerData: { decoder: createRequire(import.meta.url).resolve('heic-decode') } });
    w.unref();
    let retired = false;
    w.on('message', (m: { id: number; width?: number; height?: number; data?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) {
        w.unref();
        this.idle = setTimeout(() => {
          // Retired first: a picture that comes now starts a new worker, and this one's exit fails nothing.
          retired = true;
          if (this.worker === w) this.worker = undefined;
          void w.terminate();
        }, HEIC_WORKER_IDLE_MS);
        this.idle.unref();
      }
      if (m.error !== undefined || !m.data) p.reject(new Error('HEIC could not be decoded'));
      else p.resolve({ width: m.width ?? 0, height: m.height ?? 0, data: m.data });
    });
    const fail = () => {
      if (retired) return;
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error('HEIC decoder stopped'));
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', fail);
    this.worker = w;
    return w;
  }
}

const HEIC_WORKER_IDLE_MS = 30_000;

const HEIC_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const decode = require(workerData.decoder);
let chain = Promise.resolve();
parentPort.on('message', ({ id, bytes }) => {
  chain = chain.then(async () => {
    try {
      const { width, height, data } = await decode({ buffer: bytes });
      const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      parentPort.postMessage({ id, width, height, data: out }, [out.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: 'decode' });
    }
  });
});
`;

const heicDecoder = new HeicDecoder();
