/**
 * Subject access (UK GDPR article 15): every record that names a person, found by a list of record sources, each
 * record's data with everyone else's details marked for redaction review. A source is one object with a `find`;
 * adding a kind of record to the export is adding a source to the list built in src/app.ts.
 *
 * The person is a member of staff (found by their Entra id wherever a record holds it, and by their name in free
 * text), or a name typed by the administrator (a pupil, a parent: found in free text and in registers by name).
 */
import type { CaseDetail, CaseStore } from '../cases/ports.js';
import type { Member } from '../directory/directory.js';
import type { ExportRecord } from './ports.js';

export interface Subject {
  aadObjectId?: string;
  name: string;
}

/** One record found, as it goes into the archive. */
export interface FoundRecord {
  /** The source's id (a folder of the archive). */
  source: string;
  /** The record's own reference or id. */
  ref: string;
  /** A case's id: its chronology records that it went into an export. */
  caseId?: string;
  title: string;
  /** Where in it the person appears ("made the report", "named in the answers"). */
  why: string[];
  /** The record, with other people's details marked (`markForReview`). */
  data: unknown;
  /** Images of the record: opened one at a time while the archive is written, never all held. */
  images: Array<{ name: string; contentType: string; open: () => Promise<AsyncIterable<Uint8Array>> }>;
}

export interface RecordSource {
  id: string;
  /** What it holds, for the summary ("Cases: incident reports, declarations, account requests"). */
  label: string;
  find(schoolId: string, subject: Subject): AsyncIterable<FoundRecord>;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether free text names the person: their whole name, as words, in any case and spacing. */
export function namesPerson(text: string, name: string): boolean {
  const words = name.trim().split(/\s+/).filter(Boolean).map(escapeRe);
  if (!words.length) return false;
  return new RegExp(`(^|[^\\p{L}\\p{N}])${words.join('\\s+')}($|[^\\p{L}\\p{N}])`, 'iu').test(text);
}

/** Keys whose values are the record's own structure (codes, dates, ids), never a person's details. */
const STRUCTURAL = new Set([
  'id', 'schoolId', 'reference', 'kind', 'category', 'status', 'type', 'at', 'createdAt', 'updatedAt', 'receivedAt', 'deliveredAt', 'nextAttemptAt',
  'severity', 'queue', 'contentType', 'sha256', 'size', 'source', 'state', 'attempts', 'platform', 'platforms', 'affected', 'responsible', 'when',
  'helpful', 'clauseIds', 'roles', 'safeguarding', 'aboutHead', 'allegation', 'body', 'within', 'due', 'round', 'decision', 'from', 'to',
]);

export const REVIEW_PERSON = 'another person: review before release';
export const REVIEW_TEXT = 'free text that may name other people: review before release';

/**
 * The record with every other person's details marked for redaction review: a person (an object with an Entra id
 * and a name) who is not the subject, and every piece of free text (it may name anyone). The subject's own id and
 * name, and the record's structure (codes, dates), are left as they are. Returns how many marks it made.
 */
export function markForReview(value: unknown, subject: Subject): { data: unknown; marks: number } {
  let marks = 0;
  const own = subject.name.trim().toLowerCase();
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.aadObjectId === 'string' && typeof o.name === 'string' && Object.keys(o).length <= 3) {
        if (subject.aadObjectId && o.aadObjectId === subject.aadObjectId) return o;
        marks++;
        return { redactionReview: REVIEW_PERSON, ...o };
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, k)]));
    }
    if (typeof v === 'string') {
      if (v.trim().toLowerCase() === own || (subject.aadObjectId && v === subject.aadObjectId)) return v;
      if (STRUCTURAL.has(key) || key.endsWith('At') || key.endsWith('Aad') || key.endsWith('Id')) {
        // An id or a code; a "name" never is.
        if (!/name/i.test(key)) return v;
      }
      if (!v.trim()) return v;
      marks++;
      return { redactionReview: REVIEW_TEXT, text: v };
    }
    return v;
  };
  return { data: walk(value, ''), marks };
}

// ---- the sources the app has ------------------------------------------------------------------------------

/** Where a person appears in a case, in words; empty when they do not. */
export function whereInCase(d: CaseDetail, subject: Subject): string[] {
  const c = d.case;
  const aad = subject.aadObjectId;
  const why: string[] = [];
  if (aad) {
    if (c.submitter.aadObjectId === aad) why.push('made it');
    if (c.assignee?.aadObjectId === aad) why.push('assigned to it');
    if (c.routing.subject?.aadObjectId === aad) why.push('the person it is about');
    if (d.events.some((e) => e.actor?.aadObjectId === aad)) why.push('acted in its chronology');
    if (d.outbox.some((o) => o.recipient.aadObjectId === aad)) why.push('was told of it');
    if (JSON.stringify(c.answers).includes(aad) || JSON.stringify(c.stage ?? null).includes(aad)) why.push('named in its answers');
  }
  const name = subject.name;
  if (name.trim()) {
    const inText = (v: unknown) => namesPerson(JSON.stringify(v ?? null), name);
    if (inText(c.answers) || inText(c.stage)) why.push('named in its answers');
    if (d.events.some((e) => (e.detail && namesPerson(e.detail, name)) || inText(e.data))) why.push('named in its chronology');
    if (c.outcome && namesPerson(c.outcome, name)) why.push('named in its outcome');
    if (inText(c.referrals) || inText(c.legalHold)) why.push('named in its referrals or hold');
  }
  return [...new Set(why)];
}

/**
 * Cases of every kind (incident reports, family declarations, account requests and their register), with their
 * chronology, the messages they owed and their images.
 */
export function caseSource(deps: { cases: Pick<CaseStore, 'listOpen' | 'listClosed' | 'get'>; openBlob: (blobName: string) => Promise<AsyncIterable<Uint8Array>> }): RecordSource {
  return {
    id: 'cases',
    label: 'Cases: incident reports, family declarations, account requests (with their chronology, messages and images)',
    async *find(schoolId, subject) {
      for (const list of [deps.cases.listOpen.bind(deps.cases), deps.cases.listClosed.bind(deps.cases)]) {
        let token: string | undefined;
        do {
          const page = await list(schoolId, { pageSize: 200, continuationToken: token });
          for (const s of page.items) {
            const d = await deps.cases.get(schoolId, s.id);
            if (!d) continue;
            const why = whereInCase(d, subject);
            if (!why.length) continue;
            const { data } = markForReview(
              {
                case: d.case,
                chronology: d.events,
                evidence: d.evidence.map(({ blobName: _b, ...v }) => v),
                messages: d.outbox.map((o) => ({ kind: o.kind, recipient: o.recipient, state: o.state, createdAt: o.createdAt, deliveredAt: o.deliveredAt })),
              },
              subject,
            );
            yield {
              source: 'cases',
              ref: d.case.reference,
              caseId: d.case.id,
              title: `${d.case.reference} (${d.case.kind}, ${d.case.category})`,
              why,
              data,
              images: d.evidence.map((v, i) => ({ name: `${String(i + 1).padStart(2, '0')}-${v.id}${extensionOf(v.contentType)}`, contentType: v.contentType, open: () => deps.openBlob(v.blobName) })),
            };
          }
          token = page.continuationToken;
        } while (token);
      }
    },
  };
}

function extensionOf(contentType: string): string {
  return { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp', 'image/heic': '.heic' }[contentType] ?? '';
}

/** The photo-consent register: a pupil's row, found by name. */
export function consentSource(deps: { register(schoolId: string): Promise<{ records: Array<{ pupilId: string; name: string }> }> }): RecordSource {
  return {
    id: 'consent',
    label: 'Photo-consent register',
    async *find(schoolId, subject) {
      for (const r of (await deps.register(schoolId)).records) {
        if (!namesPerson(r.name, subject.name)) continue;
        yield { source: 'consent', ref: r.pupilId, title: `Photo consent: ${r.name}`, why: ['their row of the register'], data: markForReview(r, subject).data, images: [] };
      }
    },
  };
}

/**
 * The post register: approved posts on the school's accounts that name the person (a pupil shown in it, or the
 * member who proposed or approved it). Published personal information is what a subject access request asks for.
 */
export function postSource(deps: {
  postsAbout(schoolId: string, who: { name?: string; aadObjectId?: string }): Promise<Array<{ reference: string; accountName: string; platform: string; approvedAt: string; proposedBy: { aadObjectId: string; name: string }; approvedBy: { aadObjectId: string; name: string }; pupils: Array<{ name: string }> }>>;
}): RecordSource {
  return {
    id: 'posts',
    label: 'Post register: approved posts on the school\'s accounts',
    async *find(schoolId, subject) {
      const rows = await deps.postsAbout(schoolId, { name: subject.name, ...(subject.aadObjectId ? { aadObjectId: subject.aadObjectId } : {}) });
      for (const r of rows) {
        const why: string[] = [];
        if (r.pupils.some((p) => namesPerson(p.name, subject.name))) why.push('a pupil named in the post');
        if (r.proposedBy.aadObjectId === subject.aadObjectId || namesPerson(r.proposedBy.name, subject.name)) why.push('proposed it');
        if (r.approvedBy.aadObjectId === subject.aadObjectId || namesPerson(r.approvedBy.name, subject.name)) why.push('approved it');
        yield { source: 'posts', ref: r.reference, title: `Post ${r.reference} on ${r.accountName} (${r.platform}), approved ${r.approvedAt.slice(0, 10)}`, why: why.length ? why : ['named in the post'], data: markForReview(r, subject).data, images: [] };
      }
    },
  };
}

/** "Was this helpful?" rows that kept their question (with the member's agreement), found by name in it. */
export function askFeedbackSource(deps: { list(schoolId: string): AsyncIterable<{ at: string; question?: string; helpful: boolean }> }): RecordSource {
  return {
    id: 'ask-feedback',
    label: 'Questions asked of the policy (kept with the asker\'s agreement)',
    async *find(schoolId, subject) {
      let n = 0;
      for await (const f of deps.list(schoolId)) {
        if (!f.question || !namesPerson(f.question, subject.name)) continue;
        yield { source: 'ask-feedback', ref: `question-${++n}`, title: `A question asked on ${f.at.slice(0, 10)}`, why: ['named in the question'], data: markForReview(f, subject).data, images: [] };
      }
    },
  };
}

/** A member's own directory entry and, if they left, when. */
export function directorySource(deps: { member(schoolId: string, aad: string): Promise<Member | undefined>; leaver(schoolId: string, aad: string): Promise<{ leftAt: string } | undefined> }): RecordSource {
  return {
    id: 'directory',
    label: 'The school directory (a member\'s entry)',
    async *find(schoolId, subject) {
      if (!subject.aadObjectId) return;
      const [m, left] = await Promise.all([deps.member(schoolId, subject.aadObjectId), deps.leaver(schoolId, subject.aadObjectId)]);
      if (!m && !left) return;
      yield { source: 'directory', ref: subject.aadObjectId, title: `Directory entry: ${subject.name}`, why: ['their own entry'], data: markForReview({ member: m ?? null, leftAt: left?.leftAt ?? null }, subject).data, images: [] };
    },
  };
}

/** Runs the sources for one request and records the export (who, about whom, how many records of each source). */
export class SubjectAccessService {
  constructor(
    readonly sources: readonly RecordSource[],
    private readonly store: { recordExport(e: ExportRecord): Promise<void> },
    private readonly cases: { addEvent: CaseStore['addEvent'] },
    private readonly clock: () => Date,
    private readonly newId: () => string,
  ) {}

  /** Every record of every source that names the person, source by source. */
  async *find(schoolId: string, subject: Subject): AsyncIterable<FoundRecord> {
    for (const s of this.sources) yield* s.find(schoolId, subject);
  }

  /**
   * Record the export, and in each case's chronology that it went into one (who made it; not whom it was
   * about), so those who keep the case see it left the school's hands for review.
   */
  async record(actor: Member, subject: Subject, counts: Record<string, number>, caseIds: readonly string[]): Promise<ExportRecord> {
    const at = this.clock().toISOString();
    const e: ExportRecord = { schoolId: actor.schoolId, id: this.newId(), at, by: { aadObjectId: actor.aadObjectId, name: actor.name }, subject, counts };
    await this.store.recordExport(e);
    for (const id of caseIds) {
      await this.cases.addEvent(actor.schoolId, id, { type: 'exported', actor: { aadObjectId: actor.aadObjectId, name: actor.name }, detail: 'Included in a subject access export, for review before release.', data: { exportId: e.id } }, at);
    }
    return e;
  }
}
