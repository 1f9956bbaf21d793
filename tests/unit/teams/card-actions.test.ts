import { describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import { actionData, actorFor, cardError, cardResponse } from '../../../src/teams/card-actions.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import type { CardAttachment } from '../../../src/teams/card.js';

const CASE = '0123456789abcdef';
/** An Action.Execute invoke as the bot sees it: just the parts the helper reads. */
const invoke = (data: unknown, aad?: string) => ({ activity: { value: { action: { type: 'Action.Execute', verb: 'x', data } }, from: { id: '29:x', aadObjectId: aad } } }) as unknown as TurnContext;

describe('card actions: reading the data', () => {
  it('returns the case and school of a well-formed card, and nothing else unless asked', () => {
    expect(actionData(invoke({ caseId: CASE, schoolId: 'westbrook', note: 'hi' }))).toEqual({ caseId: CASE, schoolId: 'westbrook' });
  });

  it.each([
    ['no data', undefined],
    ['data that is a string', 'x'],
    ['data that is a list', [CASE, 'westbrook']],
    ['no case id', { schoolId: 'westbrook' }],
    ['a case id that is a path', { caseId: '../../cases', schoolId: 'westbrook' }],
    ['a case id in capitals', { caseId: CASE.toUpperCase(), schoolId: 'westbrook' }],
    ['a case id that is a number', { caseId: 123, schoolId: 'westbrook' }],
    ['a school id with a slash', { caseId: CASE, schoolId: 'west/brook' }],
    ['a school id of one letter', { caseId: CASE, schoolId: 'w' }],
  ])('refuses %s', (_what, data) => {
    expect(actionData(invoke(data))).toBeUndefined();
    expect(actionData(invoke(data), () => ({ extra: true }))).toBeUndefined();
  });

  it('refuses an activity that is not a card action at all', () => {
    expect(actionData({ activity: { type: 'message', text: 'hello' } } as unknown as TurnContext)).toBeUndefined();
  });

  it('adds what the flow reads from the rest, and refuses the card when the flow refuses it', () => {
    const round = (d: Record<string, unknown>) => (Number.isInteger(d.round) ? { round: d.round as number } : undefined);
    expect(actionData(invoke({ caseId: CASE, schoolId: 'westbrook', round: 2 }), round)).toEqual({ caseId: CASE, schoolId: 'westbrook', round: 2 });
    expect(actionData(invoke({ caseId: CASE, schoolId: 'westbrook', round: 'two' }), round)).toBeUndefined();
  });

  it('never lets the rest override the checked case and school', () => {
    const sneaky = () => ({ caseId: '../../etc', schoolId: 'other' });
    expect(actionData(invoke({ caseId: CASE, schoolId: 'westbrook' }), sneaky)).toEqual({ caseId: CASE, schoolId: 'westbrook' });
  });
});

describe('card actions: who pressed it', () => {
  const member: Member = { schoolId: 'westbrook', aadObjectId: 'aad-1', name: 'Dev Patel', roles: ['staff', 'dsl'] };
  const asked: Array<[string, string]> = [];
  const directory = {
    member: async (schoolId: string, aad: string) => {
      asked.push([schoolId, aad]);
      return schoolId === member.schoolId && aad === member.aadObjectId ? member : undefined;
    },
  };

  it('is the member of the card\'s school with the sender\'s Entra id', async () => {
    asked.length = 0;
    expect(await actorFor(directory, invoke({}, 'aad-1'), 'westbrook')).toEqual(member);
    expect(await actorFor(directory, invoke({}, 'aad-1'), 'oakfield')).toBeUndefined();
    expect(await actorFor(directory, invoke({}, 'aad-2'), 'westbrook')).toBeUndefined();
    expect(asked).toEqual([['westbrook', 'aad-1'], ['oakfield', 'aad-1'], ['westbrook', 'aad-2']]);
  });

  it('is nobody, without asking the directory, when the sender has no Entra id', async () => {
    asked.length = 0;
    expect(await actorFor(directory, invoke({}), 'westbrook')).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe('card actions: answers', () => {
  it('answers with the card itself', () => {
    const content = { type: 'AdaptiveCard', version: '1.5', body: [] };
    const card: CardAttachment = { contentType: 'application/vnd.microsoft.card.adaptive', content };
    expect(cardResponse(card)).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: content });
  });

  it('answers a bad action with an Adaptive Card error response (400 unless told)', () => {
    expect(cardError('That case could not be found.')).toEqual({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'That case could not be found.' } });
    expect(cardError('Busy', 503).statusCode).toBe(503);
  });
});
