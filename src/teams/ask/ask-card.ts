import { cardShell, renderCard, type CardAttachment } from '../card.js';
import type { AskAnswer, AskFlow } from '../../domain/policy/ask.js';
import { MAX_KEPT_QUESTION } from '../../domain/policy/ask-feedback.js';
import type { MenuSubmit } from '../menu-card.js';

/** The verb of "Was this helpful?" (Action.Execute), shared by the card and its handler. */
export const ASK_FEEDBACK_VERB = 'askFeedback';

/** What a "Was this helpful?" button sends (the toggle `keepQuestion` merged in). */
export interface AskFeedbackData {
  schoolId: string;
  /** The clauses shown, comma-separated (empty: "not covered"). */
  clauseIds: string;
  helpful: 'yes' | 'no';
  /** The question, stored only when `keepQuestion` is "true". */
  question: string;
  keepQuestion?: string;
}

/** The button that starts each flow an answer can lead to. */
export const ASK_FLOW_TITLES: Record<AskFlow, string> = {
  report: 'Report an incident',
  declare: 'Declare a family relationship',
  requestAccount: 'Request an account',
  proposePost: 'Propose a post',
};

const feedback = [
  {
    type: 'TextBlock',
    text: 'Was this helpful?',
    weight: 'Bolder',
    wrap: true,
    separator: true,
    spacing: 'Medium',
  },
  {
    type: 'Input.Toggle',
    id: 'keepQuestion',
    title: 'You may keep my question to improve answers',
    value: 'false',
    valueOn: 'true',
    valueOff: 'false',
  },
  {
    type: 'ActionSet',
    actions: [
      { type: 'Action.Execute', title: 'Yes', verb: ASK_FEEDBACK_VERB, data: { schoolId: '${schoolId}', clauseIds: '${clauseIds}', helpful: 'yes', question: '${question}' } },
      { type: 'Action.Execute', title: 'No', verb: ASK_FEEDBACK_VERB, data: { schoolId: '${schoolId}', clauseIds: '${clauseIds}', helpful: 'no', question: '${question}' } },
    ],
  },
];

const answerTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'What your policy says', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'From the ${policyName}, in its own words:', wrap: true, isSubtle: true, spacing: 'None' },
    {
      $data: '${clauses}',
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: '${cite}', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: '${heading}', $when: "${heading != ''}", isSubtle: true, size: 'Small', wrap: true, spacing: 'None' },
        { type: 'TextBlock', text: '${text}', wrap: true },
        { type: 'TextBlock', text: 'Shortened here: the whole clause is in the policy.', $when: '${shortened}', isSubtle: true, size: 'Small', wrap: true },
      ],
    },
    { type: 'TextBlock', text: 'If this does not answer your question, ask your ${askWho}.', wrap: true, isSubtle: true, size: 'Small', separator: true },
    ...feedback,
  ],
  [{ $data: '${flows}', type: 'Action.Submit', title: '${title}', data: { verb: 'menu', choice: '${choice}' } }],
);

const notCoveredTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Your policy does not cover this', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      text: '${held ? "I could not find anything in the " + policyName + " that answers this question, so I will not guess." : "Safer Social does not hold your school\'s policy yet, so it cannot answer from it."}',
      wrap: true,
    },
    { type: 'TextBlock', text: 'Please ask your ${askWho}.', wrap: true },
    ...feedback,
  ],
  [{ type: 'Action.Submit', title: 'Show the menu', data: { verb: 'menu', choice: 'help' } satisfies MenuSubmit }],
);

/** The answer to a question from the member's own school's policy, or "not covered" and who to ask. */
export function buildAskAnswerCard(schoolId: string, question: string, answer: AskAnswer): CardAttachment {
  const q = question.slice(0, MAX_KEPT_QUESTION);
  if (!answer.covered) return renderCard(notCoveredTemplate, { ...answer, schoolId, clauseIds: '', question: q });
  return renderCard(answerTemplate, {
    schoolId,
    question: q,
    ...answer,
    clauses: answer.clauses.map((c) => ({ ...c, heading: c.heading ?? '' })),
    clauseIds: answer.clauses.map((c) => c.id).join(','),
    flows: answer.flows.map((choice) => ({ choice, title: ASK_FLOW_TITLES[choice] })),
  });
}
