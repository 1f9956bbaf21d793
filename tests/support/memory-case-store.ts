import { CaseNotFoundError, ConcurrentUpdateError } from '../../src/domain/cases/errors.js';
import { applyCaseChange, type CaseChange, type CaseDetail, type CasePage, type CaseStore, type ListOptions, type NewCaseInput } from '../../src/domain/cases/ports.js';
import { summaryOf } from '../../src/domain/cases/summary.js';
import { isOpen, type CaseEvent, type CaseRecord, type OutboxItem } from '../../src/domain/cases/types.js';

/**
 * The case store in memory, for unit tests of the case services. It keeps the rules they rely on: a change
 * quoting a stale ETag is refused with ConcurrentUpdateError, one submission makes one case, and a change
 * lands with its events and owed messages or not at all. OData filters are storage's, so lists refuse them.
 */
export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, CaseDetail & { etag: string }>();
  private readonly submissions = new Map<string, string>();
  private ids = 0;
  private etags = 0;
  /** Runs once, just before the next update is checked: another instance's write landing in between. */
  beforeNextUpdate?: () => Promise<void>;
  /** Updates attempted, refused ones included. */
  updates = 0;

  async create(input: NewCaseInput): Promise<{ case: CaseRecord; duplicate: boolean }> {
    const first = await this.bySubmission(input.schoolId, input.submissionId);
    if (first) return { case: first, duplicate: true };
    const id = (++this.ids).toString(16).padStart(16, '0');
    const c: CaseRecord = {
      schoolId: input.schoolId, id, reference: `${input.referencePrefix}-${new Date(input.now).getUTCFullYear()}-${String(this.ids).padStart(4, '0')}`,
      kind: input.kind, category: input.category, status: input.status, routing: input.routing, submitter: input.submitter,
      answers: input.answers, createdAt: input.now, updatedAt: input.now, stage: input.stage,
    };
    const events: CaseEvent[] = [{ at: input.now, type: 'created', actor: input.submitter, ...input.createdEvent }, ...(input.moreEvents ?? []).map((ev, i) => ({ ...ev, at: new Date(Date.parse(input.now) + 1 + i).toISOString() }))];
    this.cases.set(key(input.schoolId, id), { case: c, events, evidence: input.evidence, outbox: this.owed(c, input.outbox, input.now), etag: this.nextEtag() });
    this.submissions.set(key(input.schoolId, input.submissionId), id);
    return { case: c, duplicate: false };
  }

  async bySubmission(schoolId: string, submissionId: string): Promise<CaseRecord | undefined> {
    const id = this.submissions.get(key(schoolId, submissionId));
    return id ? this.cases.get(key(schoolId, id))?.case : undefined;
  }

  async get(schoolId: string, caseId: string): Promise<(CaseDetail & { etag: string }) | undefined> {
    const d = this.cases.get(key(schoolId, caseId));
    return d && structuredClone(d);
  }

  async addEvent(schoolId: string, caseId: string, ev: Omit<CaseEvent, 'at'>, now: string): Promise<string> {
    const d = this.cases.get(key(schoolId, caseId));
    if (d) d.events.push({ ...ev, at: now });
    return key(caseId, String(d ? d.events.length - 1 : -1));
  }

  async correctEvent(schoolId: string, eventKey: string, type: CaseEvent['type'] | 'remove'): Promise<void> {
    const [caseId, i] = eventKey.split('|');
    const events = this.cases.get(key(schoolId, caseId))?.events;
    if (!events?.[Number(i)]) return;
    if (type === 'remove') events.splice(Number(i), 1);
    else events[Number(i)].type = type;
  }

  async update(schoolId: string, caseId: string, etag: string, change: CaseChange, now: string): Promise<CaseRecord> {
    this.updates++;
    const interleaved = this.beforeNextUpdate;
    this.beforeNextUpdate = undefined;
    await interleaved?.();
    const d = this.cases.get(key(schoolId, caseId));
    if (!d) throw new CaseNotFoundError(caseId);
    if (d.etag !== etag) throw new ConcurrentUpdateError(caseId);
    d.case = applyCaseChange(d.case, change, now);
    d.evidence.push(...(change.evidence ?? []));
    d.events.push(...[change.event, ...(change.moreEvents ?? [])].map((ev) => ({ ...ev, at: now })));
    d.outbox.push(...this.owed(d.case, change.outbox ?? [], now));
    d.etag = this.nextEtag();
    return d.case;
  }

  async listOpen(schoolId: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.list(schoolId, opts, (c) => isOpen(c.status));
  }

  async listClosed(schoolId: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.list(schoolId, opts, (c) => !isOpen(c.status));
  }

  async listMine(schoolId: string, aad: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.list(schoolId, opts, (c) => c.submitter.aadObjectId === aad);
  }

  private list(schoolId: string, opts: ListOptions, keep: (c: CaseRecord) => boolean): CasePage {
    if (opts.filter) throw new Error('the memory store cannot apply an OData filter');
    const items = [...this.cases.values()].map((d) => d.case).filter((c) => c.schoolId === schoolId && keep(c));
    return { items: items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map(summaryOf) };
  }

  private owed(c: CaseRecord, items: NewCaseInput['outbox'], now: string): OutboxItem[] {
    return items.map((o, i) => ({ ...o, id: `${c.id}-${i}-${now}`, schoolId: c.schoolId, caseId: c.id, state: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now }));
  }

  private nextEtag(): string {
    return `W/"${++this.etags}"`;
  }
}

const key = (...parts: string[]) => parts.join('|');
