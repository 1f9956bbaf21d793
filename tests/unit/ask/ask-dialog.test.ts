import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { TurnContext } from 'botbuilder';
import { dialogClient, play, say, submit } from '../../support/dialog-harness.js';
import { expectValidCard } from '../../support/adaptive-card.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { PolicyAsk, answerQuestion } from '../../../src/domain/policy/ask.js';
import { DeclareRelationshipDialog } from '../../../src/teams/declarations/declare-relationship-dialog.js';
import { buildAskAnswerCard, ASK_FEEDBACK_VERB } from '../../../src/teams/ask/ask-card.js';
import { askInvokeHandlers } from '../../../src/teams/ask/ask-actions.js';
import { buildWelcomeCard } from '../../../src/teams/menu-card.js';
import type { AskFeedback } from '../../../src/domain/policy/ask-feedback.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';

const { profiles, baseline, clauses } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const ask = new PolicyAsk(clauses);
const SCHOOLS: Record<string, School> = {
  westbrook: { id: 'westbrook', name: 'Westbrook Primary School', referencePrefix: 'SM', headTitle: 'Headteacher' },
  'newall-green': { id: 'newall-green', name: 'Newall Green Primary School', referencePrefix: 'NG', headTitle: 'Headteacher' },
  wootton: { id: 'wootton', name: 'Wootton Academy', referencePrefix: 'WA', headTitle: 'Principal' },
  'moor-nook': { id: 'moor-nook', name: 'Moor Nook Community Primary School', referencePrefix: 'MN', headTitle: 'Headteacher' },
  beechwood: { id: 'beechwood', name: 'Beechwood Primary School', referencePrefix: 'BW', headTitle: 'Headteacher' },
  kimberley: { id: 'kimberley', name: 'Kimberley Primary School', referencePrefix: 'KP', headTitle: 'Head of School' },
};
const member = (schoolId: string): Member => ({ schoolId, aadObjectId: `aad-${schoolId}`, name: 'Sam Taylor', roles: ['staff'] });
const actor = (schoolId: string) => ({ tenantId: 't', aadObjectId: `aad-${schoolId}`, school: SCHOOLS[schoolId], member: member(schoolId) });
const client = (schoolId: string, flows = {}, command?: string) => dialogClient(flows, command, actor(schoolId), { policies, ask });
const cardOf = (text: string) => JSON.parse(text.slice(text.indexOf('{'))) as Record<string, unknown>;

const FRIEND = 'Can I accept a friend request from a pupil?';

describe('outside a flow, typed text that is not a command is a question for the member\'s own policy', () => {
  it('answers from Beechwood\'s own clause, with its label, heading, words and the flow it leads to', async () => {
    const got = await say(client('beechwood'), FRIEND);
    expect(got).toContain('What your policy says');
    expect(got).toContain('From the Beechwood policy');
    expect(got).toContain('Beechwood policy §4');
    expect(got).toContain('Personal Use of Social Media');
    expect(got).toContain('must decline ‘friend requests’ from pupils');
    expect(got).toContain('"title":"Report an incident"');
    expect(got).toContain('"verb":"menu","choice":"report"');
    expect(got).toContain(`"verb":"${ASK_FEEDBACK_VERB}"`);
    expect(got).not.toMatch(/Newall Green|Wootton|Moor Nook|Westbrook/);
    expectValidCard(cardOf(got));
  });

  it('the same question at Moor Nook gets Moor Nook\'s heading and words, nothing of Beechwood\'s', async () => {
    const got = await say(client('moor-nook'), FRIEND);
    expect(got).toContain('Moor Nook policy, “Pupil/Students”');
    expect(got).toContain('Staff are not permitted to follow or engage with current or prior pupils/students');
    expect(got).not.toMatch(/Beechwood|decline ‘friend requests’|§/);
  });

  it('a question the policy does not cover is said to be so, naming the head by the school\'s own title; no clause is shown', async () => {
    const got = await say(client('wootton'), 'what is the wifi password?');
    expect(got).toContain('Your policy does not cover this');
    expect(got).toContain('Please ask your Principal');
    expect(got).not.toContain('§');
    expectValidCard(cardOf(got));
  });

  it('a school whose policy is not held is told so, and who to ask', async () => {
    const got = await say(client('kimberley'), FRIEND);
    expect(got).toContain('does not hold your school');
    expect(got).toContain('Please ask your Head of School');
  });

  it('the "Ask about the policy" box on the welcome card asks too; an empty box is asked for again', async () => {
    expect(await say(client('beechwood'), submit({ verb: 'ask', question: FRIEND }))).toContain('Beechwood policy §4');
    expect(await say(client('beechwood'), submit({ verb: 'ask', question: '  ' }))).toContain('Type your question in the box first');
  });

  it('commands still work: "help" shows the menu, with the question box', async () => {
    const got = await say(client('beechwood'), 'help');
    expect(got).toContain('Ask about the policy');
    expect(got).toContain('"id":"question"');
    expect(got).toContain('"verb":"ask"');
    expect(got).not.toContain('What your policy says');
  });
});

describe('a question mid-flow does not break the flow', () => {
  const declareFlow = () => ({
    declare: new DeclareRelationshipDialog({
      declarations: { existingFor: async () => undefined, declare: async () => { throw new Error('not in this test'); } } as never,
      policies,
      log: pino({ level: 'silent' }),
      newSubmissionId: () => 'sub1',
    }),
  });
  const FORM = { verb: 'declare', step: 'form', action: 'answer', pupilName: 'Amy Taylor', yearGroup: 'Year 5', relationship: 'auntUncle', platforms: 'facebook', otherRelatives: 'no', confirmed: 'true' };

  it('typed text is the flow\'s answer; the Ask box answers and the flow asks its question again, then carries on', async () => {
    const c = client('newall-green', declareFlow(), 'declare');
    await play(c, [
      ['declare', ['"id":"pupilName"']],
      [FRIEND, ['Please fill in the form', '"id":"pupilName"', '!What your policy says']],
      [submit({ verb: 'ask', question: FRIEND }), ['What your policy says', 'Newall Green policy §6.7', '"id":"pupilName"']],
      [submit(FORM), ['Check your declaration', 'Amy Taylor']],
    ]);
    expect(c.dialogTurnResult.status).toBe('waiting');
  });
});

describe('"Was this helpful?"', () => {
  const recorded: AskFeedback[] = [];
  const handlers = askInvokeHandlers({
    directory: { member: async (schoolId: string, aad: string) => (aad === `aad-${schoolId}` ? member(schoolId) : undefined) },
    feedback: { record: async (f) => void recorded.push(f) },
    clock: () => new Date('2026-03-14T15:00:00Z'),
    log: pino({ level: 'silent' }),
  });
  const press = (data: Record<string, unknown>, aad = 'aad-beechwood') =>
    handlers[ASK_FEEDBACK_VERB]({ activity: { from: { aadObjectId: aad }, value: { action: { verb: ASK_FEEDBACK_VERB, data } } } } as unknown as TurnContext);
  const answerData = () => {
    const card = buildAskAnswerCard('beechwood', FRIEND, answerQuestion(policies.of(SCHOOLS.beechwood), ask.forSchool('beechwood'), FRIEND));
    const set = (card.content.body as Array<{ type: string; actions?: Array<{ title: string; data: Record<string, unknown> }> }>).find((b) => b.type === 'ActionSet')!;
    return Object.fromEntries(set.actions!.map((a) => [a.title, a.data]));
  };

  it('records school, clauses shown, yes or no and time, and no question unless the member agreed', async () => {
    recorded.length = 0;
    const { Yes, No } = answerData();
    expect(Yes.question).toBe(FRIEND);
    expect((await press({ ...Yes, keepQuestion: 'false' })).statusCode).toBe(200);
    await press({ ...No, keepQuestion: 'true' });
    expect(recorded).toEqual([
      { schoolId: 'beechwood', clauseIds: String(Yes.clauseIds).split(','), helpful: true, at: '2026-03-14T15:00:00.000Z' },
      { schoolId: 'beechwood', clauseIds: String(Yes.clauseIds).split(','), helpful: false, at: '2026-03-14T15:00:00.000Z', question: FRIEND },
    ]);
    expect(recorded[0].clauseIds.length).toBeGreaterThan(0);
    expect(recorded[0]).not.toHaveProperty('question');
  });

  it('refuses a damaged card and a member of another school, recording nothing', async () => {
    recorded.length = 0;
    const { Yes } = answerData();
    expect((await press({ ...Yes, helpful: 'maybe' })).statusCode).toBe(400);
    expect((await press({ ...Yes, clauseIds: 'a,b,c,d' })).statusCode).toBe(400);
    expect((await press(Yes, 'aad-wootton')).statusCode).toBe(403);
    expect(recorded).toEqual([]);
  });
});

describe('the cards', () => {
  it('the welcome card has the question box and its button; every answer card is valid', () => {
    const welcome = buildWelcomeCard({ firstName: 'Sam', schoolName: 'Beechwood Primary School' });
    expectValidCard(welcome.content);
    expect(JSON.stringify(welcome.content)).toContain('Ask about the policy');
    for (const id of Object.keys(SCHOOLS)) {
      const card = buildAskAnswerCard(id, FRIEND, answerQuestion(policies.of(SCHOOLS[id]), ask.forSchool(id), FRIEND));
      expectValidCard(card.content);
    }
  });
});
