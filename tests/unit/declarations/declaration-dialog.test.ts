import { describe, expect, it } from 'vitest';
import { expectValidCard } from '../../support/adaptive-card.js';
import { pino } from 'pino';
import { DeclareRelationshipDialog } from '../../../src/teams/declarations/declare-relationship-dialog.js';
import { dialogClient, nav, play, say, submit } from '../../support/dialog-harness.js';
import { routeDeclaration, type DeclarationAnswers } from '../../../src/domain/declarations/declaration.js';
import type { DeclareResult } from '../../../src/domain/declarations/declaration-service.js';
import type { CaseRecord } from '../../../src/domain/cases/types.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import {
  DECLARATION_VERBS,
  buildAcknowledgementCard,
  buildDecisionNoticeCard,
  buildDeclarationSentCard,
  buildMyDeclarationsCard,
  buildWithdrawConfirmCard,
} from '../../../src/teams/declarations/declaration-cards.js';

const SCHOOL: School = { id: 'westbrook', name: 'Westbrook Primary School', referencePrefix: 'SM', headTitle: 'Headteacher' };
const { profiles, baseline } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const SCHOOLS: Record<string, School> = {
  westbrook: SCHOOL,
  'newall-green': { id: 'newall-green', name: 'Newall Green Primary School', referencePrefix: 'NG', headTitle: 'Headteacher' },
  wootton: { id: 'wootton', name: 'Wootton Upper School', referencePrefix: 'WU', headTitle: 'Principal' },
  'moor-nook': { id: 'moor-nook', name: 'Moor Nook Community Primary School', referencePrefix: 'MN', headTitle: 'Headteacher' },
  beechwood: { id: 'beechwood', name: 'Beechwood Primary School', referencePrefix: 'BW', headTitle: 'Headteacher' },
  kimberley: { id: 'kimberley', name: 'Kimberley Primary School', referencePrefix: 'KP', headTitle: 'Headteacher' },
};
const STAFF: Member = { schoolId: 'westbrook', aadObjectId: 'aad-staff', name: 'Sam Taylor', roles: ['staff'] };
const HEAD: Member = { schoolId: 'westbrook', aadObjectId: 'aad-head', name: 'Helen Carter', roles: ['staff', 'slt', 'headteacher'] };

class FakeDeclarations {
  saved: Array<{ submissionId: string; answers: DeclarationAnswers }> = [];
  existing: CaseRecord[] = [];
  private record(declarer: Member, answers: DeclarationAnswers, n: number): CaseRecord {
    return {
      schoolId: 'westbrook', id: 'd'.repeat(16), reference: `SM-2026-${String(n).padStart(4, '0')}`, kind: 'familyDeclaration', category: answers.relationship,
      status: 'awaitingAcknowledgement', routing: routeDeclaration(declarer), submitter: { aadObjectId: declarer.aadObjectId, name: declarer.name },
      answers: { ...answers }, createdAt: '2026-03-14T15:00:00Z', updatedAt: '2026-03-14T15:00:00Z',
    };
  }
  async existingFor(_m: Member, a: Pick<DeclarationAnswers, 'pupilName' | 'yearGroup'>) {
    return this.existing.find((c) => (c.answers as any).pupilName.toLowerCase() === a.pupilName.toLowerCase());
  }
  async declare(input: { declarer: Member; submissionId: string; answers: DeclarationAnswers }): Promise<DeclareResult> {
    const i = this.saved.findIndex((s) => s.submissionId === input.submissionId);
    if (i >= 0) return { kind: 'resubmitted', case: this.record(input.declarer, input.answers, i + 1) };
    this.saved.push({ submissionId: input.submissionId, answers: input.answers });
    return { kind: 'created', case: this.record(input.declarer, input.answers, this.saved.length) };
  }
}

function makeClient(member: Member = STAFF, school: School = SCHOOL) {
  const declarations = new FakeDeclarations();
  const declare = new DeclareRelationshipDialog({ declarations, policies, log: pino({ level: 'silent' }), newSubmissionId: () => 'sub1' });
  const client = dialogClient({ declare }, 'declare', { tenantId: 't', aadObjectId: member.aadObjectId, school, member: { ...member, schoolId: school.id } });
  return { client, declarations };
}

const FORM = { pupilName: 'Amy Taylor', yearGroup: 'Year 5', relationship: 'auntUncle', platforms: 'facebook,whatsapp', otherRelatives: 'no', confirmed: 'true' };
const form = (values: Record<string, unknown> = {}) => submit({ verb: 'declare', step: 'form', action: 'answer', ...FORM, ...values });
const summary = (action: 'confirm' | 'edit') => submit({ verb: 'declare', step: 'summary', action });

describe('DeclareRelationshipDialog: one form, a summary, confirm', () => {
  it('declares in three turns: form, summary, confirm', async () => {
    const { client, declarations } = makeClient();
    await play(client, [
      ['declare', ['Declare a family relationship with a pupil', '"id":"pupilName"', '"isRequired":true', 'so that the Headteacher knows about it', '!policy']],
      [form(), ['Check your declaration', 'Amy Taylor', 'Aunt or uncle', 'Facebook, WhatsApp', 'the Headteacher is asked to acknowledge', '"action":"confirm"']],
      [summary('confirm'), ['Declaration sent. Your reference is SM-2026-0001', 'The Headteacher has been asked to acknowledge it', '!do not start or continue contact', '!policy']],
    ]);
    expect(declarations.saved).toHaveLength(1);
    expect(declarations.saved[0].answers).toMatchObject({ pupilName: 'Amy Taylor', yearGroup: 'Year 5', relationship: 'auntUncle', confirmed: true });
    expect(client.dialogTurnResult.status).toBe('complete');
  });

  it('shows every problem on the form again, keeping what was typed', async () => {
    const { client, declarations } = makeClient();
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [form({ relationship: 'other', confirmed: 'false', yearGroup: '' }), ['describe the relationship', 'tick the declaration', 'year group or class', '"value":"Amy Taylor"', '!Check your declaration']],
      [form({ relationship: 'other', relationshipOther: 'Godparent' }), ['Check your declaration', 'Other: Godparent']],
    ]);
    expect(declarations.saved).toHaveLength(0);
  });

  it('typed text on the form asks for the form', async () => {
    const { client } = makeClient();
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      ['my niece Amy', ['Please fill in the form', '"id":"pupilName"']],
    ]);
  });

  it('"back" and Edit from the summary return to the filled-in form; typed confirm sends', async () => {
    const { client, declarations } = makeClient();
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [form(), ['Check your declaration']],
      ['back', ['"id":"pupilName"', '"value":"Amy Taylor"', '"value":"facebook,whatsapp"']],
      [form({ platforms: 'instagram' }), ['Check your declaration', 'Instagram']],
      [summary('edit'), ['"id":"pupilName"', '"value":"instagram"']],
      [nav('back'), ['This is the first question']],
      [form({ platforms: 'none' }), ['Not connected on social media']],
      ['confirm', ['Declaration sent']],
    ]);
    expect(declarations.saved[0].answers.platforms).toEqual(['none']);
  });

  it('cancel (typed or the card button) ends it with nothing saved; help repeats the step', async () => {
    const { client, declarations } = makeClient();
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [form(), ['Check your declaration']],
      ['help', ['type **back**', 'Check your declaration']],
      [nav('cancel'), ['Cancelled. Nothing was saved.']],
    ]);
    expect(declarations.saved).toHaveLength(0);
  });

  it('says so when the same pupil is already declared, instead of making a duplicate', async () => {
    const { client, declarations } = makeClient();
    declarations.existing.push({
      schoolId: 'westbrook', id: 'e'.repeat(16), reference: 'SM-2026-0007', kind: 'familyDeclaration', category: 'auntUncle', status: 'acknowledged',
      routing: routeDeclaration(STAFF), submitter: { aadObjectId: STAFF.aadObjectId, name: STAFF.name }, answers: { pupilName: 'amy taylor', yearGroup: '5' },
      createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
    });
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [form(), ['already declared this relationship', 'SM-2026-0007', 'Acknowledged', '!Check your declaration']],
    ]);
    expect(declarations.saved).toHaveLength(0);
  });

  it('a card from an earlier step is refused', async () => {
    const { client } = makeClient();
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [summary('confirm'), ['That card is from an earlier step', '"id":"pupilName"']],
    ]);
  });

  it('the headteacher is told the chair of governors acknowledges it', async () => {
    const { client } = makeClient(HEAD);
    await play(client, [
      ['declare', ['"id":"pupilName"']],
      [form(), ['the chair of governors is asked to acknowledge']],
      [summary('confirm'), ['The chair of governors has been asked to acknowledge it']],
    ]);
  });
});

describe('each school is told its own policy on family relationships, in its own words', () => {
  const run = async (schoolId: string, member: Member = STAFF) => {
    const { client } = makeClient(member, SCHOOLS[schoolId]);
    const formOut = await say(client, 'declare');
    const summaryOut = await say(client, form());
    const sentOut = await say(client, summary('confirm'));
    return { formOut, summaryOut, sentOut, all: formOut + summaryOut + sentOut };
  };

  it('Newall Green (must declare; contact only once acknowledged): its own clause and words', async () => {
    const { formOut, sentOut, all } = await run('newall-green');
    expect(formOut).toContain('asks you to tell the Headteacher');
    expect(formOut).toContain('Newall Green policy §6.8 (“Responsibilities when using social media”): “adults must notify the Headteacher of any family relationship');
    expect(formOut).toContain('allowed only once the Headteacher has acknowledged');
    expect(sentOut).toContain('Until it is acknowledged, please do not start or continue contact with this pupil on social media (Newall Green policy §6.8');
    for (const other of ['Wootton', 'Beechwood', 'Moor Nook', 'Westbrook']) expect(all).not.toContain(other);
  });

  it('Beechwood (family exception, no declaration): recorded voluntarily, contact not stopped, its §4', async () => {
    const { formOut, sentOut, all } = await run('beechwood');
    expect(formOut).toContain('does not ask you to declare a family relationship with a pupil, and it does not stop contact with pupils who are family');
    expect(formOut).toContain('Beechwood policy §4: “Beechwood Primary School does not expect staff members to discontinue contact');
    expect(formOut).toContain('You can still record it here, so that the headteacher knows');
    expect(sentOut).toContain('does not ask you to stop contact with a pupil who is family (Beechwood policy §4');
    expect(all).not.toContain('do not start or continue contact');
    expect(all).not.toContain('only once the headteacher has acknowledged');
    for (const other of ['Newall Green', 'Wootton', 'Moor Nook', '6.8']) expect(all).not.toContain(other);
  });

  it('Wootton (family exception, no declaration): its 6.2 and its Principal', async () => {
    const { formOut, summaryOut, sentOut, all } = await run('wootton');
    expect(formOut).toContain('Wootton policy §6.2: “unless the pupils are family members”');
    expect(formOut).toContain('so that the Principal knows');
    expect(summaryOut).toContain('the Principal is asked to acknowledge');
    expect(sentOut).toContain('The Principal has been asked to acknowledge it');
    expect(all).not.toContain('do not start or continue contact');
    for (const other of ['Newall Green', 'Beechwood', 'Moor Nook']) expect(all).not.toContain(other);
  });

  it('Moor Nook (no family exception): what its policy says about contact with pupils, and the relationship can still be recorded', async () => {
    const { formOut, sentOut, all } = await run('moor-nook');
    expect(formOut).toContain('does not allow contact with pupils on personal social media, and makes no exception for family');
    expect(formOut).toContain('Moor Nook policy, “Pupil/Students”: “Staff are not permitted to follow or engage with current or prior pupils');
    expect(formOut).toContain('You can still record the relationship here');
    expect(formOut).toContain('does not allow contact with pupils on personal social media, family included');
    expect(sentOut).toContain('family included (Moor Nook policy, “Pupil/Students”)');
    for (const other of ['Newall Green', 'Beechwood', 'Wootton', '§']) expect(all).not.toContain(other);
  });

  it('a school whose policy is not held: neutral wording, no policy cited', async () => {
    const { all } = await run('kimberley');
    expect(all).toContain('so that the Headteacher knows about it');
    expect(all).not.toMatch(/policy/i);
  });

  it("Newall Green's head: its Chair of Governors acknowledges", async () => {
    const { summaryOut, sentOut } = await run('newall-green', HEAD);
    expect(summaryOut).toContain('the Chair of Governors is asked to acknowledge');
    expect(sentOut).toContain('The Chair of Governors has been asked to acknowledge it');
  });
});

describe('declaration cards are valid Adaptive Cards 1.5 with the right verbs and data', () => {
  it('form and summary (as the dialog sends them)', async () => {
    const { client } = makeClient();
    const formCard = JSON.parse((await say(client, 'declare')).split('\n')[0]);
    expectValidCard(formCard);
    const ids = JSON.stringify(formCard);
    for (const id of ['pupilName', 'yearGroup', 'relationship', 'relationshipOther', 'platforms', 'platformsOther', 'otherRelatives', 'otherRelativesDetail', 'anythingElse', 'confirmed']) expect(ids).toContain(`"id":"${id}"`);
    const platforms = formCard.body.find((b: any) => b.id === 'platforms');
    expect(platforms).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, isRequired: true });
    expect(platforms.choices.length).toBe(10);
    const summaryCard = JSON.parse((await say(client, form())).split('\n')[0]);
    expectValidCard(summaryCard);
    expect(summaryCard.actions.map((a: any) => a.title)).toEqual(['Confirm', 'Edit', 'Cancel']);
  });

  const base = {
    caseId: '0123456789abcdef', schoolId: 'westbrook', reference: 'SM-2026-0001', declarerName: 'Sam Taylor', declaredAt: 'Sat 14 Mar, 15:00',
    facts: [{ title: 'Pupil', value: 'Amy Taylor' }], policyNote: 'A note from the policy', caseUrl: 'https://example.test/tab', note: '', stateText: '',
  };
  it('acknowledgement request: Acknowledge and Ask to discuss are Action.Execute with the case; after, who and when', () => {
    const pending = buildAcknowledgementCard({ ...base, state: 'pending' }).content;
    expectValidCard(pending);
    const actions = pending.actions as any[];
    expect(actions.filter((a) => a.type === 'Action.Execute').map((a) => [a.verb, a.data])).toEqual([
      [DECLARATION_VERBS.acknowledge, { caseId: base.caseId, schoolId: 'westbrook' }],
      [DECLARATION_VERBS.discuss, { caseId: base.caseId, schoolId: 'westbrook' }],
    ]);
    expect(JSON.stringify(pending)).toContain('"id":"note"');
    const done = buildAcknowledgementCard({ ...base, state: 'acknowledged', stateText: '✅ Acknowledged by Helen Carter', note: 'Discussed' }).content;
    expectValidCard(done);
    expect((done.actions as any[]).some((a) => a.type === 'Action.Execute')).toBe(false);
    expect(JSON.stringify(done)).toContain('Note: Discussed');
    const discuss = buildAcknowledgementCard({ ...base, state: 'discussionRequested', stateText: 'asked to discuss' }).content;
    expect((discuss.actions as any[]).map((a) => a.verb).filter(Boolean)).toEqual([DECLARATION_VERBS.acknowledge]);
  });

  it('my declarations (withdraw), withdraw confirmation, decision notice, sent', () => {
    const mine = buildMyDeclarationsCard({ schoolId: 'westbrook', message: '', items: [{ caseId: '0123456789abcdef', reference: 'SM-2026-0001', pupil: 'Amy Taylor', relationship: 'Aunt or uncle', status: 'Acknowledged' }] }).content;
    expectValidCard(mine);
    expect(JSON.stringify(mine)).toContain(JSON.stringify({ type: 'Action.Execute', title: 'Withdraw', verb: DECLARATION_VERBS.withdraw, data: { caseId: '0123456789abcdef', schoolId: 'westbrook' } }));
    const confirm = buildWithdrawConfirmCard({ caseId: '0123456789abcdef', schoolId: 'westbrook', reference: 'SM-2026-0001', text: 'Once withdrawn…' }).content;
    expectValidCard(confirm);
    expect((confirm.actions as any[])[0]).toMatchObject({ verb: DECLARATION_VERBS.withdraw, data: { confirm: 'yes' } });
    expectValidCard(buildDecisionNoticeCard({ title: 't', reference: 'SM-2026-0001', text: 'x', note: '' }).content);
    expectValidCard(buildDeclarationSentCard({ reference: 'SM-2026-0001', whoIsTold: 'x', contactLine: 'Until it is acknowledged…' }).content);
    expect(JSON.stringify(buildDeclarationSentCard({ reference: 'SM-2026-0001', whoIsTold: 'x', contactLine: '' }).content)).not.toContain('Attention');
  });
});
