import type { OutboxStore, PendingPointer, StoredOutboxItem, WrittenOutbox } from '../../src/domain/cases/ports.js';
import type { CaseEvent, CaseRecord, OutboxItem } from '../../src/domain/cases/types.js';

interface Row {
  item: OutboxItem;
  etag: string;
  /** The pending pointer's `notBefore`; absent once the message reached a final state. */
  pointer?: string;
}

/**
 * The outbox store in memory, for unit tests of the dispatcher. It keeps Table storage's rules that the
 * dispatcher relies on: every write moves the row's ETag, a write quoting a stale ETag is refused, and a
 * pending pointer is what the poll finds (not before its time) until the message's state is final.
 */
export class MemoryOutboxStore implements OutboxStore {
  private readonly rows = new Map<string, Row>();
  private readonly cases = new Map<string, CaseRecord>();
  private etags = 0;
  /** Every saved attempt result, in order. */
  readonly saved: OutboxItem[] = [];
  /** Chronology events the saves added. */
  readonly events: Array<Omit<CaseEvent, 'at'> & { caseId: string }> = [];

  /** Queue messages as a case's transaction does, reserved for the fast path until `reservedUntil`: what the dispatcher is handed. */
  write(c: CaseRecord, items: OutboxItem[], reservedUntil: string): WrittenOutbox {
    this.cases.set(key(c.schoolId, c.id), c);
    return {
      case: c,
      items: items.map((item) => {
        const etag = this.nextEtag();
        this.rows.set(key(item.schoolId, item.caseId, item.id), { item, etag, pointer: reservedUntil });
        return { ...item, etag, reservedUntil };
      }),
    };
  }

  async pendingPointers(limit = 200, kind?: OutboxItem['kind'], dueBy?: string, schoolIds?: readonly string[]): Promise<PendingPointer[]> {
    return [...this.rows.values()]
      .filter((r) => r.pointer !== undefined && (!kind || r.item.kind === kind) && (!dueBy || r.pointer <= dueBy) && (!schoolIds || schoolIds.includes(r.item.schoolId)))
      .slice(0, limit)
      .map(({ item }) => ({ schoolId: item.schoolId, caseId: item.caseId, outboxId: item.id }));
  }

  async getOutbox(schoolId: string, caseId: string, outboxId: string): Promise<StoredOutboxItem | undefined> {
    const row = this.rows.get(key(schoolId, caseId, outboxId));
    return row && { ...row.item, etag: row.etag };
  }

  async saveOutbox(item: StoredOutboxItem, event?: Omit<CaseEvent, 'at'>): Promise<void> {
    const { etag, ...o } = item;
    const row = this.existing(o, etag);
    row.item = o;
    row.etag = this.nextEtag();
    row.pointer = o.state === 'pending' ? o.nextAttemptAt : undefined;
    this.saved.push(o);
    if (event) this.events.push({ ...event, caseId: o.caseId });
  }

  async claimOutbox(item: StoredOutboxItem, until: string): Promise<string | undefined> {
    const { etag, ...o } = item;
    const row = this.rows.get(key(o.schoolId, o.caseId, o.id));
    if (row && etag && row.etag !== etag) return undefined; // another instance has it
    const claimed = this.existing(o, etag);
    claimed.item = { ...o, claimedUntil: until };
    claimed.etag = this.nextEtag();
    return claimed.etag;
  }

  async caseOf(schoolId: string, caseId: string): Promise<CaseRecord | undefined> {
    return this.cases.get(key(schoolId, caseId));
  }

  private existing(o: OutboxItem, etag: string | undefined): Row {
    const row = this.rows.get(key(o.schoolId, o.caseId, o.id));
    if (!row) throw Object.assign(new Error('no such message'), { statusCode: 404 });
    if (etag && row.etag !== etag) throw Object.assign(new Error('the message changed'), { statusCode: 412 });
    return row;
  }

  private nextEtag(): string {
    return `W/"${++this.etags}"`;
  }
}

const key = (...parts: string[]) => parts.join('|');
