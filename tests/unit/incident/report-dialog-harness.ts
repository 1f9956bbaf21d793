import type { NobodyToAlert } from '../../../src/domain/cases/who-is-told.js';
import type { Activity } from 'botbuilder';
import { pino } from 'pino';
import { ReportIncidentDialog } from '../../../src/teams/incident/report-incident-dialog.js';
import { MySubmissionsDialog } from '../../../src/teams/my-submissions/my-submissions-dialog.js';
import type { Actor } from '../../../src/teams/turn-context-keys.js';
import { dialogClient, submit, type Turn } from '../../support/dialog-harness.js';
import { policyRoutes, routeIncident } from '../../../src/domain/cases/routing.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import type { SchoolPolicy } from '../../../src/domain/policy/school-policy.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { INCIDENT_CATEGORIES, type IncidentAnswers } from '../../../src/domain/cases/incident.js';
import type { CaseRecord, CaseSummary, EvidenceRecord } from '../../../src/domain/cases/types.js';
import type { DraftOwner, EvidenceIntake, IncomingImage, IntakeResult } from '../../../src/evidence/evidence-service.js';
import { REFUSAL_TEXT } from '../../../src/evidence/evidence-service.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';

export const SCHOOL: School = { id: 'westbrook', name: 'Westbrook Primary School', referencePrefix: 'SM', headTitle: 'Headteacher' };
export const STAFF: Member = { schoolId: 'westbrook', aadObjectId: 'aad-staff', name: 'Sam Taylor', roles: ['staff'] };
export const NOW = new Date('2026-03-14T15:00:00Z');
/** Westbrook's people as the dialog's people picker sees them. */
export const MEMBERS: Member[] = [
  STAFF,
  { schoolId: 'westbrook', aadObjectId: 'aad-head', name: 'Helen Carter', roles: ['staff', 'slt', 'headteacher'] },
  { schoolId: 'westbrook', aadObjectId: 'aad-dsl', name: 'Dev Patel', roles: ['staff', 'slt', 'dsl'], jobTitle: 'Designated safeguarding lead' },
  { schoolId: 'westbrook', aadObjectId: 'aad-teacher', name: 'Priya Shah', roles: ['staff'] },
];

/** In memory: the drafts table and blob container as the dialog sees them. */
export class FakeEvidence implements EvidenceIntake {
  records: EvidenceRecord[] = [];
  downloads: IncomingImage[] = [];
  drafts = new Map<string, { noImages: boolean }>();
  submitted = new Set<string>();
  links = 0;
  private n = 0;

  async openDraft(o: DraftOwner, opts: { noImages: boolean }) {
    const created = !this.drafts.has(o.draftId);
    this.drafts.set(o.draftId, opts);
    if (opts.noImages) this.records = [];
    return created && this.records.length === 0;
  }
  async receiveFromChat(_o: DraftOwner, items: IncomingImage[], bearer: () => Promise<string>): Promise<IntakeResult[]> {
    await bearer();
    return items.map((i) => {
      this.downloads.push(i);
      if (i.url.includes('bad')) return { ok: false, originalName: i.originalName, reason: 'notImage', text: REFUSAL_TEXT.notImage };
      return { ok: true, record: this.add(i.originalName, 'chat'), number: this.records.length };
    });
  }
  add(name: string, source: 'chat' | 'upload'): EvidenceRecord {
    const id = `ev${++this.n}`;
    const r: EvidenceRecord = { id, blobName: `westbrook/d/${id}`, sha256: 'ab'.repeat(32), size: 2048, contentType: 'image/png', originalName: name, receivedAt: NOW.toISOString(), source };
    this.records.push(r);
    return r;
  }
  async list() {
    return [...this.records];
  }
  async uploadLink(o: DraftOwner) {
    this.links++;
    return `https://app.example/upload/token-for-${o.draftId}`;
  }
  async markSubmitted(o: DraftOwner) {
    this.submitted.add(o.draftId);
  }
  async discard() {
    this.records = [];
  }
}

export interface Submitted {
  submissionId: string;
  answers: IncidentAnswers;
  evidence: EvidenceRecord[];
}

export class FakeCases {
  submitted: Submitted[] = [];
  mine: CaseSummary[] = [];
  /** Roles the school has nobody in (as CaseService reports them). */
  nobodyToAlert?: NobodyToAlert[];
  async submitIncident(input: { school: School; submitter: Member; submissionId: string; answers: IncidentAnswers; evidence: EvidenceRecord[]; policy?: SchoolPolicy }) {
    const existing = this.submitted.findIndex((s) => s.submissionId === input.submissionId);
    if (existing < 0) this.submitted.push({ submissionId: input.submissionId, answers: input.answers, evidence: input.evidence });
    const i = existing < 0 ? this.submitted.length : existing + 1;
    const c = {
      schoolId: input.school.id,
      id: 'c'.repeat(16),
      reference: `SM-2026-${String(i).padStart(4, '0')}`,
      kind: 'incident',
      category: input.answers.category,
      status: 'new',
      routing: routeIncident(input.answers, input.policy ? policyRoutes(input.policy, input.answers) : {}),
      submitter: { aadObjectId: input.submitter.aadObjectId, name: input.submitter.name },
      answers: { ...input.answers },
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    } satisfies CaseRecord;
    return { case: c, duplicate: existing >= 0, nobodyToAlert: this.nobodyToAlert };
  }
  async mySubmissions(_m: Member) {
    return { items: this.mine };
  }
}

/** The five schools' policies as the app reads them (config/policies), by school id. */
const { profiles, baseline } = readPolicyFiles('config/policies');
export const POLICIES = new PolicyService(profiles, baseline, { school: async () => undefined });

export function makeClient(opts: { member?: Member; school?: School; command?: string; members?: Member[] } = {}) {
  const evidence = new FakeEvidence();
  const cases = new FakeCases();
  const log = pino({ level: 'silent' });
  const report = new ReportIncidentDialog({ cases, policies: POLICIES, evidence, bearer: () => async () => 'token', clock: () => NOW, log, members: async () => opts.members ?? MEMBERS, newDraftId: () => 'draft1' });
  const member = opts.member ?? STAFF;
  const actor: Actor = { tenantId: 't', aadObjectId: member.aadObjectId, school: opts.school ?? SCHOOL, member };
  const client = dialogClient({ report, mySubmissions: new MySubmissionsDialog(cases) }, opts.command ?? 'report', actor);
  return { client, evidence, cases, report };
}

export { say, submit, play, type Say, type Turn } from '../../support/dialog-harness.js';
export const answer = (step: string, value: string): Partial<Activity> => submit({ verb: 'incident', step, action: 'answer', value });
export const image = (url: string, name = 'shot.png'): Partial<Activity> => ({
  type: 'message',
  text: '',
  attachments: [
    { contentType: 'image/*', contentUrl: url, name },
    { contentType: 'text/html', content: `<img src="${url}">` },
  ],
});

/** The questions up to the screenshots, answered by typing (the way a phone user might). */
export const typedAnswers = (category: string, responsible = 'unknown', pupilAtRisk = 'no'): Turn[] => [
  ['report', 'What do you want to report?'],
  [category, 'Who is affected?'],
  ['me', 'Who is responsible, if you know?'],
  [responsible, 'Where did it happen?'],
  ['facebook', 'Where exactly?'],
  ['https://www.facebook.com/groups/example', 'When did it happen?'],
  ['today 9:15am', 'What happened?'],
  ['A post calling me names.', 'Do you think a pupil is at risk of harm?'],
  [pupilAtRisk, category === INCIDENT_CATEGORIES.indecentImagesOfChildren ? 'Check your report' : 'Screenshots'],
];

