import type { OutboxItem } from '../../src/domain/cases/types.js';
import { rolloutId, type PersonRecord, type RolloutStore } from '../../src/domain/rollout/rollout.js';

/** The rollout port in memory, for unit tests: messages are delivered (or not) by the test itself. */
export class MemoryRolloutStore implements RolloutStore {
  readonly rollouts = new Set<string>();
  readonly rows = new Map<string, OutboxItem>();
  readonly persons = new Map<string, PersonRecord>();

  async ensureRollout(schoolId: string, version: number): Promise<void> {
    this.rollouts.add(`${schoolId}|${version}`);
  }
  async message(schoolId: string, version: number, id: string): Promise<OutboxItem | undefined> {
    const r = this.rows.get(`${schoolId}|${rolloutId(version)}|${id}`);
    return r && { ...r };
  }
  async messages(schoolId: string, version: number): Promise<OutboxItem[]> {
    return [...this.rows.values()].filter((r) => r.schoolId === schoolId && r.caseId === rolloutId(version)).map((r) => ({ ...r }));
  }
  async queue(items: OutboxItem[]): Promise<void> {
    for (const i of items) {
      const k = `${i.schoolId}|${i.caseId}|${i.id}`;
      if (!this.rows.has(k)) this.rows.set(k, { ...i });
    }
  }
  async requeue(items: OutboxItem[], at: string): Promise<void> {
    for (const i of items) this.rows.set(`${i.schoolId}|${i.caseId}|${i.id}`, { ...i, state: 'pending', attempts: 0, nextAttemptAt: at });
  }
  async people(schoolId: string, version: number): Promise<PersonRecord[]> {
    return [...this.persons.values()].filter((p) => p.schoolId === schoolId && p.version === version);
  }
  async person(schoolId: string, version: number, aad: string): Promise<PersonRecord | undefined> {
    return this.persons.get(`${schoolId}|${version}|${aad}`);
  }
  async savePerson(p: PersonRecord): Promise<void> {
    const k = `${p.schoolId}|${p.version}|${p.aadObjectId}`;
    this.persons.set(k, { ...this.persons.get(k), ...p });
  }

  /** What the dispatcher would do: every pending message due by `at` is delivered then (or marked as `state`). */
  deliverDue(at: Date, state: OutboxItem['state'] = 'delivered', only?: (i: OutboxItem) => boolean): number {
    let n = 0;
    for (const [k, r] of this.rows) {
      if (r.state !== 'pending' || Date.parse(r.nextAttemptAt) > at.getTime() || (only && !only(r))) continue;
      this.rows.set(k, { ...r, state, attempts: 1, ...(state === 'delivered' ? { deliveredAt: at.toISOString() } : {}) });
      n++;
    }
    return n;
  }
}
