import { cardShell, renderCard, type CardAttachment } from '../card.js';
import type { MenuSubmit } from '../menu-card.js';

/** Verbs of the approval card's Action.Execute, shared by the card builder and its invoke handlers. */
export const ACCOUNT_VERBS = {
  approve: 'accountApprove',
  reject: 'accountReject',
  changes: 'accountChanges',
  refresh: 'accountRefresh',
} as const;

/** Data of every Action.Execute on an approval card (the `reason` input merged in). */
export interface AccountActionData {
  caseId: string;
  schoolId: string;
  /** Which round (resubmissions start a new one) and step of the chain the card asks about. */
  round: number;
  step: number;
  reason?: string;
}

export type RequestStep = 'about' | 'people' | 'dates' | 'summary';

/** What the form and summary cards submit (Action.Submit data merged with the form's inputs). */
export interface RequestAccountSubmit {
  verb: 'requestAccount';
  step: RequestStep;
  action: 'next' | 'confirm' | 'edit';
  [input: string]: unknown;
}

export function isRequestAccountSubmit(v: unknown): v is RequestAccountSubmit {
  const s = v as Partial<RequestAccountSubmit> | undefined;
  return !!s && typeof s === 'object' && s.verb === 'requestAccount' && typeof s.step === 'string' && typeof s.action === 'string';
}

/** "Edit and resubmit" on the requester's notice: the menu choice, with the request it reopens. */
export type ResubmitChoice = MenuSubmit & { caseId: string };

type Choice = { title: string; value: string };
const cancel = { type: 'Action.Submit', title: 'Cancel', associatedInputs: 'none', data: { verb: 'nav', nav: 'cancel' } };
const back = { type: 'Action.Submit', title: 'Back', associatedInputs: 'none', data: { verb: 'nav', nav: 'back' } };
const next = (step: RequestStep, title = 'Next') => ({ type: 'Action.Submit', title, style: 'positive', data: { verb: 'requestAccount', step, action: 'next' } });

/** An input with its problem (if any) shown right under it. */
function field(input: Record<string, unknown>): unknown[] {
  const id = String(input.id);
  return [input, { type: 'TextBlock', $when: `\${errors.${id} != ''}`, text: `\${errors.${id}}`, color: 'Attention', size: 'Small', wrap: true, spacing: 'None' }];
}
const text = (id: string, label: string, o: Record<string, unknown> = {}) => field({ type: 'Input.Text', id, label, value: `\${${id}}`, maxLength: 2000, ...o });
const long = (id: string, label: string, o: Record<string, unknown> = {}) => text(id, label, { isMultiline: true, ...o });
const choice = (id: string, label: string, choicesOf: string, o: Record<string, unknown> = {}) =>
  field({ type: 'Input.ChoiceSet', id, label, value: `\${${id}}`, choices: [{ $data: `\${${choicesOf}}`, title: '${title}', value: '${value}' }], ...o });
/**
 * A people picker over the school's staff. Teams (desktop, web, iOS and Android) searches the whole staff
 * as the person types: `choices.data` is a `Data.Query` answered by the bot's application/search handler,
 * 15 at a time. The static `choices` are only a few likely people (pickerSuggestions: those already chosen,
 * the line manager, senior leaders), never the whole staff list: a card carrying 1,500 names is 465 KB,
 * far over Teams' message limit. A host without dynamic search (an Adaptive Cards renderer outside Teams)
 * drops `choices.data` and shows the static choices as a plain dropdown: the requester can name those
 * people there, and anyone else from Teams desktop, web or mobile, which all search.
 */
const staffPicker = (id: string, label: string, multi: boolean) =>
  choice(id, label, 'staffChoices', {
    style: 'filtered',
    placeholder: 'Type a name to search the staff',
    isMultiSelect: multi,
    isRequired: true,
    errorMessage: multi ? 'Please choose at least two people from the staff list.' : 'Please choose a person from the staff list.',
    'choices.data': { type: 'Data.Query', dataset: '${staffDataset}' },
  });
const heading = (t: string, sub: string) => [
  { type: 'TextBlock', text: t, weight: 'Bolder', size: 'Medium', wrap: true },
  { type: 'TextBlock', text: sub, wrap: true, isSubtle: true, size: 'Small' },
  { type: 'TextBlock', $when: '${intro != ""}', text: '${intro}', wrap: true, color: 'Warning' },
  { type: 'TextBlock', $when: '${hasErrors}', text: 'Please correct the answers marked below.', wrap: true, color: 'Attention', weight: 'Bolder' },
];

// ---- the form: three cards ----

export interface AccountFormData {
  /** "Page 1 of 3". */
  progress: string;
  /** Shown at the top (e.g. the approver's request for changes, when editing a request). */
  intro: string;
  hasErrors: boolean;
  /** One entry per input id, '' when that input is fine. */
  errors: Record<string, string>;
  platformChoices: Choice[];
  groupChoices: Choice[];
  opennessChoices: Choice[];
  hostChoices: Choice[];
  staffChoices: Choice[];
  /** Data.Query dataset for the people picker: "staff.<schoolId>". */
  staffDataset: string;
  today: string;
  /** Who must be named, with the school's own clause where it has one. */
  peopleNote: string;
  /** "Your line manager", "(the first to approve)" where the school's chain starts with them. */
  lineManagerLabel: string;
  /** Review and exit planning, with the school's own clause where it has one. */
  datesNote: string;
  /** The form's values so far, as the inputs submit them. */
  [field: string]: unknown;
}

const aboutTemplate = cardShell(
  [
    ...heading('Request a school social-media account (${progress})', 'The business case for the people who approve it. Nothing is sent until you confirm.'),
    choice('platform', 'Platform', 'platformChoices', { style: 'compact', isRequired: true, errorMessage: 'Please choose the platform.' }),
    text('platformOther', 'If "Other": which platform or site?', { maxLength: 200 }),
    text('accountName', 'Proposed name of the account', { maxLength: 200, isRequired: true, errorMessage: 'Please give the proposed name.' }),
    text('department', 'Department or team (optional)', { maxLength: 200 }),
    long('aim', 'Aim of the account, and its pedagogical or business reason', { isRequired: true, errorMessage: 'Please give the aim.' }),
    long('content', 'Proposed content', { isRequired: true, errorMessage: 'Please describe the content.' }),
    choice('audience', 'Intended audience (tick all that apply)', 'groupChoices', { style: 'expanded', isMultiSelect: true, isRequired: true, errorMessage: 'Please choose the audience.' }),
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: field({ type: 'Input.Number', id: 'pupilAgeFrom', label: "Pupils' ages: youngest", min: 2, max: 19, value: '${pupilAgeFrom}' }) },
        { type: 'Column', width: 'stretch', items: field({ type: 'Input.Number', id: 'pupilAgeTo', label: 'oldest', min: 2, max: 19, value: '${pupilAgeTo}' }) },
      ],
    },
    text('otherSchools', 'If pupils of other schools: which schools?', { maxLength: 200 }),
    text('audienceOther', 'If "Others" in the audience: who?', { maxLength: 200 }),
    choice('contributors', 'Who may contribute (tick all that apply)', 'groupChoices', { style: 'expanded', isMultiSelect: true, isRequired: true, errorMessage: 'Please choose who may contribute.' }),
    text('contributorsOther', 'If "Others" contribute: who?', { maxLength: 200 }),
    choice('openness', 'Open or private?', 'opennessChoices', { style: 'expanded', isRequired: true, errorMessage: 'Please choose one.' }),
    long('promotion', 'How will the account be promoted?', { isRequired: true, errorMessage: 'Please say how it will be promoted.' }),
  ],
  [next('about'), cancel],
);

const peopleTemplate = cardShell(
  [
    ...heading('Who runs it (${progress})', '${peopleNote}'),
    staffPicker('administrators', 'Administrators (at least two)', true),
    staffPicker('moderators', 'Moderators (at least two)', true),
    text('vetting', 'Who will vet external contributors?', { maxLength: 200, isRequired: true, errorMessage: 'Please say who will vet contributors.' }),
    choice('host', 'Who will host the account?', 'hostChoices', { style: 'expanded', isRequired: true, errorMessage: 'Please choose one.' }),
    text('hostName', 'If a third party: the host (for example Meta, Google)', { maxLength: 200 }),
    staffPicker('lineManager', '${lineManagerLabel}', false),
    long('consent', 'If pupils contribute: how will you inform parents or carers and obtain consent?'),
    long('security', 'Security measures to keep unwanted or unsuitable people from contributing or joining', { isRequired: true, errorMessage: 'Please describe the security measures.' }),
  ],
  [next('people'), back, cancel],
);

const datesTemplate = cardShell(
  [
    ...heading('Dates and review (${progress})', '${datesNote}'),
    field({ type: 'Input.Date', id: 'goLive', label: 'Proposed go-live date', value: '${goLive}', min: '${today}', isRequired: true, errorMessage: 'Please give the go-live date.' }),
    field({ type: 'Input.Date', id: 'reviewDate', label: 'Planned review or closure date', value: '${reviewDate}', min: '${today}', isRequired: true, errorMessage: 'Please give the review date.' }),
    long('exitStrategy', 'Exit strategy (what happens to the account at the end)', { isRequired: true, errorMessage: 'Please give the exit strategy.' }),
    long('successMeasures', 'How will success be judged?', { isRequired: true, errorMessage: 'Please say how success will be judged.' }),
  ],
  [next('dates', 'Check my request'), back, cancel],
);

export const FORM_TEMPLATES = { about: aboutTemplate, people: peopleTemplate, dates: datesTemplate } as const;

/** One page of the request form, filled in with what was typed and each problem under its field. */
export function buildAccountFormCard(page: keyof typeof FORM_TEMPLATES, data: AccountFormData): CardAttachment {
  return renderCard(FORM_TEMPLATES[page], data);
}

// ---- summary: confirm, edit or cancel ----

export interface AccountSummaryData {
  facts: Array<{ title: string; value: string }>;
  /** Who will approve, in order ("Line manager: Rachel Moore"). */
  chain: Array<{ title: string; value: string }>;
  /** The school's own clauses on approval, review and monitoring, quoted; empty where its policy is silent. */
  policyLines: string[];
  resubmitting: boolean;
}

const summaryTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Check your request', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: 'Who approves it, in order', weight: 'Bolder', wrap: true, separator: true },
    { type: 'FactSet', facts: [{ $data: '${chain}', title: '${title}', value: '${value}' }] },
    { $data: '${policyLines}', type: 'TextBlock', text: '${$data}', wrap: true, isSubtle: true, size: 'Small' },
    { type: 'TextBlock', text: 'Do not create the account until it is approved.', wrap: true, isSubtle: true, size: 'Small' },
  ],
  [
    { type: 'Action.Submit', title: '${if(resubmitting, "Resubmit", "Confirm")}', style: 'positive', data: { verb: 'requestAccount', step: 'summary', action: 'confirm' } },
    { type: 'Action.Submit', title: 'Edit', data: { verb: 'requestAccount', step: 'summary', action: 'edit' } },
    cancel,
  ],
);

export function buildAccountSummaryCard(data: AccountSummaryData): CardAttachment {
  return renderCard(summaryTemplate, data);
}

// ---- after confirm ----

export interface AccountSentData {
  title: string;
  reference: string;
  whoIsAsked: string;
}

const sentTemplate = cardShell([
  { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true, color: 'Good' },
  { type: 'TextBlock', text: 'Your reference is **${reference}**.', wrap: true },
  { type: 'TextBlock', text: '${whoIsAsked}', wrap: true },
  { type: 'TextBlock', text: 'You will get a message here after each decision. Type **my submissions** to see where it stands.', wrap: true, isSubtle: true },
]);

export function buildAccountSentCard(data: AccountSentData): CardAttachment {
  return renderCard(sentTemplate, data);
}

// ---- the approver's card ----

export interface ApprovalCardData extends Omit<AccountActionData, 'reason'> {
  reference: string;
  requesterName: string;
  submittedAt: string;
  /** What this approver signs for, in the form's words. */
  statement: string;
  facts: Array<{ title: string; value: string }>;
  chain: Array<{ title: string; value: string }>;
  /** The school's own clauses on approval, review and monitoring, quoted. */
  policyLines: string[];
  state: 'pending' | 'done';
  /** After a decision: "✅ You approved this on …", "Rejected by … : …", "Now awaiting …". */
  stateText: string;
  caseUrl: string;
  /** Teams user id (29:…) of the approver, so their copy refreshes to show the decision. */
  refreshUserIds: string[];
}

const actionData = { caseId: '${caseId}', schoolId: '${schoolId}', round: '${round}', step: '${step}' };
const approvalBody = [
  { type: 'TextBlock', text: 'School social-media account request', weight: 'Bolder', size: 'Large', wrap: true },
  { type: 'TextBlock', text: '${requesterName} asks for approval of a new school account (${reference}, ${submittedAt}).', wrap: true },
  { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
  { type: 'TextBlock', text: 'Approvals', weight: 'Bolder', wrap: true, separator: true },
  { type: 'FactSet', facts: [{ $data: '${chain}', title: '${title}', value: '${value}' }] },
  { $data: '${policyLines}', type: 'TextBlock', text: '${$data}', wrap: true, isSubtle: true, size: 'Small' },
  { type: 'TextBlock', $when: '${stateText != ""}', text: '${stateText}', wrap: true, weight: 'Bolder' },
];
const refresh = { action: { type: 'Action.Execute', verb: ACCOUNT_VERBS.refresh, data: actionData }, userIds: '${refreshUserIds}' };
const open = { type: 'Action.OpenUrl', title: 'Open case', url: '${caseUrl}' };
const approvalTemplates = {
  pending: cardShell(
    [
      ...approvalBody,
      { type: 'TextBlock', text: '${statement}', wrap: true, isSubtle: true },
      { type: 'Input.Text', id: 'reason', label: 'Reason or changes wanted (needed to reject or ask for changes)', isMultiline: true, maxLength: 4000 },
    ],
    [
      { type: 'Action.Execute', title: 'Approve', style: 'positive', verb: ACCOUNT_VERBS.approve, data: actionData },
      { type: 'Action.Execute', title: 'Ask for changes', verb: ACCOUNT_VERBS.changes, data: actionData },
      { type: 'Action.Execute', title: 'Reject', style: 'destructive', verb: ACCOUNT_VERBS.reject, data: actionData },
      open,
    ],
    { refresh },
  ),
  done: cardShell(approvalBody, [open], { refresh }),
};

/** Approve, reject with a reason, or ask for changes; after a decision it shows the outcome, no buttons. */
export function buildApprovalCard(data: ApprovalCardData): CardAttachment {
  const card = renderCard(approvalTemplates[data.state], data);
  // The templating library turns "${round}" into a string; the handlers expect numbers.
  fixNumbers(card.content, data.round, data.step);
  return card;
}

function fixNumbers(node: unknown, round: number, step: number): void {
  if (Array.isArray(node)) return node.forEach((n) => fixNumbers(n, round, step));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.data && typeof o.data === 'object' && 'round' in (o.data as object)) Object.assign(o.data as object, { round, step });
  for (const v of Object.values(o)) fixNumbers(v, round, step);
}

// ---- the requester is told ----

export interface AccountNoticeData {
  title: string;
  text: string;
  reason: string;
  reference: string;
  /** "Ask for changes": the requester can edit and resubmit from here. */
  resubmit?: ResubmitChoice;
}

const noticeBody = [
  { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true },
  { type: 'TextBlock', text: '${text}', wrap: true },
  { type: 'TextBlock', $when: '${reason != ""}', text: '${reason}', wrap: true, isSubtle: true },
  { type: 'TextBlock', text: 'Reference ${reference}. Type **my submissions** to see where your requests stand.', wrap: true, isSubtle: true, size: 'Small' },
];
const noticeTemplates = {
  plain: cardShell(noticeBody),
  resubmit: cardShell(noticeBody, [{ type: 'Action.Submit', title: 'Edit and resubmit', style: 'positive', data: '${resubmit}' }]),
};

export function buildAccountNoticeCard(data: AccountNoticeData): CardAttachment {
  return renderCard(data.resubmit ? noticeTemplates.resubmit : noticeTemplates.plain, { ...data, resubmit: data.resubmit ?? {} });
}
