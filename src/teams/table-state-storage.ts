import type { Storage, StoreItems } from 'botbuilder';
import type { TableClient } from '@azure/data-tables';
import { escapeKey } from '../storage/keys.js';
import { isNotFound } from '../storage/clients.js';

/** Table properties hold at most 64 KiB (32K UTF-16 units); state is split across d0…dN. */
const CHUNK = 30_000;
const MAX_CHUNKS = 30;
const ROW = 'state';

export class StateTooLargeError extends Error {
  readonly code = 'STATE_TOO_LARGE';
}

/**
 * Bot Framework `Storage` over Azure Table storage, with ETag concurrency: two server instances can serve
 * one school, and a conversation survives a restart. One entity (one partition) per state key, so each
 * turn costs one point read and one write.
 */
export class TableStateStorage implements Storage {
  constructor(private readonly table: TableClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        try {
          const entity = await this.table.getEntity<Record<string, unknown>>(escapeKey(key), ROW);
          const n = Number(entity.n ?? 0);
          let json = '';
          for (let i = 0; i < n; i++) json += String(entity[`d${i}`] ?? '');
          items[key] = { ...JSON.parse(json), eTag: entity.etag };
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...state } = (item ?? {}) as { eTag?: string };
        const json = JSON.stringify(state);
        const n = Math.ceil(json.length / CHUNK) || 1;
        if (n > MAX_CHUNKS) throw new StateTooLargeError(`state for one key exceeds ${MAX_CHUNKS * CHUNK} characters`);
        const entity: Record<string, unknown> = { partitionKey: escapeKey(key), rowKey: ROW, n };
        for (let i = 0; i < n; i++) entity[`d${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
        const result =
          eTag && eTag !== '*'
            ? await this.table.updateEntity(entity as never, 'Replace', { etag: eTag })
            : await this.table.upsertEntity(entity as never, 'Replace');
        // A second save in the same turn must carry the new ETag, or it would conflict with itself.
        if (item && result.etag) (item as { eTag?: string }).eTag = result.etag;
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        try {
          await this.table.deleteEntity(escapeKey(key), ROW);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),
    );
  }
}
