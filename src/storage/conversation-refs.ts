import type { TableClient } from '@azure/data-tables';
import { escapeKey } from './keys.js';
import { isNotFound } from './clients.js';
import type { ConversationRef } from '../domain/cases/ports.js';

export type { ConversationRef };

/** The fields whose change means the stored reference must be rewritten. */
export function refFingerprint(r: Omit<ConversationRef, 'updatedAt'>): string {
  return [r.tenantId, r.aadObjectId, r.userId, r.conversationId, r.serviceUrl, r.channelId, r.botId].join('|');
}

export class ConversationRefRepository {
  /** Recent look-ups by person: every alert looks up its recipient and the card lists every DSL. */
  private readonly recent = new Map<string, { at: number; ref: ConversationRef }>();

  constructor(
    private readonly table: TableClient,
    private readonly ttlMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Partition per person (their Entra object id), row per tenant: "how do I reach X" is one query. */
  async save(ref: ConversationRef): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: escapeKey(ref.aadObjectId), rowKey: escapeKey(ref.tenantId || 'none'), ...ref },
      'Replace',
    );
    this.recent.delete(ref.aadObjectId);
  }

  /** Forget how to reach a person (they left): every row of theirs. */
  async drop(aadObjectId: string): Promise<void> {
    const filter = `PartitionKey eq '${escapeKey(aadObjectId).replace(/'/g, "''")}'`;
    for await (const e of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      try {
        await this.table.deleteEntity(escapeKey(aadObjectId), String(e.rowKey));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    this.recent.delete(aadObjectId);
  }

  async get(tenantId: string, aadObjectId: string): Promise<ConversationRef | undefined> {
    try {
      return toRef(await this.table.getEntity<ConversationRef>(escapeKey(aadObjectId), escapeKey(tenantId || 'none')));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The most recently updated reference for a person, whatever the tenant. */
  async findByAad(aadObjectId: string): Promise<ConversationRef | undefined> {
    const hit = this.recent.get(aadObjectId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.ref;
    const ref = await this.lookup(aadObjectId);
    // Only what was found is kept: someone who installs the app is reachable at once.
    if (ref) this.recent.set(aadObjectId, { at: this.now(), ref });
    return ref;
  }

  private async lookup(aadObjectId: string): Promise<ConversationRef | undefined> {
    let best: ConversationRef | undefined;
    const pk = escapeKey(aadObjectId).replace(/'/g, "''");
    for await (const e of this.table.listEntities<ConversationRef>({ queryOptions: { filter: `PartitionKey eq '${pk}'` } })) {
      const r = toRef(e);
      if (!best || r.updatedAt > best.updatedAt) best = r;
    }
    return best;
  }
}

function toRef(e: ConversationRef): ConversationRef {
  return {
    tenantId: e.tenantId, aadObjectId: e.aadObjectId, userId: e.userId, userName: e.userName,
    conversationId: e.conversationId, serviceUrl: e.serviceUrl, channelId: e.channelId, botId: e.botId,
    botName: e.botName, updatedAt: e.updatedAt,
  };
}
