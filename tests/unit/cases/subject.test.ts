import { describe, expect, it } from 'vitest';
import { CaseService, CaseNotFoundError } from '../../../src/domain/cases/case-service.js';
import { incidentRecipients } from '../../../src/domain/cases/recipients.js';
import { routeIncident } from '../../../src/domain/cases/routing.js';
import { whoIsTold } from '../../../src/domain/cases/who-is-told.js';
import type { IncidentAnswers } from '../../../src/domain/cases/incident.js';
import type { DirectoryService } from '../../../src/domain/directory/directory-service.js';
import type { Member, Role, School } from '../../../src/domain/directory/directory.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';
import { POLICIES } from '../incident/report-dialog-harness.js';

const NOW = new Date('2026-03-14T15:00:00Z');
const m = (id: string, ...roles: Role[]): Member => ({ schoolId: 'westbrook', aadObjectId: id, name: `Name ${id}`, roles });
const school: School = { id: 'westbrook', name: 'Westbrook', referencePrefix: 'SM', headTitle: 'Headteacher' };
const STAFF = m('staff', 'staff');
const HEAD = m('head', 'staff', 'slt', 'headteacher');
const DSL = m('dsl', 'staff', 'slt', 'dsl');
const DEPUTY = m('deputy', 'staff', 'deputyDsl');
const SLT = m('slt', 'staff', 'slt');
const CHAIR = m('chair', 'chair');
const SCHOOL = [STAFF, HEAD, DSL, DEPUTY, SLT, CHAIR];

const ALLEGATION: IncidentAnswers = { category: 'staffMisuse', affected: 'pupil', responsible: 'staff', platform: 'facebook', where: 'x', when: 'ongoing', whatHappened: 'y', pupilAtRisk: 'yes' };
const ORDINARY: IncidentAnswers = { ...ALLEGATION, category: 'disparaging', affected: 'school', pupilAtRisk: 'no' };
const about = (a: IncidentAnswers, who: Member): IncidentAnswers => ({ ...a, subject: { aadObjectId: who.aadObjectId, name: 'whatever the card said' } });
const told = (r: ReturnType<typeof incidentRecipients>) => r.filter((x) => x.kind !== 'receipt').map((x) => `${x.kind}:${x.recipient.aadObjectId}`).sort();

describe('recipients when the report names the member of staff it is about', () => {
  it.each([
    // [subject, answers, told]
    ['the DSL', DSL, ALLEGATION, ['dslAlert:deputy']],
    ['the deputy DSL', DEPUTY, ALLEGATION, ['dslAlert:dsl']],
    ['an SLT member', SLT, ORDINARY, ['sltNotice:dsl', 'sltNotice:head']],
    ['nobody', undefined, ORDINARY, ['sltNotice:dsl', 'sltNotice:head', 'sltNotice:slt']],
  ] as const)('about %s', (_n, subject, answers, expected) => {
    const routing = { ...routeIncident(answers), ...(subject ? { subject: { aadObjectId: subject.aadObjectId, name: subject.name } } : {}) };
    expect(told(incidentRecipients(routing, SCHOOL, 'staff'))).toEqual([...expected].sort());
  });

  it('routes a report about a member of staff who is the head as a concern about the head: the chair, never the head', () => {
    const routing = { ...routeIncident(ALLEGATION, {}, { subjectIsHead: true }), subject: { aadObjectId: 'head', name: 'Head' } };
    expect([routing.aboutHead, routing.queue]).toEqual([true, 'chair']);
    expect(told(incidentRecipients(routing, SCHOOL, 'staff'))).toEqual(['chairNotice:chair', 'dslAlert:deputy', 'dslAlert:dsl']);
    expect(routeIncident(ALLEGATION, {}, { subjectIsHead: false }).aboutHead).toBe(false);
  });
});

function service(members: Member[] = SCHOOL) {
  const store = new MemoryCaseStore();
  const directory = { members: async () => members } as unknown as DirectoryService;
  return { store, cases: new CaseService(store, directory, () => NOW) };
}
const policy = POLICIES.of(school);

describe('submitting a report about a named member of staff', () => {
  it('leaves the DSL it is about out of every alert and the case, alerts the deputy, and says who was left out and why', async () => {
    const { store, cases } = service();
    const r = await cases.submitIncident({ school, submitter: STAFF, submissionId: 's1', answers: about(ALLEGATION, DSL), evidence: [], policy });
    expect(r.case.routing.subject).toEqual({ aadObjectId: 'dsl', name: 'Name dsl' });
    expect(r.case.answers.subject).toEqual({ aadObjectId: 'dsl', name: 'Name dsl' });
    const d = (await store.get('westbrook', r.case.id))!;
    expect(d.outbox.map((o) => o.recipient.aadObjectId)).not.toContain('dsl');
    expect(d.outbox.filter((o) => o.kind === 'dslAlert').map((o) => o.recipient.aadObjectId)).toEqual(['deputy']);
    await expect(cases.view(DSL, r.case.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    expect((await cases.view(DEPUTY, r.case.id)).case.id).toBe(r.case.id);
    const left = d.events.find((e) => e.type === 'leftOut');
    expect(left?.detail).toBe('Left out: Name dsl, the person the report is about. They were not told of this case and cannot see it.');
    expect(d.events.map((e) => e.type).slice(0, 2)).toEqual(['created', 'leftOut']);
    expect(r.nobodyToAlert).toBeUndefined();
  });

  it('says so when the only DSL is the person the report is about: the head is to be told in person', async () => {
    const { cases } = service([STAFF, HEAD, DSL, CHAIR]);
    const r = await cases.submitIncident({ school, submitter: STAFF, submissionId: 's1', answers: about(ALLEGATION, DSL), evidence: [], policy });
    expect(r.nobodyToAlert).toEqual(['dsl']);
    expect(r.subjectHeld).toEqual(['dsl']);
    const text = whoIsTold(r.case, policy.terms, { nobody: r.nobodyToAlert, subjectHeld: r.subjectHeld });
    expect(text).toContain('The only designated safeguarding lead in Safer Social is the person your report is about, so the app did not tell them.');
    expect(text).toContain('Tell the Headteacher in person now.');
    expect(text).not.toContain('is set up');
    expect(text).toContain('The person you named has not been told and cannot see your report.');
  });

  it('sends a report about the head, named as a member of staff, to the chair and hides it from the head', async () => {
    const { store, cases } = service();
    const r = await cases.submitIncident({ school, submitter: STAFF, submissionId: 's1', answers: about(ORDINARY, HEAD), evidence: [], policy });
    expect(r.case.routing.aboutHead).toBe(true);
    const d = (await store.get('westbrook', r.case.id))!;
    expect(d.outbox.map((o) => `${o.kind}:${o.recipient.aadObjectId}`).sort()).toEqual(['chairNotice:chair', 'receipt:staff']);
    await expect(cases.view(HEAD, r.case.id)).rejects.toBeInstanceOf(CaseNotFoundError);
    expect((await cases.view(CHAIR, r.case.id)).case.id).toBe(r.case.id);
    expect(d.events.some((e) => e.type === 'leftOut')).toBe(true);
  });

  it('records nobody left out when the person named would not have heard of it anyway, and ignores someone not in the school', async () => {
    const { store, cases } = service();
    const r = await cases.submitIncident({ school, submitter: SLT, submissionId: 's1', answers: about(ORDINARY, STAFF), evidence: [], policy });
    expect((await store.get('westbrook', r.case.id))!.events.some((e) => e.type === 'leftOut')).toBe(false);
    const stranger = await cases.submitIncident({ school, submitter: STAFF, submissionId: 's2', answers: about(ORDINARY, m('not-here', 'staff')), evidence: [], policy });
    expect(stranger.case.routing.subject).toBeUndefined();
    expect(stranger.case.answers.subject).toBeUndefined();
  });

  it('ignores a named person unless a member of staff is responsible', async () => {
    const { cases } = service();
    const r = await cases.submitIncident({ school, submitter: STAFF, submissionId: 's1', answers: { ...about(ORDINARY, SLT), responsible: 'public' }, evidence: [], policy });
    expect(r.case.routing.subject).toBeUndefined();
  });
});
