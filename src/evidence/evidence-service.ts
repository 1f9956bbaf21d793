import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../log.js';
import type { EvidenceRecord } from '../domain/cases/types.js';
import { checkDownloadUrl, URL_REFUSAL_TEXT, type AllowListOptions } from '../domain/evidence/allow-list.js';
import { IMAGE_TYPE_LABELS } from '../domain/evidence/sniff.js';
import { EvidenceRefusal, meterImage } from './meter.js';
import { DraftStore, type LinkRow } from './draft-store.js';
import { signUploadGrant, UPLOAD_LINK_TTL_SECONDS } from './upload-link.js';
import { PreviewStore } from './preview-store.js';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/**
 * An image up to this size (most screenshots) is held as the chunks it arrived in and stored with one
 * Put Blob: one request, and no more memory than its own bytes. A larger one is streamed in blocks of
 * BLOCK_BYTES, at most BLOCKS_IN_FLIGHT at a time, so memory per upload stays bounded whatever its size.
 */
export const SINGLE_PUT_MAX_BYTES = 1024 * 1024;
const BLOCK_BYTES = 256 * 1024;
const BLOCKS_IN_FLIGHT = 2;
export const MAX_IMAGES_PER_REPORT = 10;
const MAX_REDIRECTS = 3;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** One attachment as the chat delivered it, already reduced to plain data by the bot edge. */
export interface IncomingImage {
  url: string;
  originalName: string;
  /** How Teams delivered it (inline image or file); for messages only. */
  shape: 'inline' | 'file';
}

export type IntakeResult =
  | { ok: true; record: EvidenceRecord; number: number }
  | { ok: false; originalName: string; reason: EvidenceRefusal['reason']; text: string };

export interface DraftOwner {
  schoolId: string;
  aad: string;
  draftId: string;
}

export interface EvidenceIntake {
  /**
   * Make sure the draft row exists (owner, and whether images are refused). True when this call created
   * it, so it holds no evidence yet; false when it existed already.
   */
  openDraft(owner: DraftOwner, opts: { noImages: boolean }): Promise<boolean>;
  /**
   * Download each image from Teams into private storage; one result per image, in order. `held`: how many
   * images the draft holds, when the caller has just listed them (saves listing again).
   */
  receiveFromChat(owner: DraftOwner, items: IncomingImage[], bearer: () => Promise<string>, held?: number): Promise<IntakeResult[]>;
  list(owner: DraftOwner): Promise<EvidenceRecord[]>;
  /** A signed, single-use, short-lived link to the upload page for this draft (nothing is stored until it is opened). */
  uploadLink(owner: DraftOwner): Promise<string>;
  markSubmitted(owner: DraftOwner): Promise<void>;
  /** Delete a draft's evidence (cancelled, or images refused for this category). */
  discard(owner: DraftOwner): Promise<void>;
}

export interface EvidenceServiceDeps {
  container: ContainerClient;
  drafts: DraftStore;
  allowList: AllowListOptions;
  linkSigningSecret: string;
  publicBaseUrl: string;
  log: Logger;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Display copies and thumbnails, derived after receipt (none are made without it). */
  previews?: PreviewStore;
}

export const REFUSAL_TEXT: Record<EvidenceRefusal['reason'], string> = {
  notImage: 'it is not a picture (only PNG, JPEG, GIF, WebP or HEIC screenshots are accepted)',
  tooLarge: 'it is larger than 10 MB',
  empty: 'it was empty',
  download: 'it could not be downloaded from Teams. Please try sending it again',
  limit: `one report can hold at most ${MAX_IMAGES_PER_REPORT} screenshots`,
  notAllowed: URL_REFUSAL_TEXT.notAllowed,
  noDraft: 'it was cancelled or left unfinished too long, so nothing can be added to it. Start again in the chat if you need to',
  submitted: 'this has already been sent, so this link takes no more pictures',
  noImages: 'images must not be sent for this kind of report',
  busy: 'too many screenshots arrived at once. Please send it again',
};

export const newEvidenceId = () => randomBytes(8).toString('hex');

/** Receives screenshots (chat or upload page), checks them and streams them into the private container. */
export class EvidenceService implements EvidenceIntake {
  private readonly clock: () => Date;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly deps: EvidenceServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.fetchImpl = deps.fetch ?? fetch;
  }

  async openDraft(o: DraftOwner, opts: { noImages: boolean }): Promise<boolean> {
    // Usually the draft is new: one write. Otherwise read it, and rewrite it only if images are now (not) refused.
    const row = { draftId: o.draftId, ownerAad: o.aad, noImages: opts.noImages, submitted: false, createdAt: this.clock().toISOString() };
    if (await this.deps.drafts.createDraft(o.schoolId, row)) return true;
    const existing = await this.deps.drafts.getDraft(o.schoolId, o.draftId);
    if (existing && existing.noImages === opts.noImages) return false;
    await this.deps.drafts.saveDraft(o.schoolId, {
      draftId: o.draftId,
      ownerAad: o.aad,
      noImages: opts.noImages,
      submitted: existing?.submitted ?? false,
      createdAt: existing?.createdAt ?? this.clock().toISOString(),
    });
    if (opts.noImages) await this.discard(o);
    return false;
  }

  list(o: DraftOwner): Promise<EvidenceRecord[]> {
    return this.deps.drafts.listEvidence(o.schoolId, o.draftId);
  }

  async markSubmitted(o: DraftOwner): Promise<void> {
    await this.deps.drafts.markSubmitted(o.schoolId, o.draftId);
  }

  async discard(o: DraftOwner): Promise<void> {
    for (const v of await this.list(o)) {
      await this.deps.container.getBlockBlobClient(v.blobName).deleteIfExists();
      await this.deps.previews?.delete(v.blobName);
      await this.deps.drafts.deleteEvidence(o.schoolId, o.draftId, v.id);
    }
  }

  /**
   * Delete what unfinished reports left behind: a draft created before `retentionMs` ago that was never
   * sent loses its screenshots (blobs and rows); a sent one keeps its screenshots (the case holds them)
   * but its draft rows go. Expired upload-link rows go too. Returns counts only (nothing personal).
   */
  async sweep(retentionMs: number): Promise<{ abandoned: number; sent: number; links: number }> {
    const now = this.clock();
    const before = new Date(now.getTime() - retentionMs).toISOString();
    let abandoned = 0;
    let sent = 0;
    for await (const { schoolId, draft } of this.deps.drafts.draftsCreatedBefore(before)) {
      const o = { schoolId, aad: draft.ownerAad, draftId: draft.draftId };
      // A sent report's screenshots, and those added to one (each went on its case as it arrived), belong to the case.
      if (draft.submitted || draft.caseId) {
        for (const v of await this.list(o)) await this.deps.drafts.deleteEvidence(schoolId, draft.draftId, v.id);
        sent++;
      } else {
        await this.discard(o);
        abandoned++;
      }
      await this.deps.drafts.deleteDraft(schoolId, draft.draftId);
    }
    const links = await this.deps.drafts.deleteLinksExpiredBefore(now.toISOString());
    return { abandoned, sent, links };
  }

  /** The owner of a draft, for the upload page's first opening of a link (the link's MAC must name them). */
  async draftOwnerAad(schoolId: string, draftId: string): Promise<string | undefined> {
    return (await this.deps.drafts.getDraft(schoolId, draftId))?.ownerAad;
  }

  /** Whether a draft still takes screenshots: `open`, `submitted` (the report was sent) or `gone`; `caseId` for an addition. */
  async draftState(schoolId: string, draftId: string): Promise<{ state: 'open' | 'submitted' | 'gone'; caseId?: string }> {
    const d = await this.deps.drafts.getDraft(schoolId, draftId);
    return { state: !d ? 'gone' : d.submitted ? 'submitted' : 'open', caseId: d?.caseId };
  }

  /**
   * A link to the upload page for adding screenshots to a report already sent: a new draft that holds the
   * slots (as many as the case has room for) and names the case; each picture goes on the case as it arrives.
   */
  async additionLink(o: { schoolId: string; aad: string }, caseId: string, room: number): Promise<string> {
    const draftId = `a${newEvidenceId()}`;
    await this.deps.drafts.createDraft(o.schoolId, { draftId, ownerAad: o.aad, noImages: false, submitted: false, createdAt: this.clock().toISOString(), caseId, maxImages: room });
    return this.uploadLink({ ...o, draftId });
  }

  /** Delete one picture of a draft (its blob, previews and row): one that could not be put on its case. */
  async remove(o: DraftOwner, v: EvidenceRecord): Promise<void> {
    await this.deps.container.getBlockBlobClient(v.blobName).deleteIfExists();
    await this.deps.previews?.delete(v.blobName);
    await this.deps.drafts.deleteEvidence(o.schoolId, o.draftId, v.id);
  }

  /** An opened link's row (the upload page's later requests). */
  link(linkId: string): Promise<LinkRow | undefined> {
    return this.deps.drafts.getLink(linkId);
  }

  /** Record a link as it is first opened, claimed for that page session; false when it was opened before (single use). */
  openLink(l: Omit<LinkRow, 'etag'>): Promise<boolean> {
    return this.deps.drafts.createClaimedLink(l);
  }

  /** Claim a stored link (handed out before links carried their draft) for one page session; false when claimed already. */
  claimLink(link: LinkRow, sessionId: string): Promise<boolean> {
    return this.deps.drafts.claimLink(link, sessionId);
  }

  /**
   * `/upload/<school>/<draft>/<token>`: the school and draft say where the draft row is (its owner is
   * read from there), and the token's MAC binds all three, so nothing needs storing until the page is
   * first opened; that creates the link's row, which makes the link single-use (src/evidence/routes.ts).
   */
  async uploadLink(o: DraftOwner): Promise<string> {
    const linkId = newEvidenceId();
    const exp = Math.floor(this.clock().getTime() / 1000) + UPLOAD_LINK_TTL_SECONDS;
    const token = signUploadGrant(this.deps.linkSigningSecret, { schoolId: o.schoolId, aad: o.aad, draftId: o.draftId, linkId, exp });
    return `${this.deps.publicBaseUrl}/upload/${encodeURIComponent(o.schoolId)}/${encodeURIComponent(o.draftId)}/${token}`;
  }

  /**
   * Store one image (the upload page's request body) as evidence of the draft, within its limit: a slot is
   * reserved before any byte is read, and given back if the image is refused or storing fails. Throws
   * EvidenceRefusal (`limit` once the draft holds MAX_IMAGES_PER_REPORT, counting uploads in progress).
   */
  async receive(o: DraftOwner, body: AsyncIterable<Uint8Array>, originalName: string, source: EvidenceRecord['source']): Promise<{ record: EvidenceRecord; number: number }> {
    return this.withSlot(o, (id) => this.store(o, body, originalName, source, id));
  }

  async receiveFromChat(o: DraftOwner, items: IncomingImage[], bearer: () => Promise<string>, held?: number): Promise<IntakeResult[]> {
    const results: IntakeResult[] = [];
    let count = held ?? (await this.list(o)).length;
    // One message is worth at most a report's worth of downloads, so thousands of attachments cost no more.
    let tries = 0;
    for (const item of items) {
      if (count >= MAX_IMAGES_PER_REPORT || tries++ >= MAX_IMAGES_PER_REPORT) {
        results.push(this.refusal(item.originalName, 'limit'));
        continue;
      }
      try {
        // The slot is reserved before the download, so an image over the limit is not even fetched.
        const { record, number } = await this.withSlot(o, async (id) => {
          const res = await this.download(item.url, bearer);
          try {
            return await this.store(o, Readable.fromWeb(res.body as never), item.originalName, 'chat', id);
          } finally {
            res.abort();
          }
        });
        count = number;
        results.push({ ok: true, record, number });
      } catch (e) {
        const reason = e instanceof EvidenceRefusal ? e.reason : 'download';
        if (!(e instanceof EvidenceRefusal)) this.deps.log.warn({ draftId: o.draftId, errorName: (e as Error).name }, 'evidence download failed');
        if (reason === 'limit') count = MAX_IMAGES_PER_REPORT;
        results.push(this.refusal(item.originalName, reason));
      }
    }
    return results;
  }

  /** Run `work` holding one of the draft's evidence slots; the slot is given back if `work` throws. */
  private async withSlot(o: DraftOwner, work: (evidenceId: string) => Promise<EvidenceRecord>): Promise<{ record: EvidenceRecord; number: number }> {
    const id = newEvidenceId();
    const slot = await this.deps.drafts.reserveSlot(o.schoolId, o.draftId, o.aad, id, this.clock(), MAX_IMAGES_PER_REPORT);
    if (!slot.ok) throw new EvidenceRefusal(slot.reason);
    try {
      return { record: await work(id), number: slot.number };
    } catch (e) {
      await this.deps.drafts.releaseSlot(o.schoolId, o.draftId, id).catch((err: unknown) => {
        this.deps.log.warn({ draftId: o.draftId, evidenceId: id, errorName: (err as Error).name }, 'could not give back an evidence slot');
      });
      throw e;
    }
  }

  /** Store an image stream (upload page or download) as evidence `id` of the draft, in the slot reserved for it. Throws EvidenceRefusal. */
  private async store(o: DraftOwner, body: AsyncIterable<Uint8Array>, originalName: string, source: EvidenceRecord['source'], id: string): Promise<EvidenceRecord> {
    const metered = await meterImage(body, MAX_IMAGE_BYTES);
    const blobName = `${o.schoolId}/${o.draftId}/${id}`;
    const blob = this.deps.container.getBlockBlobClient(blobName);
    const headers = { blobHTTPHeaders: { blobContentType: metered.type } };
    try {
      const it = metered.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const head: Buffer[] = [];
      let headBytes = 0;
      let ended = false;
      while (headBytes <= SINGLE_PUT_MAX_BYTES) {
        const r = await it.next();
        if (r.done) {
          ended = true;
          break;
        }
        head.push(r.value);
        headBytes += r.value.length;
      }
      if (ended) {
        // A body factory, so that the SDK's retries can send it again.
        await blob.upload(() => Readable.from(head, { objectMode: false }), headBytes, headers);
      } else {
        const rest = async function* () {
          yield* head.splice(0);
          for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
        };
        await blob.uploadStream(Readable.from(rest(), { objectMode: false }), BLOCK_BYTES, BLOCKS_IN_FLIGHT, headers);
      }
    } catch (e) {
      await blob.deleteIfExists().catch(() => undefined);
      if (e instanceof EvidenceRefusal) throw e;
      const inner = (e as { cause?: unknown }).cause;
      if (inner instanceof EvidenceRefusal) throw inner;
      throw e;
    }
    const { sha256, size } = metered.result();
    const record: EvidenceRecord = {
      id,
      blobName,
      sha256,
      size,
      contentType: metered.type,
      originalName: cleanName(originalName, metered.type),
      receivedAt: this.clock().toISOString(),
      source,
    };
    await this.deps.drafts.addEvidence(o.schoolId, o.draftId, o.aad, record);
    this.deps.log.info({ draftId: o.draftId, evidenceId: id, size, source }, 'evidence stored');
    // The original is stored and recorded; its previews are made later (receipt never waits for them).
    this.deps.previews?.schedule(record);
    return record;
  }

  /** GET with the allow-list checked on every hop; the token goes only to hosts that need it. */
  private async download(raw: string, bearer: () => Promise<string>): Promise<{ body: ReadableStream<Uint8Array>; abort(): void }> {
    let target = raw;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const check = checkDownloadUrl(target, this.deps.allowList);
      if (!check.ok) throw new EvidenceRefusal('notAllowed', REFUSAL_TEXT.notAllowed);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), DOWNLOAD_TIMEOUT_MS);
      const headers: Record<string, string> = { accept: 'image/*' };
      if (check.bearer === 'bot') headers.authorization = `Bearer ${await bearer()}`;
      const res = await this.fetchImpl(check.url, { headers, redirect: 'manual', signal: ac.signal });
      const abort = () => {
        clearTimeout(timer);
        ac.abort();
      };
      if (res.status >= 300 && res.status < 400) {
        const loc = res.headers.get('location');
        abort();
        if (!loc) throw new EvidenceRefusal('download');
        target = new URL(loc, check.url).toString();
        continue;
      }
      if (!res.ok || !res.body) {
        abort();
        throw new EvidenceRefusal('download');
      }
      const len = Number(res.headers.get('content-length') ?? '');
      if (Number.isFinite(len) && len > MAX_IMAGE_BYTES) {
        abort();
        throw new EvidenceRefusal('tooLarge');
      }
      return { body: res.body, abort };
    }
    throw new EvidenceRefusal('download');
  }

  private refusal(originalName: string, reason: EvidenceRefusal['reason']): IntakeResult {
    return { ok: false, originalName, reason, text: REFUSAL_TEXT[reason] };
  }
}

export function describeImage(v: Pick<EvidenceRecord, 'contentType' | 'size'>): string {
  const label = IMAGE_TYPE_LABELS[v.contentType as keyof typeof IMAGE_TYPE_LABELS] ?? 'image';
  const kb = v.size < 1024 * 1024 ? `${Math.max(1, Math.round(v.size / 1024))} KB` : `${(v.size / (1024 * 1024)).toFixed(1)} MB`;
  return `${label}, ${kb}`;
}

/** A safe display name: no paths, no control characters, at most 120 characters. */
export function cleanName(name: string, type: string): string {
  const base = (name || '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f<>"]/g, '').trim().slice(0, 120);
  return base || `screenshot.${type.split('/')[1] ?? 'img'}`;
}

/** The evidence service as configured for this deployment (used by the report dialog and the upload page). */
export function createEvidenceService(services: {
  config: { env: string; attachmentAllowedHosts: readonly string[]; linkSigningSecret: string; publicBaseUrl: string };
  storage: { evidence: ContainerClient; table(name: 'drafts'): import('@azure/data-tables').TableClient };
  log: Logger;
  clock: () => Date;
  previews?: PreviewStore;
}): EvidenceService {
  return new EvidenceService({
    previews: services.previews ?? new PreviewStore(services.storage.evidence, services.log),
    container: services.storage.evidence,
    drafts: new DraftStore(services.storage.table('drafts')),
    allowList: { production: services.config.env === 'production', devHosts: services.config.attachmentAllowedHosts },
    linkSigningSecret: services.config.linkSigningSecret,
    publicBaseUrl: services.config.publicBaseUrl,
    log: services.log,
    clock: services.clock,
  });
}
