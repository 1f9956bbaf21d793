import type { TableClient } from '@azure/data-tables';
import { escapeKey, odataString, unescapeKey } from '../storage/keys.js';
import { isConflict, isNotFound } from '../storage/clients.js';
import type { EvidenceRecord } from '../domain/cases/types.js';

/**
 * The `drafts` table: what belongs to a report that is not submitted yet. Partition = school.
 *   d|<draftId>                  the draft: owner, whether images are refused (indecent images), submitted
 *   e|<draftId>|<evidenceId>     one piece of evidence received (chat or upload page); bytes are in blob storage
 *   s|<draftId>|<nn>             evidence slot nn (01 to the limit): held by an upload in progress or by stored evidence
 * and, in partition `links` (a link is looked up by its id alone):
 *   <linkId>                     an upload-page link that has been opened: its school, draft, owner, expiry and
 *                                the page session that used it (written when the page is first opened)
 * The dialog reads the evidence rows at submit, so evidence from the chat and from the upload page meet here.
 */
export interface DraftRow {
  draftId: string;
  ownerAad: string;
  noImages: boolean;
  submitted: boolean;
  createdAt: string;
  /**
   * Set on an addition: screenshots added to a report already sent (from My submissions). Each one goes on
   * that case as it arrives; the draft only holds the slots, so the case keeps to the limit.
   */
  caseId?: string;
  /** How many this draft may take (an addition: what the case has room for); the report limit when absent. */
  maxImages?: number;
}

function draftOf(draftId: string, e: Record<string, unknown>): DraftRow {
  return {
    draftId,
    ownerAad: String(e.ownerAad),
    noImages: Boolean(e.noImages),
    submitted: Boolean(e.submitted),
    createdAt: String(e.createdAt),
    ...(typeof e.caseId === 'string' && e.caseId ? { caseId: e.caseId } : {}),
    ...(typeof e.maxImages === 'number' ? { maxImages: e.maxImages } : {}),
  };
}

export interface LinkRow {
  linkId: string;
  schoolId: string;
  draftId: string;
  ownerAad: string;
  expiresAt: string;
  /** Set when the page is first opened; every upload must carry it. Empty until then. */
  sessionId: string;
  etag?: string;
}

const LINKS = 'links';

/**
 * A slot reserved by an upload that never finished and was never given back (the process died mid-upload)
 * counts for this long; then it is free again. Longer than any upload of an image up to the size cap.
 */
export const SLOT_RESERVATION_MS = 15 * 60 * 1000;
/** Reservations that lose an ETag race try again; each loss means another upload got its slot. */
const SLOT_ATTEMPTS = 50;

/** `noDraft`: the draft is gone (cancelled, or swept); `submitted`: the report was sent; `notAllowed`: not this person's. */
export type SlotResult = { ok: true; number: number } | { ok: false; reason: 'notAllowed' | 'noDraft' | 'submitted' | 'noImages' | 'limit' | 'busy' };

interface SlotRow {
  n: number;
  evidenceId: string;
  reservedAt: string;
  etag: string;
}
const pause = () => new Promise((r) => setTimeout(r, Math.random() * 15));
const rk = {
  draft: (draftId: string) => `d|${draftId}`,
  evidence: (draftId: string, id: string) => `e|${draftId}|${id}`,
  slot: (draftId: string, n: number) => `s|${draftId}|${String(n).padStart(2, '0')}`,
};

export class DraftStore {
  constructor(private readonly table: TableClient) {}

  async getDraft(schoolId: string, draftId: string): Promise<DraftRow | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), rk.draft(draftId));
      return draftOf(draftId, e);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async saveDraft(schoolId: string, d: DraftRow): Promise<void> {
    await this.table.upsertEntity({ partitionKey: escapeKey(schoolId), rowKey: rk.draft(d.draftId), ...d }, 'Replace');
  }

  /** Create the draft row; false (and nothing written) when it already exists. */
  async createDraft(schoolId: string, d: DraftRow): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: escapeKey(schoolId), rowKey: rk.draft(d.draftId), ...d });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  /** One write, no read: the draft takes no more evidence. Nothing to do for a draft that was never opened. */
  async markSubmitted(schoolId: string, draftId: string): Promise<void> {
    try {
      await this.table.updateEntity({ partitionKey: escapeKey(schoolId), rowKey: rk.draft(draftId), submitted: true }, 'Merge', { etag: '*' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async addEvidence(schoolId: string, draftId: string, ownerAad: string, v: EvidenceRecord): Promise<void> {
    await this.table.createEntity({ partitionKey: escapeKey(schoolId), rowKey: rk.evidence(draftId, v.id), ownerAad, ...v });
  }

  /**
   * Reserve one of the draft's `max` evidence slots for `evidenceId`, before its bytes are stored, so that
   * uploads running at the same time cannot together pass the limit. Each slot is a row of its own,
   * `s|<draftId>|<n>` with n from 1 to `max`: taking a free one is an insert (a race loses with 409),
   * taking over one left by a dead upload is an ETag-conditional replace (412), so no more than `max`
   * can ever be held. A slot stays taken while its evidence is stored; one whose upload never finished
   * is free again after SLOT_RESERVATION_MS. `number`: how many slots are in use with this one.
   */
  async reserveSlot(schoolId: string, draftId: string, ownerAad: string, evidenceId: string, now: Date, max: number): Promise<SlotResult> {
    const pk = escapeKey(schoolId);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const draft = await this.getDraft(schoolId, draftId);
      if (!draft) return { ok: false, reason: 'noDraft' };
      if (draft.ownerAad !== ownerAad) return { ok: false, reason: 'notAllowed' };
      if (draft.submitted) return { ok: false, reason: 'submitted' };
      if (draft.noImages) return { ok: false, reason: 'noImages' };
      max = Math.min(max, draft.maxImages ?? max);
      const slots = await this.listSlots(schoolId, draftId);
      // Listed after the slots: evidence stored since then still counts as in use.
      const stored = new Set((await this.listEvidence(schoolId, draftId)).map((v) => v.id));
      const held = (s: SlotRow) => stored.has(s.evidenceId) || now.getTime() - Date.parse(s.reservedAt) < SLOT_RESERVATION_MS;
      const inUse = slots.filter(held).length + [...stored].filter((id) => !slots.some((s) => s.evidenceId === id)).length;
      if (inUse >= max) return { ok: false, reason: 'limit' };
      let free = 0;
      for (let n = 1; n <= max && !free; n++) {
        const s = slots.find((x) => x.n === n);
        if (!s || !held(s)) free = n;
      }
      if (!free) return { ok: false, reason: 'limit' };
      const stale = slots.find((x) => x.n === free);
      const row = { partitionKey: pk, rowKey: rk.slot(draftId, free), evidenceId, reservedAt: now.toISOString() };
      try {
        if (stale) await this.table.updateEntity(row, 'Replace', { etag: stale.etag });
        else await this.table.createEntity(row);
        return { ok: true, number: inUse + 1 };
      } catch (e) {
        if (!isConflict(e)) throw e; // 409 or 412: another upload took this slot first
        await pause();
      }
    }
    return { ok: false, reason: 'busy' };
  }

  /** Give a slot back (its upload failed and stored nothing, or its evidence was deleted): its row goes. */
  async releaseSlot(schoolId: string, draftId: string, evidenceId: string): Promise<void> {
    for (const s of await this.listSlots(schoolId, draftId)) {
      if (s.evidenceId === evidenceId) await this.deleteRow(schoolId, rk.slot(draftId, s.n));
    }
  }

  private async listSlots(schoolId: string, draftId: string): Promise<SlotRow[]> {
    const out: SlotRow[] = [];
    const filter = `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey gt ${odataString(`s|${draftId}|`)} and RowKey lt ${odataString(`s|${draftId}}`)}`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({ n: Number(String(e.rowKey).split('|')[2]), evidenceId: String(e.evidenceId), reservedAt: String(e.reservedAt), etag: String(e.etag) });
    }
    return out;
  }

  private async deleteRow(schoolId: string, rowKey: string): Promise<void> {
    try {
      await this.table.deleteEntity(escapeKey(schoolId), rowKey);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async listEvidence(schoolId: string, draftId: string): Promise<EvidenceRecord[]> {
    const from = `e|${draftId}|`;
    const out: EvidenceRecord[] = [];
    for await (const e of this.table.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey gt ${odataString(from)} and RowKey lt ${odataString(`e|${draftId}}`)}`,
      },
    })) {
      out.push({
        id: String(e.id),
        blobName: String(e.blobName),
        sha256: String(e.sha256),
        size: Number(e.size),
        contentType: String(e.contentType),
        originalName: String(e.originalName),
        receivedAt: String(e.receivedAt),
        source: e.source as EvidenceRecord['source'],
      });
    }
    return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  }

  async deleteEvidence(schoolId: string, draftId: string, evidenceId: string): Promise<void> {
    await this.deleteRow(schoolId, rk.evidence(draftId, evidenceId));
    await this.releaseSlot(schoolId, draftId, evidenceId);
  }

  /** Drafts (of every school) created before `before`: the sweeper's work list. */
  async *draftsCreatedBefore(before: string): AsyncGenerator<{ schoolId: string; draft: DraftRow }> {
    const filter = `RowKey ge 'd|' and RowKey lt 'd}' and createdAt lt ${odataString(before)}`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (e.partitionKey === LINKS) continue;
      yield {
        schoolId: unescapeKey(String(e.partitionKey)),
        draft: draftOf(String(e.draftId), e),
      };
    }
  }

  /** The draft row and any slot an upload that died left behind. */
  async deleteDraft(schoolId: string, draftId: string): Promise<void> {
    for (const slot of await this.listSlots(schoolId, draftId)) await this.deleteRow(schoolId, rk.slot(draftId, slot.n));
    await this.deleteRow(schoolId, rk.draft(draftId));
  }

  /** Delete the rows of upload links that expired before `before`; returns how many. */
  async deleteLinksExpiredBefore(before: string): Promise<number> {
    let n = 0;
    const filter = `PartitionKey eq '${LINKS}' and expiresAt lt ${odataString(before)}`;
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      try {
        await this.table.deleteEntity(LINKS, String(e.rowKey));
        n++;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return n;
  }

  async getLink(linkId: string): Promise<LinkRow | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(LINKS, linkId);
      return {
        linkId,
        schoolId: String(e.schoolId),
        draftId: String(e.draftId),
        ownerAad: String(e.ownerAad),
        expiresAt: String(e.expiresAt),
        sessionId: String(e.sessionId ?? ''),
        etag: String(e.etag),
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Record a link as it is first opened, claimed for that page session (links signed with their draft
   * are not written when they are handed out). False when the link was opened before (single use).
   */
  async createClaimedLink(l: Omit<LinkRow, 'etag'>): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: LINKS, rowKey: l.linkId, ...l });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  /** Claim a link for one page session. False when another page already claimed it (single use). */
  async claimLink(link: LinkRow, sessionId: string): Promise<boolean> {
    if (link.sessionId) return false;
    const { etag, ...row } = link;
    try {
      await this.table.updateEntity({ partitionKey: LINKS, rowKey: link.linkId, ...row, sessionId }, 'Replace', { etag });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }
}
