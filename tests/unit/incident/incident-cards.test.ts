import { describe, expect, it } from 'vitest';
import { cardProblems } from '../../support/adaptive-card.js';
import * as AC from 'adaptivecards';
import {
  buildChoiceStepCard,
  buildEvidenceStepCard,
  buildSubmittedCard,
  buildSummaryCard,
  buildTextStepCard,
  buildWhenStepCard,
} from '../../../src/teams/incident/incident-cards.js';
import { buildMySubmissionsCard } from '../../../src/teams/my-submissions/my-submissions-card.js';
import type { CardAttachment } from '../../../src/teams/card.js';

const problems = (card: CardAttachment) => cardProblems(card.content);

const actions = (card: CardAttachment) => (card.content.actions as Array<{ type: string; title: string; data?: unknown; url?: string }>) ?? [];

describe('incident cards render valid Adaptive Cards 1.5 with typed submit data', () => {
  it('choice step', () => {
    const card = buildChoiceStepCard({
      step: 'affected', progress: 'Question 2 of 9', question: 'Who is affected?', hints: [],
      choices: [{ value: 'me', title: 'Me' }, { value: 'pupil', title: 'A pupil' }], selected: 'me', canGoBack: true,
    });
    expect(problems(card)).toEqual([]);
    expect(card.content.version).toBe('1.5');
    expect(actions(card).map((a) => a.data)).toEqual([
      { verb: 'incident', step: 'affected', action: 'answer' },
      { verb: 'nav', nav: 'back' },
      { verb: 'nav', nav: 'cancel' },
    ]);
    expect(JSON.stringify(card.content)).not.toContain('${');
  });

  it('text step keeps booleans and numbers typed', () => {
    const card = buildTextStepCard({ step: 'whatHappened', progress: 'Question 8 of 9', question: 'What happened?', hints: ['h'], placeholder: 'p', value: '', multiline: true, maxLength: 4000 });
    expect(problems(card)).toEqual([]);
    const input = (card.content.body as Array<Record<string, unknown>>).find((b) => b.type === 'Input.Text')!;
    expect(input.isMultiline).toBe(true);
    expect(input.maxLength).toBe(4000);
  });

  it('when step, evidence step, summary, submitted, my submissions', () => {
    const cards = [
      buildWhenStepCard({ step: 'when', progress: 'q', question: 'When?', hints: [], max: '2026-03-14', date: '', time: '' }),
      buildEvidenceStepCard({ progress: 'q', question: 'Screenshots', hints: ['a'], received: 1, max: 10, uploadUrl: 'https://app.example/upload/x' }),
      buildSummaryCard({ facts: [{ title: 'Type', value: 'Trolling' }], fields: [{ value: 'category', title: 'Type' }], routeNote: 'n' }),
      buildSubmittedCard({ reference: 'SM-2026-0001', whoIsTold: 'w', guidance: [], advice: ['a', 'b'] }),
      buildMySubmissionsCard({ count: 1, empty: false, items: [{ reference: 'SM-2026-0001', kind: 'Incident: Trolling', date: '1 March 2026', status: 'New' }] }),
    ];
    for (const c of cards) expect(problems(c)).toEqual([]);
    expect(actions(cards[1])[0]).toMatchObject({ type: 'Action.OpenUrl', url: 'https://app.example/upload/x' });
    expect(actions(cards[2]).map((a) => a.data)).toEqual([
      { verb: 'incident', step: 'summary', action: 'submit' },
      { verb: 'incident', step: 'summary', action: 'edit' },
      { verb: 'nav', nav: 'cancel' },
    ]);
  });
});
