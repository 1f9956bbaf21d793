import { cardShell, renderCard, type CardAttachment } from '../card.js';

/** Verbs of the declaration cards' Action.Execute, shared by the card builders and their invoke handlers. */
export const DECLARATION_VERBS = {
  acknowledge: 'declarationAcknowledge',
  discuss: 'declarationDiscuss',
  withdraw: 'declarationWithdraw',
  keep: 'declarationKeep',
} as const;

/** Data of every Action.Execute on a declaration card (inputs `note` and the withdraw confirmation merged in). */
export interface DeclarationActionData {
  caseId: string;
  schoolId: string;
  note?: string;
  confirm?: 'yes';
}

/** What the form and summary cards submit (Action.Submit data merged with the form's inputs). */
export interface DeclareSubmit {
  verb: 'declare';
  step: 'form' | 'summary';
  action: 'answer' | 'confirm' | 'edit';
  [input: string]: unknown;
}

export function isDeclareSubmit(v: unknown): v is DeclareSubmit {
  const s = v as Partial<DeclareSubmit> | undefined;
  return !!s && typeof s === 'object' && s.verb === 'declare' && typeof s.step === 'string' && typeof s.action === 'string';
}

const cancel = { type: 'Action.Submit', title: 'Cancel', associatedInputs: 'none', data: { verb: 'nav', nav: 'cancel' } };
type Choice = { title: string; value: string };

// ---- the one form ----

export interface DeclarationFormData {
  headTitle: string;
  /** What the school's policy says about family relationships, with its citation (declaration-policy.ts). */
  intro: string;
  declaration: string;
  errors: string[];
  relationshipChoices: Choice[];
  platformChoices: Choice[];
  relativesChoices: Choice[];
  pupilName: string;
  yearGroup: string;
  relationship: string;
  relationshipOther: string;
  /** Comma-separated keys, as a multi-select submits them. */
  platforms: string;
  platformsOther: string;
  otherRelatives: string;
  otherRelativesDetail: string;
  anythingElse: string;
  confirmed: 'true' | 'false';
}

const formTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Declare a family relationship with a pupil', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      text: '${intro}',
      wrap: true,
      isSubtle: true,
      size: 'Small',
    },
    { $data: '${errors}', type: 'TextBlock', text: '${$data}', wrap: true, color: 'Attention' },
    { type: 'Input.Text', id: 'pupilName', label: "Pupil's full name", isRequired: true, errorMessage: "Please give the pupil's name.", maxLength: 100, value: '${pupilName}' },
    { type: 'Input.Text', id: 'yearGroup', label: 'Year group or class', placeholder: 'For example: Year 5, or 5B', isRequired: true, errorMessage: 'Please give the year group or class.', maxLength: 50, value: '${yearGroup}' },
    {
      type: 'Input.ChoiceSet',
      id: 'relationship',
      label: 'The pupil is my…',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Please choose the relationship.',
      value: '${relationship}',
      choices: [{ $data: '${relationshipChoices}', title: '${title}', value: '${value}' }],
    },
    { type: 'Input.Text', id: 'relationshipOther', label: 'If "Other": describe the relationship', maxLength: 200, value: '${relationshipOther}' },
    {
      type: 'Input.ChoiceSet',
      id: 'platforms',
      label: 'Where are you connected on social media?',
      style: 'expanded',
      isMultiSelect: true,
      isRequired: true,
      errorMessage: 'Please choose at least one (or "Not connected on social media").',
      value: '${platforms}',
      choices: [{ $data: '${platformChoices}', title: '${title}', value: '${value}' }],
    },
    { type: 'Input.Text', id: 'platformsOther', label: 'If "Other": which platform?', maxLength: 200, value: '${platformsOther}' },
    {
      type: 'Input.ChoiceSet',
      id: 'otherRelatives',
      label: 'Do siblings or other relatives of yours attend the school?',
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Please choose one.',
      value: '${otherRelatives}',
      choices: [{ $data: '${relativesChoices}', title: '${title}', value: '${value}' }],
    },
    { type: 'Input.Text', id: 'otherRelativesDetail', label: 'If so: who, and which year group or class?', isMultiline: true, maxLength: 2000, value: '${otherRelativesDetail}' },
    { type: 'Input.Text', id: 'anythingElse', label: 'Anything else the ${headTitle} should know (optional)', isMultiline: true, maxLength: 2000, value: '${anythingElse}' },
    {
      type: 'Input.Toggle',
      id: 'confirmed',
      label: 'Declaration',
      title: '${declaration}',
      wrap: true,
      valueOn: 'true',
      valueOff: 'false',
      value: '${confirmed}',
      isRequired: true,
      errorMessage: 'Please tick the declaration to confirm it.',
    },
  ],
  [{ type: 'Action.Submit', title: 'Next', style: 'positive', data: { verb: 'declare', step: 'form', action: 'answer' } }, cancel],
);

/** The whole declaration on one card (a teacher on a phone wants few steps); shown again, filled in, to correct or edit. */
export function buildDeclarationFormCard(data: DeclarationFormData): CardAttachment {
  return renderCard(formTemplate, data);
}

// ---- summary: confirm, edit or cancel ----

export interface DeclarationSummaryData {
  facts: Array<{ title: string; value: string }>;
  declaration: string;
  routeNote: string;
}

const summaryTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Check your declaration', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: '✔ ${declaration}', wrap: true, size: 'Small' },
    { type: 'TextBlock', text: '${routeNote}', wrap: true, isSubtle: true },
  ],
  [
    { type: 'Action.Submit', title: 'Confirm', style: 'positive', data: { verb: 'declare', step: 'summary', action: 'confirm' } },
    { type: 'Action.Submit', title: 'Edit', data: { verb: 'declare', step: 'summary', action: 'edit' } },
    cancel,
  ],
);

export function buildDeclarationSummaryCard(data: DeclarationSummaryData): CardAttachment {
  return renderCard(summaryTemplate, data);
}

// ---- after confirm ----

export interface DeclarationSentData {
  reference: string;
  whoIsTold: string;
  /** Whether contact may continue meanwhile, as the school's policy says; '' where it says nothing. */
  contactLine: string;
}

const sentTemplate = cardShell([
  { type: 'TextBlock', text: 'Declaration sent', weight: 'Bolder', size: 'Medium', wrap: true, color: 'Good' },
  { type: 'TextBlock', text: 'Your reference is **${reference}**.', wrap: true },
  { type: 'TextBlock', text: '${whoIsTold}', wrap: true },
  { type: 'TextBlock', $when: '${contactLine != ""}', text: '${contactLine}', wrap: true, color: 'Attention' },
  { type: 'TextBlock', text: 'You will get a message here when it is acknowledged. Type **my submissions** to see it or withdraw it.', wrap: true, isSubtle: true },
]);

export function buildDeclarationSentCard(data: DeclarationSentData): CardAttachment {
  return renderCard(sentTemplate, data);
}

// ---- the headteacher's (or chair's) acknowledgement card ----

export interface AcknowledgementCardData extends Pick<DeclarationActionData, 'caseId' | 'schoolId'> {
  reference: string;
  declarerName: string;
  declaredAt: string;
  /** Includes the pupil's name: the person acknowledging must know whom it concerns. */
  facts: Array<{ title: string; value: string }>;
  policyNote: string;
  state: 'pending' | 'discussionRequested' | 'acknowledged' | 'withdrawn';
  /** "Acknowledged by … at …", "You asked to discuss this … on …". */
  stateText: string;
  note: string;
  caseUrl: string;
}

const note = (label: string) => ({ type: 'Input.Text', id: 'note', label, isMultiline: true, maxLength: 4000, placeholder: 'What you discussed or agreed' });
const ackAction = { type: 'Action.Execute', title: 'Acknowledge', style: 'positive', verb: DECLARATION_VERBS.acknowledge, data: { caseId: '${caseId}', schoolId: '${schoolId}' } };
const discussAction = { type: 'Action.Execute', title: 'Ask to discuss first', verb: DECLARATION_VERBS.discuss, data: { caseId: '${caseId}', schoolId: '${schoolId}' } };
const open = { type: 'Action.OpenUrl', title: 'Open case', url: '${caseUrl}' };
const ackBody = [
  { type: 'TextBlock', text: 'Family relationship declaration', weight: 'Bolder', size: 'Large', wrap: true },
  { type: 'TextBlock', text: '${declarerName} declares a family relationship with a pupil (${declaredAt}).', wrap: true },
  { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
  { type: 'TextBlock', text: '${policyNote}', wrap: true, isSubtle: true, size: 'Small' },
  { type: 'TextBlock', $when: '${stateText != ""}', text: '${stateText}', wrap: true, weight: 'Bolder', color: '${if(state == "acknowledged", "Good", "Default")}' },
  { type: 'TextBlock', $when: '${note != ""}', text: 'Note: ${note}', wrap: true },
];
const ackTemplates = {
  pending: cardShell([...ackBody, note('Note of your discussion (needed to acknowledge)')], [ackAction, discussAction, open]),
  discussionRequested: cardShell([...ackBody, note('Note of your discussion (needed to acknowledge)')], [ackAction, open]),
  acknowledged: cardShell(ackBody, [open]),
  withdrawn: cardShell(ackBody, [open]),
};

/** Acknowledge (with a note of the discussion) or ask to discuss first; after a decision, it shows who and when. */
export function buildAcknowledgementCard(data: AcknowledgementCardData): CardAttachment {
  return renderCard(ackTemplates[data.state], data);
}

// ---- the declarer is told ----

export interface DecisionNoticeData {
  title: string;
  reference: string;
  text: string;
  note: string;
}

const decisionTemplate = cardShell([
  { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true },
  { type: 'TextBlock', text: '${text}', wrap: true },
  { type: 'TextBlock', $when: '${note != ""}', text: '${note}', wrap: true, isSubtle: true },
  { type: 'TextBlock', text: 'Reference ${reference}. Type **my submissions** to see your declarations.', wrap: true, isSubtle: true, size: 'Small' },
]);

export function buildDecisionNoticeCard(data: DecisionNoticeData): CardAttachment {
  return renderCard(decisionTemplate, data);
}

// ---- the declarer's own declarations: withdraw ----

export interface MyDeclarationsData {
  schoolId: string;
  items: Array<{ caseId: string; reference: string; pupil: string; relationship: string; status: string }>;
  message: string;
}

const myDeclarationsTemplate = cardShell([
  { type: 'TextBlock', text: 'My family relationship declarations', weight: 'Bolder', wrap: true },
  { type: 'TextBlock', $when: '${message != ""}', text: '${message}', wrap: true, color: 'Good' },
  {
    $data: '${items}',
    type: 'Container',
    separator: true,
    items: [
      { type: 'TextBlock', text: '**${reference}** · ${status}', wrap: true },
      { type: 'TextBlock', text: '${pupil} · ${relationship}', wrap: true, isSubtle: true, spacing: 'None' },
      {
        type: 'ActionSet',
        actions: [{ type: 'Action.Execute', title: 'Withdraw', verb: DECLARATION_VERBS.withdraw, data: { caseId: '${caseId}', schoolId: '${$root.schoolId}' } }],
      },
    ],
  },
  { type: 'TextBlock', text: 'Withdraw a declaration when it no longer applies, for example when the pupil leaves. It is kept on record as withdrawn.', wrap: true, isSubtle: true, size: 'Small' },
]);

/** The declarer's standing declarations, each with Withdraw (shown after "my submissions"). */
export function buildMyDeclarationsCard(data: MyDeclarationsData): CardAttachment {
  return renderCard(myDeclarationsTemplate, data);
}

export interface WithdrawConfirmData extends Pick<DeclarationActionData, 'caseId' | 'schoolId'> {
  reference: string;
  /** What withdrawing means under the school's policy. */
  text: string;
}

const withdrawConfirmTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Withdraw ${reference}?', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: '${text}', wrap: true },
  ],
  [
    { type: 'Action.Execute', title: 'Yes, withdraw', style: 'destructive', verb: DECLARATION_VERBS.withdraw, data: { caseId: '${caseId}', schoolId: '${schoolId}', confirm: 'yes' } },
    { type: 'Action.Execute', title: 'Keep it', verb: DECLARATION_VERBS.keep, data: { caseId: '${caseId}', schoolId: '${schoolId}' } },
  ],
);

export function buildWithdrawConfirmCard(data: WithdrawConfirmData): CardAttachment {
  return renderCard(withdrawConfirmTemplate, data);
}
