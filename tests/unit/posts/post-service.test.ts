import { describe, expect, it } from 'vitest';
import { InvalidChangeError, NotAllowedError } from '../../../src/domain/cases/errors.js';
import { ConsentBlockedError, postStageOf, pupilsNamedIn, type PostAnswers } from '../../../src/domain/posts/post-service.js';
import { postPolicyOf } from '../../../src/domain/posts/post-policy.js';
import { describeConsentProblem } from '../../../src/domain/consent/consent.js';
import { SCHOOLS, setup, staticPolicies, withAccount } from './post-fixtures.js';

const answers = (accountId: string, o: Partial<PostAnswers> = {}): PostAnswers => ({
  accountId, accountName: '', platform: 'facebook', platformLabel: '', text: 'Year 4 at the science fair', pupils: [{ pupilId: 'p1', name: 'Ava Brown', classOrYear: 'Year 4' }], namedInText: [], checks: [], ...o,
});

describe('the profile\'s checks for a post, by school (check × school)', () => {
  const table = Object.fromEntries(SCHOOLS.map((id) => {
    const policy = postPolicyOf(staticPolicies.of({ id, name: id, headTitle: 'Headteacher' }));
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
    const westbrook = postPolicyOf(staticPolicies.of({ id: 'westbrook', name: 'Westbrook', headTitle: 'Headteacher' }));
    expect(westbrook.checks.find((c) => c.id === 'posts.content')!.citation).toMatch(/§3.*positive and relevant/);
    expect(westbrook.approvalNote).toMatch(/§5.*go live/);
    const beechwood = postPolicyOf(staticPolicies.of({ id: 'beechwood', name: 'Beechwood', headTitle: 'Headteacher' }));
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
