import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SNIFF_BYTES, sniffImageType, type ImageType } from '../domain/evidence/sniff.js';

export class EvidenceRefusal extends Error {
  constructor(readonly reason: 'notImage' | 'tooLarge' | 'empty' | 'download' | 'limit' | 'notAllowed' | 'noDraft' | 'submitted' | 'noImages' | 'busy', message?: string) {
    super(message ?? reason);
    this.name = 'EvidenceRefusal';
  }
}

export interface Metered {
  /** The bytes, to stream onward (into a blob). Errors with EvidenceRefusal('tooLarge') past the cap. */
  stream: Readable;
  type: ImageType;
  /** Resolved once `stream` has been fully read. */
  result(): { sha256: string; size: number };
}

/**
 * Reads just enough of a byte stream to know it is an accepted image (refusing before anything is stored
 * if not), then passes it on while counting (cap) and hashing (SHA-256). Nothing is buffered beyond a chunk.
 */
export async function meterImage(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Metered> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = asBuffer(r.value);
    head.push(chunk);
    headLen += chunk.length;
  }
  if (headLen === 0) throw new EvidenceRefusal('empty');
  const first = Buffer.concat(head);
  const type = sniffImageType(first);
  if (!type) {
    await it.return?.();
    throw new EvidenceRefusal('notImage');
  }
  const hash = createHash('sha256');
  let size = 0;
  const take = (b: Buffer) => {
    size += b.length;
    if (size > maxBytes) throw new EvidenceRefusal('tooLarge');
    hash.update(b);
    return b;
  };
  let digest: string | undefined;
  async function* rest() {
    yield take(first);
    if (!done) {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        yield take(asBuffer(r.value));
      }
    }
    digest = hash.digest('hex');
  }
  const stream = Readable.from(rest(), { objectMode: false });
  return {
    stream,
    type,
    result: () => {
      if (digest === undefined) throw new Error('stream not finished');
      return { sha256: digest, size };
    },
  };
}

/** The same bytes as a Buffer, without copying them (request bodies already are Buffers; fetch gives Uint8Arrays). */
const asBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
