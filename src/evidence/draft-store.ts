import type { TableClient } from '@azure/data-tables';
import { escapeKey, odataString, unescapeKey } from '../storage/keys.js';
import { isConflict, isNotFound } from '../storage/clients.js';
import type { EvidenceRecord } from '../domain/cases/types.js';

/**
 * The `drafts` table: what belongs to a report that is not submitted yet. Partition = school.
 *   d|<draftId>                  the draft: owner, whether images are refused (indecent images), submitted
 *   e|<draftId>|<evidenceId>     one piece of evidence received (chat or upload page); bytes are in blob storage
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
const rk = {
  draft: (draftId: string) => `d|${draftId}`,
  evidence: (draftId: string, id: string) => `e|${draftId}|${id}`,
};

export class DraftStore {
  constructor(private readonly table: TableClient) {}

  async getDraft(schoolId: string, draftId: string): Promise<DraftRow | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), rk.draft(draftId));
      return {
        draftId,
        ownerAad: String(e.ownerAad),
        noImages: Boolean(e.noImages),
        submitted: Boolean(e.submitted),
        createdAt: String(e.createdAt),
      };
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
    try {
      await this.table.deleteEntity(escapeKey(schoolId), rk.evidence(draftId, evidenceId));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Drafts (of every school) created before `before`: the sweeper's work list. */
  async *draftsCreatedBefore(before: string): AsyncGenerator<{ schoolId: string; draft: DraftRow }> {
    const filter = `RowKey ge 'd|' and RowKey lt 'd}' and createdAt lt ${odataString(before)}`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (e.partitionKey === LINKS) continue;
      yield {
        schoolId: unescapeKey(String(e.partitionKey)),
        draft: { draftId: String(e.draftId), ownerAad: String(e.ownerAad), noImages: Boolean(e.noImages), submitted: Boolean(e.submitted), createdAt: String(e.createdAt) },
      };
    }
  }

  async deleteDraft(schoolId: string, draftId: string): Promise<void> {
    try {
      await this.table.deleteEntity(escapeKey(schoolId), rk.draft(draftId));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
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
