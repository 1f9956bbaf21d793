import { describe, expect, it } from 'vitest';
import { expectValidCard, TEAMS_DYNAMIC_SEARCH } from '../../support/adaptive-card.js';
import { pino } from 'pino';
import { RequestAccountDialog } from '../../../src/teams/account-requests/request-account-dialog.js';
import { dialogClient, nav, play, say, submit, type Say, type Turn } from '../../support/dialog-harness.js';
import { buildChain, type ApprovalRole } from '../../../src/domain/account-requests/approval-chain.js';
import { approvalChainOf } from '../../../src/domain/account-requests/account-policy.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { checkAccountRequest, type AccountRequestAnswers } from '../../../src/domain/account-requests/account-request.js';
import type { SubmitResult } from '../../../src/domain/account-requests/account-request-service.js';
import type { CaseRecord, PersonRef } from '../../../src/domain/cases/types.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import { VALID } from './account-request-fixtures.js';

const SCHOOL: School = { id: 'westbrook', name: 'Westbrook Primary School', referencePrefix: 'SM', headTitle: 'Headteacher' };
const m = (aad: string, name: string, roles: Member['roles'], lineManager?: string): Member => ({ schoolId: 'westbrook', aadObjectId: aad, name, roles, lineManager });
const SAM = m('sam', 'Sam Taylor', ['staff'], 'rachel');
const MEMBERS = [SAM, m('helen', 'Helen Carter', ['staff', 'slt', 'headteacher']), m('dev', 'Dev Patel', ['staff', 'slt', 'dsl']), m('rachel', 'Rachel Moore', ['staff', 'slt']), m('george', 'George Wilson', ['chair']), m('priya', 'Priya Shah', ['staff'], 'rachel')];
const CLOCK = () => new Date('2026-03-14T15:00:00Z');
const { profiles, baseline } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const schoolOf = (id: string, name: string, headTitle = 'Headteacher'): School => ({ id, name, referencePrefix: 'SM', headTitle });

class FakeRequests {
  constructor(private readonly chain: ApprovalRole[] = approvalChainOf(policies.of(SCHOOL).rule('accounts.approval'))) {}
  saved: Array<{ submissionId: string; answers: AccountRequestAnswers }> = [];
  resubmitted: Array<{ caseId: string; answers: AccountRequestAnswers }> = [];
  existing?: CaseRecord;
  private record(requester: PersonRef, answers: AccountRequestAnswers, n: number, status: CaseRecord['status'] = 'awaitingApproval'): CaseRecord {
    return {
      schoolId: 'westbrook', id: 'a'.repeat(16), reference: `SM-2026-${String(n).padStart(4, '0')}`, kind: 'accountRequest', category: answers.platform, status,
      routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] }, submitter: requester, answers: { ...answers },
      stage: { round: 1, chain: buildChain(MEMBERS, requester, answers.lineManager, this.chain), decisions: [] }, createdAt: '2026-03-14T15:00:00Z', updatedAt: '2026-03-14T15:00:00Z',
    };
  }
  async previewChain(requester: Member, lm: PersonRef) {
    return buildChain(MEMBERS, requester, lm, this.chain);
  }
  async submit(input: { requester: Member; submissionId: string; answers: AccountRequestAnswers }): Promise<SubmitResult> {
    const i = this.saved.findIndex((s) => s.submissionId === input.submissionId);
    if (i >= 0) return { kind: 'resubmitted', case: this.record(input.requester, input.answers, i + 1) };
    this.saved.push({ submissionId: input.submissionId, answers: input.answers });
    return { kind: 'created', case: this.record(input.requester, input.answers, this.saved.length) };
  }
  async resubmit(actor: Member, caseId: string, answers: AccountRequestAnswers): Promise<SubmitResult> {
    this.resubmitted.push({ caseId, answers });
    return { kind: 'created', case: this.record(actor, answers, 7) };
  }
  async forRequester(_actor: Member, caseId: string) {
    if (!this.existing || this.existing.id !== caseId) throw new Error('not found');
    return this.existing;
  }
  changesRequested(answers: AccountRequestAnswers): CaseRecord {
    const c = this.record(SAM, answers, 7, 'changesRequested');
    c.stage = { ...c.stage, decisions: [{ round: 1, step: 1, role: 'seniorManager', by: { aadObjectId: 'dev', name: 'Dev Patel' }, decision: 'changesRequested', at: '2026-03-14T16:00:00Z', reason: 'Use the school logo' }] };
    return (this.existing = c);
  }
}

const actorOf = (member: Member, school: School = SCHOOL) => ({ tenantId: 't', aadObjectId: member.aadObjectId, school, member });

function makeClient(member: Member = SAM, school: School = SCHOOL) {
  const requests = new FakeRequests(approvalChainOf(policies.of(school).rule('accounts.approval')));
  const dialog = new RequestAccountDialog({ requests, policies, members: async () => MEMBERS, clock: CLOCK, log: pino({ level: 'silent' }), newSubmissionId: () => 'sub1' });
  return { client: dialogClient({ requestAccount: dialog }, 'requestAccount', actorOf(member, school)), requests };
}

const PAGES = {
  about: ['platform', 'platformOther', 'accountName', 'department', 'aim', 'content', 'audience', 'pupilAgeFrom', 'pupilAgeTo', 'otherSchools', 'audienceOther', 'contributors', 'contributorsOther', 'openness', 'promotion'],
  people: ['administrators', 'moderators', 'vetting', 'host', 'hostName', 'lineManager', 'consent', 'security'],
  dates: ['goLive', 'reviewDate', 'exitStrategy', 'successMeasures'],
};
const values = (page: keyof typeof PAGES, over: Record<string, unknown>) =>
  Object.fromEntries(Object.entries({ ...VALID, ...over }).filter(([k]) => PAGES[page].includes(k)));
const page = (p: keyof typeof PAGES, over: Record<string, unknown> = {}) => submit({ verb: 'requestAccount', step: p, action: 'next', ...values(p, over) });
const summary = (action: 'confirm' | 'edit') => submit({ verb: 'requestAccount', step: 'summary', action });

describe('RequestAccountDialog: three cards, a summary, confirm', () => {
  it('requests in five turns; the summary names the approver Westbrook\'s policy sets, the Headteacher, with its clause', async () => {
    const { client, requests } = makeClient();
    await play(client, [
      ['request account', ['Request a school social-media account (1 of 3)', '"id":"platform"', '"id":"aim"', '"id":"audience"', '"id":"pupilAgeFrom"', '"id":"openness"', '"id":"promotion"']],
      [page('about'), ['Who runs it (2 of 3)', '"id":"administrators"', '"dataset":"staff.westbrook"', '"isMultiSelect":true', '"value":"rachel"', '"title":"Priya Shah"']],
      [page('people'), ['Dates and review (3 of 3)', '"id":"goLive"', '"min":"2026-03-14"']],
      [page('dates'), ['Check your request', 'Westbrook Eco Club', 'Instagram (minimum age 13)', 'Sam Taylor, Priya Shah', 'Rachel Moore, Dev Patel', '20 April 2026', '"title":"Headteacher","value":"Helen Carter"', '!Senior manager', 'Westbrook policy, “Educational or Extra Curricular Use of Social Media”: “The Headteacher may require']],
      [summary('confirm'), ['Request sent. Your reference is SM-2026-0001', 'The headteacher (Helen Carter) has been asked to approve it.']],
    ]);
    expect(requests.saved).toHaveLength(1);
    expect(requests.saved[0].answers).toMatchObject({ platform: 'instagram', administrators: [{ aadObjectId: 'sam' }, { aadObjectId: 'priya' }], lineManager: { aadObjectId: 'rachel', name: 'Rachel Moore' }, goLive: '2026-04-20' });
    expect(client.dialogTurnResult.status).toBe('complete');
  });

  it.each([
    ['about', { audience: 'pupils', pupilAgeFrom: 9, pupilAgeTo: 11 }, 'audience', 'Instagram is for people aged 13 and over'],
    ['about', { audience: 'pupils' }, 'pupilAgeFrom', 'age of the youngest pupils'],
    ['about', { accountName: '' }, 'accountName', 'proposed name of the account'],
    ['people', { administrators: 'sam' }, 'administrators', 'at least two administrators'],
    ['people', { moderators: 'dev' }, 'moderators', 'at least two moderators'],
    ['people', { moderators: 'dev,dev' }, 'moderators', 'Dev Patel is named twice'],
    ['dates', { goLive: '2026-03-01' }, 'goLive', 'in the past'],
    ['dates', { reviewDate: '2026-04-01' }, 'reviewDate', 'after the go-live date'],
  ] as const)('on the %s card, %o is refused with the reason under the field, values kept', async (p, over, field, reason) => {
    const { client, requests } = makeClient();
    const before: Turn[] = [['request account', ['(1 of 3)']]];
    if (p !== 'about') before.push([page('about'), ['(2 of 3)']]);
    if (p === 'dates') before.push([page('people'), ['(3 of 3)']]);
    await play(client, before);
    const out = await say(client, page(p, over));
    expect(out).toContain('Please correct the answers marked below');
    expect(out).toContain(reason);
    expect(out).not.toContain('Check your request');
    const card = JSON.parse(out.split('\n')[0]);
    const body = JSON.stringify(card.body);
    // The message sits right under its field (inside a column for the ages).
    const at = body.indexOf(`"id":"${field}"`);
    expect(at).toBeGreaterThan(0);
    expect(body.indexOf(reason.replace(/"/g, '\\"'))).toBeGreaterThan(at);
    if (p === 'about') expect(body).toContain('"value":"Westbrook Eco Club"'.replace('Westbrook Eco Club', String((over as Record<string, unknown>).accountName ?? 'Westbrook Eco Club')));
    if (p === 'dates') expect(body).toContain('"value":"Archive and close after a year unless renewed"');
    expect(requests.saved).toHaveLength(0);
    // Corrected, it moves on.
    await play(client, [[page(p), [p === 'dates' ? 'Check your request' : p === 'people' ? '(3 of 3)' : '(2 of 3)']]]);
  });

  it('"back" returns to the previous card filled in; Edit from the summary reopens the first card', async () => {
    const { client, requests } = makeClient();
    await play(client, [
      ['request account', ['(1 of 3)']],
      [nav('back'), ['This is the first question', '(1 of 3)']],
      [page('about', { accountName: 'Eco Club' }), ['(2 of 3)']],
      [nav('back'), ['(1 of 3)', '"value":"Eco Club"']],
      [page('about'), ['(2 of 3)']],
      [page('people'), ['(3 of 3)']],
      [page('dates'), ['Check your request']],
      ['back', ['(3 of 3)', '"value":"2026-04-20"']],
      [page('dates'), ['Check your request']],
      [summary('edit'), ['(1 of 3)', '"value":"Westbrook Eco Club"']],
      [page('about', { platform: 'facebook' }), ['(2 of 3)']],
      [page('people'), ['(3 of 3)']],
      [page('dates'), ['Facebook (minimum age 13)']],
      ['confirm', ['Request sent']],
    ]);
    expect(requests.saved[0].answers.platform).toBe('facebook');
  });

  it('cancel (typed or the card button) at any card ends it with nothing saved; help repeats the card', async () => {
    for (const stop of ['cancel', nav('cancel')] as Say[]) {
      const { client, requests } = makeClient();
      await play(client, [
        ['request account', ['(1 of 3)']],
        [page('about'), ['(2 of 3)']],
        ['help', ['type **back**', '(2 of 3)']],
        [stop, ['Cancelled. Nothing was saved.']],
      ]);
      expect(requests.saved).toHaveLength(0);
    }
  });

  it('typed text and cards from an earlier step are refused', async () => {
    const { client } = makeClient();
    await play(client, [
      ['request account', ['(1 of 3)']],
      ['an Instagram for the eco club', ['Please fill in the form', '(1 of 3)']],
      [summary('confirm'), ['That card is from an earlier step', '(1 of 3)']],
    ]);
  });

  it('"Edit and resubmit" reopens the request filled in, with the changes asked for, and resubmits it', async () => {
    const { requests } = makeClient();
    const checked = checkAccountRequest(VALID, { staff: MEMBERS.filter((x) => x.roles.includes('staff')), today: '2026-03-14' });
    if (!checked.ok) throw new Error('fixture');
    requests.changesRequested(checked.answers);
    const dialog = new RequestAccountDialog({ requests, policies, members: async () => MEMBERS, clock: CLOCK, log: pino({ level: 'silent' }) });
    // As the bot starts it: the notice's "Edit and resubmit" is the menu choice with the request's id.
    const client2 = dialogClient({ requestAccount: dialog }, 'requestAccount', actorOf(SAM));
    await play(client2, [
      [submit({ verb: 'menu', choice: 'requestAccount', caseId: 'a'.repeat(16) }), ['Editing SM-2026-0007', 'Use the school logo', '"value":"Westbrook Eco Club"']],
      [page('about', { accountName: 'Westbrook Eco Club (with logo)' }), ['(2 of 3)', '"value":"sam,priya"']],
      [page('people'), ['(3 of 3)']],
      [page('dates'), ['Check your request', '"title":"Resubmit"', 'Westbrook Eco Club (with logo)']],
      [summary('confirm'), ['Request resubmitted. Your reference is SM-2026-0007']],
    ]);
    expect(requests.resubmitted).toHaveLength(1);
    expect(requests.resubmitted[0].answers.accountName).toBe('Westbrook Eco Club (with logo)');
  });
});

describe('each school gets its own approvers, minimums and clauses', () => {
  const run = async (school: School) => {
    const { client } = makeClient(SAM, school);
    const out: string[] = [];
    for (const input of ['request account', page('about'), page('people'), page('dates'), summary('confirm')] as Say[]) out.push(await say(client, input));
    return out;
  };

  it('Wootton: line manager, senior manager, then its Principal; its A.5.4 on administrators', async () => {
    const [, people, , sum, sent] = await run(schoolOf('wootton', 'Wootton Upper School', 'Principal'));
    expect(people).toContain('Your line manager (the first to approve)');
    expect(people).toContain('(Wootton policy §A.5.4)');
    for (const t of ['"title":"Line manager","value":"Rachel Moore"', '"title":"Senior manager","value":"Dev Patel"', '"title":"Principal","value":"Helen Carter"', 'Wootton policy, “APPROVAL”']) expect(sum).toContain(t);
    expect(sent).toContain('Your line manager (Rachel Moore) has been asked to approve it first.');
    for (const other of ['Westbrook policy', 'Moor Nook', 'Beechwood', 'Newall Green']) expect(people + sum + sent).not.toContain(other);
  });

  it('Moor Nook: any one member of its SLT decides; its clauses on naming two, monitoring and handover', async () => {
    const [about, people, , sum, sent] = await run(schoolOf('moor-nook', 'Moor Nook Community Primary School'));
    expect(people).toContain('Moor Nook policy, “Process for creating new accounts”');
    expect(people).toContain('"label":"Your line manager"');
    expect(sum).toContain('"title":"SLT","value":"Any one of Helen Carter, Dev Patel, Rachel Moore"');
    expect(sum).toContain('Following consideration by the SLT an application will be approved or rejected.');
    expect(sum).toContain('within 24 hours');
    expect(sent).toContain('The SLT (any one member) has been asked to approve it.');
    expect(about + people + sum).not.toMatch(/Appendix|§/);
  });

  it('Beechwood: its headteacher; its §7 on the minimum age', async () => {
    const { client } = makeClient(SAM, schoolOf('beechwood', 'Beechwood Primary School'));
    await say(client, 'request account');
    const refused = await say(client, page('about', { audience: 'pupils', pupilAgeFrom: 9, pupilAgeTo: 11 }));
    expect(refused).toContain('Instagram is for people aged 13 and over (its own terms), and this audience includes pupils aged 9. Beechwood policy §7:');
  });

  it('Westbrook, silent on the minimum age: the platform\'s own terms, no clause', async () => {
    const { client } = makeClient();
    await say(client, 'request account');
    const refused = await say(client, page('about', { audience: 'pupils', pupilAgeFrom: 9, pupilAgeTo: 11 }));
    expect(refused).toContain('Instagram is for people aged 13 and over (its own terms), and this audience includes pupils aged 9.');
    expect(refused).not.toMatch(/policy §|8\.3/);
  });
});

describe('request form cards are valid Adaptive Cards 1.5', () => {
  it('every card as the dialog sends it, empty and with errors; the pickers have the static staff list and the dynamic query', async () => {
    const { client } = makeClient();
    const cards: Array<Record<string, any>> = [];
    const first = (s: string) => JSON.parse(s.split('\n').find((l) => l.startsWith('{'))!);
    cards.push(first(await say(client, 'request account')));
    cards.push(first(await say(client, page('about', { audience: 'pupils', pupilAgeFrom: '9', pupilAgeTo: '10' }))));
    cards.push(first(await say(client, page('about'))));
    const people = cards[cards.length - 1];
    const admins = people.body.find((b: any) => b.id === 'administrators');
    expect(admins).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, style: 'filtered', 'choices.data': { type: 'Data.Query', dataset: 'staff.westbrook' } });
    expect(admins.choices.map((c: any) => c.value)).toEqual(['dev', 'helen', 'priya', 'rachel', 'sam']); // staff only, by name; not the chair
    expect(people.body.find((b: any) => b.id === 'lineManager')).toMatchObject({ isMultiSelect: false, value: 'rachel' });
    cards.push(first(await say(client, page('people'))));
    cards.push(first(await say(client, page('dates', { goLive: '2020-01-01' }))));
    cards.push(first(await say(client, page('dates'))));
    for (const c of cards) expectValidCard(c, [TEAMS_DYNAMIC_SEARCH]);
    expect(cards[5].actions.map((a: any) => a.title)).toEqual(['Confirm', 'Edit', 'Cancel']);
  });
});
