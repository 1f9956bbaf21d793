import type { TableClient, TransactionAction } from '@azure/data-tables';
import { escapeKey } from './keys.js';
import { isConflict, isNotFound } from './clients.js';
import { caseEntity, outboxEntity, outboxFromEntity, pointerEntity, rowKeys } from './case-entities.js';
import type { OutboxItem, PersonRef } from '../domain/cases/types.js';
import { personKey, rolloutId, type PersonRecord, type RolloutStore } from '../domain/rollout/rollout.js';

/**
 * A policy rollout's rows, in the cases table beside the school's cases (one partition per school), so the
 * outbox dispatcher sends, retries and records them as it does every alert:
 *   c|pr-<version>            the rollout's record (never in the open, closed or "my submissions" indexes)
 *   c|pr-<version>|m|<id>     each card, reminder and note, with its delivery state
 *   c|pr-<version>|e|…        their chronology (delivered, could not be reached, failed)
 *   p|pr-<version>|<id>       pending pointers, as for every message
 *   k|<version>|<personKey>   one person's acknowledgement of that version
 */
const ackKey = (version: number, aad: string) => `k|${String(version).padStart(6, '0')}|${personKey(aad)}`;
/** An entity-group transaction holds at most 100 actions: 50 messages with their pointers. */
const PER_BATCH = 50;
/** Batches written at once. */
const PARALLEL = 4;

export class RolloutRepository implements RolloutStore {
  constructor(private readonly table: TableClient) {}

  async ensureRollout(schoolId: string, version: number, by: PersonRef, now: string): Promise<void> {
    const id = rolloutId(version);
    const e = caseEntity({
      schoolId,
      id,
      reference: `Policy v${version}`,
      kind: 'policyRollout',
      category: 'policy',
      status: 'closed',
      routing: { safeguarding: false, aboutHead: false, queue: 'head', severity: 'low', reasons: [] },
      submitter: by,
      answers: { version },
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.table.createEntity(e);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  async message(schoolId: string, version: number, id: string): Promise<OutboxItem | undefined> {
    try {
      return outboxFromEntity(schoolId, await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), rowKeys.outbox(rolloutId(version), id)));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async messages(schoolId: string, version: number): Promise<OutboxItem[]> {
    const prefix = `${rowKeys.case(rolloutId(version))}|m|`;
    const out: OutboxItem[] = [];
    const filter = `PartitionKey eq '${escapeKey(schoolId).replace(/'/g, "''")}' and RowKey ge '${prefix}' and RowKey lt '${prefix.slice(0, -1)}}'`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) out.push(outboxFromEntity(schoolId, e));
    return out;
  }

  async queue(items: OutboxItem[]): Promise<void> {
    const batches: TransactionAction[][] = [];
    for (const [pk, group] of byPartition(items)) {
      for (let i = 0; i < group.length; i += PER_BATCH) {
        batches.push(group.slice(i, i + PER_BATCH).flatMap((o): TransactionAction[] => [['create', outboxEntity(pk, o)], ['upsert', pointerEntity(pk, o, o.nextAttemptAt), 'Replace']]));
      }
    }
    await inParallel(batches, async (actions) => {
      try {
        await this.table.submitTransaction(actions);
      } catch (e) {
        // A message already there (another instance queued it first): write the batch's others one by one.
        if (!isConflict(e)) throw e;
        for (let i = 0; i < actions.length; i += 2) {
          try {
            await this.table.submitTransaction(actions.slice(i, i + 2));
          } catch (err) {
            if (!isConflict(err)) throw err;
          }
        }
      }
    });
  }

  async requeue(items: OutboxItem[], at: string): Promise<void> {
    const batches: TransactionAction[][] = [];
    for (const [pk, group] of byPartition(items)) {
      for (let i = 0; i < group.length; i += PER_BATCH) {
        batches.push(
          group.slice(i, i + PER_BATCH).flatMap((o): TransactionAction[] => {
            const again: OutboxItem = { ...o, state: 'pending', attempts: 0, nextAttemptAt: at, lastError: undefined, lastStatus: undefined, lastCode: undefined, claimedUntil: undefined };
            return [['update', outboxEntity(pk, again), 'Replace'], ['upsert', pointerEntity(pk, again, at), 'Replace']];
          }),
        );
      }
    }
    await inParallel(batches, (actions) => this.table.submitTransaction(actions).then(() => undefined));
  }

  async people(schoolId: string, version: number): Promise<PersonRecord[]> {
    const prefix = `k|${String(version).padStart(6, '0')}|`;
    const out: PersonRecord[] = [];
    const filter = `PartitionKey eq '${escapeKey(schoolId).replace(/'/g, "''")}' and RowKey ge '${prefix}' and RowKey lt '${prefix.slice(0, -1)}}'`;
    for await (const e of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) out.push(personFrom(schoolId, version, e));
    return out;
  }

  async person(schoolId: string, version: number, aad: string): Promise<PersonRecord | undefined> {
    try {
      return personFrom(schoolId, version, await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), ackKey(version, aad)));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async savePerson(p: PersonRecord): Promise<void> {
    await this.table.upsertEntity(
      {
        partitionKey: escapeKey(p.schoolId),
        rowKey: ackKey(p.version, p.aadObjectId),
        aad: p.aadObjectId,
        name: p.name,
        ...(p.acknowledgedAt ? { acknowledgedAt: p.acknowledgedAt } : {}),
        ...(p.checklistConfirmed !== undefined ? { checklistConfirmed: p.checklistConfirmed } : {}),
        ...(p.notedAt ? { notedAt: p.notedAt, notedTo: p.notedTo ?? '' } : {}),
      },
      'Merge',
    );
  }
}

function personFrom(schoolId: string, version: number, e: Record<string, unknown>): PersonRecord {
  return {
    schoolId,
    version,
    aadObjectId: String(e.aad),
    name: String(e.name),
    acknowledgedAt: e.acknowledgedAt ? String(e.acknowledgedAt) : undefined,
    checklistConfirmed: typeof e.checklistConfirmed === 'boolean' ? e.checklistConfirmed : undefined,
    notedAt: e.notedAt ? String(e.notedAt) : undefined,
    notedTo: e.notedTo ? String(e.notedTo) : undefined,
  };
}

function byPartition(items: OutboxItem[]): Map<string, OutboxItem[]> {
  const m = new Map<string, OutboxItem[]>();
  for (const o of items) {
    const pk = escapeKey(o.schoolId);
    const g = m.get(pk) ?? [];
    g.push(o);
    m.set(pk, g);
  }
  return m;
}

async function inParallel<T>(work: T[], run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(PARALLEL, work.length) }, async () => {
    while (next < work.length) await run(work[next++]);
  }));
}
