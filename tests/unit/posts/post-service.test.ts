import { describe, expect, it } from 'vitest';
import { DirectoryService, type DirectoryStore } from '../../../src/domain/directory/directory-service.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { InvalidChangeError, NotAllowedError } from '../../../src/domain/cases/errors.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import type { ConsentRecord } from '../../../src/domain/consent/consent.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';
import { ConsentBlockedError, PostService, postStageOf, pupilsNamedIn, type PostAnswers } from '../../../src/domain/posts/post-service.js';
import { postPolicyOf } from '../../../src/domain/posts/post-policy.js';
import { describeConsentProblem } from '../../../src/domain/consent/consent.js';

const { profiles, baseline } = readPolicyFiles('config/policies');

/** The memory store applies no OData filter; the service checks kind, status and visibility on every row anyway. */
class UnfilteredCaseStore extends MemoryCaseStore {
  override listClosed(schoolId: string, opts: Parameters<MemoryCaseStore['listClosed']>[1] = {}) {
    return super.listClosed(schoolId, { ...opts, filter: undefined });
  }
}
const SCHOOLS = ['westbrook', 'newall-green', 'wootton', 'moor-nook', 'beechwood'] as const;

function setup(schoolId: string) {
  const school: School = { id: schoolId, name: schoolId, referencePrefix: 'SM', headTitle: 'Headteacher' };
  const m = (aad: string, name: string, roles: Member['roles'], lineManager?: string): Member => ({ schoolId, aadObjectId: aad, name, roles, lineManager });
  const people = [
    m('sam', 'Sam Taylor', ['staff'], 'rachel'), m('helen', 'Helen Carter', ['staff', 'slt', 'headteacher']), m('dev', 'Dev Patel', ['staff', 'slt', 'dsl']),
    m('rachel', 'Rachel Moore', ['staff', 'slt']), m('priya', 'Priya Shah', ['staff'], 'rachel'), m('omar', 'Omar Ali', ['staff']),
  ];
  const store: DirectoryStore = {
    listSchools: async () => [school], getSchool: async () => school, getMember: async (_s, aad) => people.find((p) => p.aadObjectId === aad),
    listMembers: async () => people, schoolsOf: async () => [schoolId], saveMember: async () => undefined,
  };
  const directory = new DirectoryService(store);
  const policies = new PolicyService(profiles, baseline, directory);
  const cases = new UnfilteredCaseStore();
  const rec = (pupilId: string, name: string, o: Partial<ConsentRecord> = {}): ConsentRecord => ({
    schoolId, pupilId, name, classOrYear: 'Year 4', platforms: ['facebook'], consentForNames: false, doNotPublish: false, updatedAt: '', updatedBy: '', ...o,
  });
  const register = new Map<string, ConsentRecord>([
    ['p1', rec('p1', 'Ava Brown', { consentForNames: true })],
    ['p2', rec('p2', 'Ben Clarke')],
    ['p3', rec('p3', 'Cara Doyle', { platforms: ['instagram'] })],
    ['p4', rec('p4', 'Dan Evans', { doNotPublish: true })],
  ]);
  const consent = { records: async (_s: string, ids: readonly string[]) => new Map(ids.flatMap((id) => (register.has(id) ? [[id, register.get(id)!] as const] : []))) };
  const svc = new PostService(cases, directory, policies, consent, () => new Date('2026-03-14T15:00:00Z'));
  const who = (aad: string) => people.find((p) => p.aadObjectId === aad)!;
  return { svc, cases, who, school, policies, directory };
}

/** An active Facebook account on the register, with Omar and Priya as its administrators. */
async function withAccount(s: ReturnType<typeof setup>) {
  const { case: c } = await s.cases.create({
    schoolId: s.school.id, referencePrefix: 'SM', submissionId: 'acc', kind: 'accountRequest', category: 'facebook', status: 'approved',
    routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] }, submitter: { aadObjectId: 'omar', name: 'Omar Ali' },
    answers: { platform: 'facebook', accountName: 'School news', administrators: [{ aadObjectId: 'omar', name: 'Omar Ali' }, { aadObjectId: 'priya', name: 'Priya Shah' }], reviewDate: '2027-01-01' },
    stage: { register: { lead: { aadObjectId: 'omar', name: 'Omar Ali' }, approvedAt: '2026-01-01T00:00:00Z', transfers: [] } }, evidence: [], outbox: [], now: '2026-01-01T00:00:00Z',
  });
  return c.id;
}

const answers = (accountId: string, o: Partial<PostAnswers> = {}): PostAnswers => ({
  accountId, accountName: '', platform: 'facebook', platformLabel: '', text: 'Year 4 at the science fair', pupils: [{ pupilId: 'p1', name: 'Ava Brown', classOrYear: 'Year 4' }], namedInText: [], checks: [], ...o,
});

describe('the profile\'s checks for a post, by school (check × school)', () => {
  const table = Object.fromEntries(SCHOOLS.map((id) => {
    const policy = postPolicyOf(new PolicyService(profiles, baseline).of({ id, name: id, referencePrefix: 'SM', headTitle: 'Headteacher' }));
    return [id, { checks: policy.checks.map((c) => c.id), approvers: policy.approvers, fromPolicy: policy.approversFromPolicy, consent: policy.consentNote !== '', doNotPublish: policy.doNotPublishNote !== '' }];
  }));
  it.each([
    ['westbrook', ['posts.devices', 'images.names', 'posts.content'], ['head'], true, true, false],
    ['newall-green', ['posts.content'], ['accountAdministrators'], false, true, false],
    ['wootton', ['images.names', 'posts.content'], ['lineManager', 'seniorManager'], true, false, false],
    ['moor-nook', ['posts.content', 'posts.respect'], ['accountAdministrators'], false, true, true],
    ['beechwood', ['posts.content'], ['accountAdministrators'], false, false, false],
  ] as const)('%s', (id, checks, approvers, fromPolicy, consent, doNotPublish) => {
    expect(table[id]).toEqual({ checks, approvers, fromPolicy, consent, doNotPublish });
  });

  it('each check carries its school\'s own clause, and a silent policy cites nothing', () => {
    const westbrook = postPolicyOf(new PolicyService(profiles, baseline).of({ id: 'westbrook', name: 'Westbrook', referencePrefix: 'SM' }));
    expect(westbrook.checks.find((c) => c.id === 'posts.content')!.citation).toMatch(/§3.*positive and relevant/);
    expect(westbrook.approvalNote).toMatch(/§5.*go live/);
    const beechwood = postPolicyOf(new PolicyService(profiles, baseline).of({ id: 'beechwood', name: 'Beechwood', referencePrefix: 'SM' }));
    expect(beechwood.approvalNote).toMatch(/does not say who confirms/);
  });
});

describe('names in the text', () => {
  it.each([
    ['Well done Ava!', ['p1']],
    ['Well done Ava Brown and ben', ['p1', 'p2']],
    ['Bravo Avalon', []],
    ['Nobody named', []],
  ])('%s', (text, ids) => {
    expect(pupilsNamedIn(text, [{ pupilId: 'p1', name: 'Ava Brown', classOrYear: '' }, { pupilId: 'p2', name: 'Ben Clarke', classOrYear: '' }])).toEqual(ids);
  });
});

describe('PostService', () => {
  it('offers only active accounts; blocks the post naming exactly which pupil and why, before anything is saved', async () => {
    const s = setup('westbrook');
    const id = await withAccount(s);
    expect((await s.svc.activeAccounts('westbrook')).map((a) => a.accountName)).toEqual(['School news']);
    const pupils = [
      { pupilId: 'p1', name: 'Ava Brown', classOrYear: 'Year 4' }, { pupilId: 'p2', name: 'Ben Clarke', classOrYear: 'Year 4' },
      { pupilId: 'p3', name: 'Cara Doyle', classOrYear: 'Year 4' }, { pupilId: 'p4', name: 'Dan Evans', classOrYear: 'Year 4' }, { pupilId: 'p9', name: 'Zed Unknown', classOrYear: 'Year 4' },
    ];
    const err = await s.svc.submit({ school: s.school, proposer: s.who('sam'), submissionId: 'x', answers: answers(id, { pupils, namedInText: ['p1', 'p2'] }), photos: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(ConsentBlockedError);
    expect((err as ConsentBlockedError).problems.map((p) => describeConsentProblem(p, 'facebook'))).toEqual([
      'Ben Clarke is named in the text, without consent for names.',
      'Cara Doyle has no consent for Facebook.',
      'Dan Evans is on the do-not-publish list.',
      'Zed Unknown is not in the photo-consent register.',
    ]);
    expect(await s.cases.bySubmission('westbrook', 'x')).toBeUndefined();
  });

  it('Westbrook: the head gets the card; approval is recorded on the register and the proposer told', async () => {
    const s = setup('westbrook');
    const id = await withAccount(s);
    const { case: c } = await s.svc.submit({ school: s.school, proposer: s.who('sam'), submissionId: 's1', answers: answers(id), photos: [] });
    const d = (await s.cases.get('westbrook', c.id))!;
    expect(d.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name)).toEqual(['Helen Carter']);
    await expect(s.svc.decide(s.who('dev'), c.id, { decision: 'approved' })).rejects.toBeInstanceOf(NotAllowedError);
    const { case: done } = await s.svc.decide(s.who('helen'), c.id, { decision: 'approved' });
    expect(done.status).toBe('approved');
    expect((await s.cases.get('westbrook', c.id))!.outbox.find((o) => o.kind === 'decisionNotice')!.recipient.name).toBe('Sam Taylor');
    const reg = await s.svc.register(s.who('rachel'));
    expect(reg.map((r) => ({ by: r.proposedBy.name, approvedBy: r.approvedBy.name, platform: r.platform, pupils: r.pupils.map((p) => p.name) }))).toEqual([
      { by: 'Sam Taylor', approvedBy: 'Helen Carter', platform: 'Facebook', pupils: ['Ava Brown'] },
    ]);
    expect(await s.svc.register(s.who('omar'))).toEqual([]);
    expect((await s.svc.postsAbout('westbrook', { name: 'ava brown' })).map((r) => r.id)).toEqual([c.id]);
    expect((await s.svc.postsAbout('westbrook', { pupilId: 'p1' })).map((r) => r.id)).toEqual([c.id]);
    expect((await s.svc.postsAbout('westbrook', { aadObjectId: 'helen' })).map((r) => r.id)).toEqual([c.id]);
    expect(await s.svc.postsAbout('westbrook', { pupilId: 'p2' })).toEqual([]);
  });

  it('Wootton: the line manager or a senior manager, the first decision stands; a decline needs a reason', async () => {
    const s = setup('wootton');
    const id = await withAccount(s);
    const { case: c } = await s.svc.submit({ school: s.school, proposer: s.who('sam'), submissionId: 's1', answers: answers(id), photos: [] });
    expect(postStageOf(c).approvers.map((p) => p.name)).toEqual(['Rachel Moore', 'Dev Patel']);
    await expect(s.svc.decide(s.who('rachel'), c.id, { decision: 'rejected' })).rejects.toBeInstanceOf(InvalidChangeError);
    const { case: done } = await s.svc.decide(s.who('rachel'), c.id, { decision: 'rejected', reason: 'Blurry photo' });
    expect(done.status).toBe('rejected');
    await expect(s.svc.decide(s.who('dev'), c.id, { decision: 'approved' })).rejects.toThrow(/already been decided/);
    expect((await s.svc.decide(s.who('rachel'), c.id, { decision: 'rejected', reason: 'again' })).first).toBe(false);
  });

  it('a silent policy: the account\'s administrators confirm, never the proposer', async () => {
    const s = setup('beechwood');
    const id = await withAccount(s);
    const { case: c } = await s.svc.submit({ school: s.school, proposer: s.who('priya'), submissionId: 's1', answers: answers(id), photos: [] });
    expect(postStageOf(c).approvers.map((p) => p.name)).toEqual(['Omar Ali']);
  });
});
