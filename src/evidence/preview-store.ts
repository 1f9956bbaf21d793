import type { ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../log.js';
import type { EvidenceRecord } from '../domain/cases/types.js';
import { IMAGE_TYPE_LABELS, type ImageType } from '../domain/evidence/sniff.js';
import { isNotFound } from '../storage/clients.js';
import { derivePreviews, previewBlobName, PREVIEW_CONTENT_TYPE, type PreviewKind } from './previews.js';

type Original = Pick<EvidenceRecord, 'id' | 'blobName' | 'contentType'>;

/** A failed derivation is not tried again for this long on this instance (the bytes will not change). */
const FAILED_FOR_MS = 10 * 60 * 1000;
const FAILED_REMEMBERED = 1000;

const isImageType = (t: string): t is ImageType => Object.hasOwn(IMAGE_TYPE_LABELS, t);

/**
 * The display copy and thumbnail of each evidence picture, in the private container beside the original.
 *
 * Receipt never waits for them: `schedule` queues the work on this instance (one picture at a time, so a
 * burst of phone photos does not take the server's memory with it). Nothing about the queue needs to
 * survive a restart or be shared: `get` derives a missing preview on first request (and stores it, so any
 * instance serves it from then on), so a queue lost with a process, or an instance that never saw the
 * upload, only means the first look takes a second longer. Two instances deriving the same picture write
 * the same bytes. Bytes that cannot be decoded (not really a picture) give no preview: the tab shows a
 * placeholder, and those allowed can still download the original.
 */
export class PreviewStore {
  private readonly queue: Original[] = [];
  private running = false;
  /** Derivations in progress on this instance, by original blob name: a request joins one already running. */
  private readonly inFlight = new Map<string, Promise<Record<PreviewKind, Buffer> | undefined>>();
  private readonly failed = new Map<string, number>();
  private idleWaiters: Array<() => void> = [];
  /** One derivation at a time on this instance, queued or asked for: decoding a 12-megapixel photo takes about 50 MB. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly container: ContainerClient,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** Queued work starts this long after the first picture of a burst, so the burst is received first. */
    private readonly settleMs = 1000,
  ) {}

  /** Queue the previews of a just-stored original; returns at once. */
  schedule(v: Original): void {
    this.queue.push(v);
    if (this.running) return;
    this.running = true;
    setTimeout(() => void this.drain(), this.settleMs).unref();
  }

  /** Resolves when the queue is empty (tests and shutdown). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * The stored preview of one original, deriving (and storing) both kinds if missing. Undefined when the
   * original cannot be turned into a picture or is gone.
   */
  async get(v: Original, kind: PreviewKind): Promise<Buffer | undefined> {
    try {
      return await this.container.getBlockBlobClient(previewBlobName(v.blobName, kind)).downloadToBuffer();
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return (await this.derive(v))?.[kind];
  }

  /** Delete an original's derived files (with the original: drafts discarded, swept or evidence removed). */
  async delete(originalBlobName: string): Promise<void> {
    await Promise.all((['display', 'thumb'] as const).map((k) => this.container.getBlockBlobClient(previewBlobName(originalBlobName, k)).deleteIfExists()));
  }

  private async drain(): Promise<void> {
    try {
      for (let v = this.queue.shift(); v; v = this.queue.shift()) {
        const exists = await this.container.getBlockBlobClient(previewBlobName(v.blobName, 'thumb')).exists().catch(() => false);
        if (!exists) await this.derive(v);
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private derive(v: Original): Promise<Record<PreviewKind, Buffer> | undefined> {
    const running = this.inFlight.get(v.blobName);
    if (running) return running;
    const failedAt = this.failed.get(v.blobName);
    if (failedAt !== undefined && this.now() - failedAt < FAILED_FOR_MS) return Promise.resolve(undefined);
    const run = () => this.deriveNow(v);
    const work = this.turn.then(run, run).finally(() => this.inFlight.delete(v.blobName));
    this.turn = work.catch(() => undefined);
    this.inFlight.set(v.blobName, work);
    return work;
  }

  private async deriveNow(v: Original): Promise<Record<PreviewKind, Buffer> | undefined> {
    const started = this.now();
    if (!isImageType(v.contentType)) return undefined;
    let original: Buffer;
    try {
      original = await this.container.getBlockBlobClient(v.blobName).downloadToBuffer();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      this.log.warn({ evidenceId: v.id, errorName: (e as Error).name }, 'evidence preview: original could not be read');
      return undefined;
    }
    let made;
    try {
      made = await derivePreviews(original, v.contentType);
    } catch {
      // Not a picture the decoders can read. Logged by id only: the error could quote the bytes.
      this.remember(v.blobName);
      this.log.info({ evidenceId: v.id }, 'evidence preview: not decodable, none made');
      return undefined;
    }
    const headers = { blobHTTPHeaders: { blobContentType: PREVIEW_CONTENT_TYPE } };
    try {
      // The display copy first: a thumbnail present means both are.
      await this.container.getBlockBlobClient(previewBlobName(v.blobName, 'display')).uploadData(made.display, headers);
      await this.container.getBlockBlobClient(previewBlobName(v.blobName, 'thumb')).uploadData(made.thumb, headers);
    } catch (e) {
      this.log.warn({ evidenceId: v.id, errorName: (e as Error).name }, 'evidence preview: could not be stored; it is made again when asked for');
    }
    this.log.info({ evidenceId: v.id, ms: this.now() - started, width: made.width, height: made.height }, 'evidence previews made');
    return { display: made.display, thumb: made.thumb };
  }

  private remember(blobName: string): void {
    if (this.failed.size >= FAILED_REMEMBERED) this.failed.delete(this.failed.keys().next().value!);
    this.failed.set(blobName, this.now());
  }
}
