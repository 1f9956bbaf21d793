import { cardShell, renderCard, type CardAttachment } from '../card.js';

/** The questions of the incident report, in order. The card's submit data and the dialog share these ids. */
export type IncidentStep =
  | 'category'
  | 'affected'
  | 'responsible'
  | 'subject'
  | 'platform'
  | 'platformOther'
  | 'where'
  | 'when'
  | 'whatHappened'
  | 'pupilAtRisk'
  | 'evidence'
  | 'summary';

/** What every incident card submits (Action.Submit data merged with its inputs `value`, `date`, `time`, `field`). */
export interface IncidentSubmit {
  verb: 'incident';
  step: IncidentStep;
  action: 'answer' | 'ongoing' | 'done' | 'submit' | 'edit' | 'skip';
  value?: string;
  date?: string;
  time?: string;
  field?: string;
}

/** Back and cancel, understood by parseCommand (src/teams/commands.ts). */
export interface NavSubmit {
  verb: 'nav';
  nav: 'back' | 'cancel';
}

export function isIncidentSubmit(v: unknown): v is IncidentSubmit {
  const s = v as Partial<IncidentSubmit> | undefined;
  if (!s || typeof s !== 'object' || s.verb !== 'incident' || typeof s.step !== 'string' || typeof s.action !== 'string') return false;
  // Inputs are strings when Teams sends them; forged data of another type is not a submit of this card.
  return (['value', 'date', 'time', 'field'] as const).every((k) => s[k] === undefined || typeof s[k] === 'string');
}

const navActions = (withBack = true) => [
  ...(withBack ? [{ type: 'Action.Submit', title: 'Back', associatedInputs: 'none', data: { verb: 'nav', nav: 'back' } satisfies NavSubmit }] : []),
  { type: 'Action.Submit', title: 'Cancel', associatedInputs: 'none', data: { verb: 'nav', nav: 'cancel' } satisfies NavSubmit },
];

const header = [
  { type: 'TextBlock', text: '${progress}', isSubtle: true, size: 'Small', wrap: true },
  { type: 'TextBlock', text: '${question}', weight: 'Bolder', wrap: true },
  { $data: '${hints}', type: 'TextBlock', text: '${$data}', wrap: true, isSubtle: true },
];

// ---- a question with fixed answers ----

export interface ChoiceStepData {
  step: IncidentStep;
  progress: string;
  question: string;
  hints: string[];
  choices: Array<{ value: string; title: string }>;
  selected: string;
  canGoBack: boolean;
}

const choiceBody = [
  ...header,
  {
    type: 'Input.ChoiceSet',
    id: 'value',
    label: 'Choose one',
    style: 'expanded',
    isRequired: true,
    errorMessage: 'Please choose one.',
    value: '${selected}',
    choices: [{ $data: '${choices}', title: '${title}', value: '${value}' }],
  },
];
const next = { type: 'Action.Submit', title: 'Next', style: 'positive', data: { verb: 'incident', step: '${step}', action: 'answer' } };
const choiceTemplates = {
  back: cardShell(choiceBody, [next, ...navActions(true)]),
  noBack: cardShell(choiceBody, [next, ...navActions(false)]),
};

export function buildChoiceStepCard(data: ChoiceStepData): CardAttachment {
  return renderCard(data.canGoBack ? choiceTemplates.back : choiceTemplates.noBack, data);
}

// ---- who it is about: a member of staff, searched as the person types ----

export interface SubjectStepData {
  progress: string;
  question: string;
  hints: string[];
  /** A few likely people, never the whole staff: what a host without dynamic search can offer. */
  staffChoices: Array<{ value: string; title: string }>;
  /** Data.Query dataset of the picker: "staff.<schoolId>", answered by the bot's people search. */
  staffDataset: string;
  selected: string;
}

const subjectTemplate = cardShell(
  [
    ...header,
    {
      type: 'Input.ChoiceSet',
      id: 'value',
      label: 'Member of staff',
      style: 'filtered',
      placeholder: 'Type a name to search the staff',
      value: '${selected}',
      choices: [{ $data: '${staffChoices}', title: '${title}', value: '${value}' }],
      'choices.data': { type: 'Data.Query', dataset: '${staffDataset}' },
    },
  ],
  [
    next,
    { type: 'Action.Submit', title: "I'd rather not say / don't know", associatedInputs: 'none', data: { verb: 'incident', step: 'subject', action: 'skip' } },
    ...navActions(true),
  ],
);

export function buildSubjectStepCard(data: SubjectStepData): CardAttachment {
  return renderCard(subjectTemplate, data);
}

// ---- a free-text question ----

export interface TextStepData {
  step: IncidentStep;
  progress: string;
  question: string;
  hints: string[];
  placeholder: string;
  value: string;
  multiline: boolean;
  maxLength: number;
}

const textTemplate = cardShell(
  [
    ...header,
    {
      type: 'Input.Text',
      id: 'value',
      label: 'Your answer',
      isMultiline: '${multiline}',
      maxLength: '${maxLength}',
      placeholder: '${placeholder}',
      value: '${value}',
      isRequired: true,
      errorMessage: 'Please write an answer, or type it in the chat.',
    },
  ],
  [next, ...navActions(true)],
);

export function buildTextStepCard(data: TextStepData): CardAttachment {
  return renderCard(textTemplate, data);
}

// ---- when it happened ----

export interface WhenStepData {
  step: 'when';
  progress: string;
  question: string;
  hints: string[];
  /** yyyy-mm-dd, the latest date the picker allows (today). */
  max: string;
  date: string;
  time: string;
}

const whenTemplate = cardShell(
  [
    ...header,
    { type: 'Input.Date', id: 'date', label: 'Date', max: '${max}', value: '${date}' },
    { type: 'Input.Time', id: 'time', label: 'Time (if you know it)', value: '${time}' },
  ],
  [
    next,
    { type: 'Action.Submit', title: 'It is still happening', associatedInputs: 'none', data: { verb: 'incident', step: 'when', action: 'ongoing' } },
    ...navActions(true),
  ],
);

export function buildWhenStepCard(data: WhenStepData): CardAttachment {
  return renderCard(whenTemplate, data);
}

// ---- screenshots ----

export interface EvidenceStepData {
  progress: string;
  question: string;
  hints: string[];
  received: number;
  max: number;
  uploadUrl: string;
}

const evidenceTemplate = cardShell(
  [
    ...header,
    { type: 'TextBlock', text: 'Received so far: ${received} of up to ${max}.', wrap: true, size: 'Small' },
  ],
  [
    { type: 'Action.OpenUrl', title: 'Upload screenshots', url: '${uploadUrl}' },
    { type: 'Action.Submit', title: 'Done', style: 'positive', data: { verb: 'incident', step: 'evidence', action: 'done' } },
    ...navActions(true),
  ],
);

export function buildEvidenceStepCard(data: EvidenceStepData): CardAttachment {
  return renderCard(evidenceTemplate, data);
}

// ---- summary: confirm, change an answer, or cancel ----

export interface SummaryCardData {
  facts: Array<{ title: string; value: string }>;
  fields: Array<{ value: IncidentStep; title: string }>;
  routeNote: string;
}

const summaryTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Check your report', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: '${routeNote}', wrap: true, isSubtle: true },
    {
      type: 'Input.ChoiceSet',
      id: 'field',
      style: 'compact',
      label: 'Change an answer',
      placeholder: 'Choose an answer to change',
      choices: [{ $data: '${fields}', title: '${title}', value: '${value}' }],
    },
  ],
  [
    { type: 'Action.Submit', title: 'Send report', style: 'positive', associatedInputs: 'none', data: { verb: 'incident', step: 'summary', action: 'submit' } },
    { type: 'Action.Submit', title: 'Change answer', data: { verb: 'incident', step: 'summary', action: 'edit' } },
    ...navActions(false),
  ],
);

export function buildSummaryCard(data: SummaryCardData): CardAttachment {
  return renderCard(summaryTemplate, data);
}

// ---- after submit ----

export interface SubmittedCardData {
  reference: string;
  whoIsTold: string;
  guidance: string[];
  advice: string[];
}

const submittedTemplate = cardShell([
  { type: 'TextBlock', text: 'Report sent', weight: 'Bolder', size: 'Medium', wrap: true, color: 'Good' },
  { type: 'TextBlock', text: 'Your reference is **${reference}**.', wrap: true },
  { type: 'TextBlock', text: 'What happens next', weight: 'Bolder', wrap: true, spacing: 'Medium' },
  { type: 'TextBlock', text: '${whoIsTold}', wrap: true },
  { $data: '${guidance}', type: 'TextBlock', text: '${$data}', wrap: true, color: 'Attention' },
  { type: 'TextBlock', text: 'What you should do now', weight: 'Bolder', wrap: true, spacing: 'Medium', $when: '${count(advice) > 0}' },
  { $data: '${advice}', type: 'TextBlock', text: '- ${$data}', wrap: true, spacing: 'Small' },
  { type: 'TextBlock', text: 'You will get a message here when its status changes. You can see its status at any time: type **my submissions**.', wrap: true, isSubtle: true, spacing: 'Medium' },
]);

export function buildSubmittedCard(data: SubmittedCardData): CardAttachment {
  return renderCard(submittedTemplate, data);
}
