import { cardShell, renderCard, type CardAttachment } from '../card.js';

/** Verbs of the approval card's Action.Execute, shared by the card builder and its invoke handlers. */
export const POST_VERBS = {
  approve: 'postApprove',
  decline: 'postDecline',
  changes: 'postChanges',
  refresh: 'postRefresh',
} as const;

export type PostStep = 'compose' | 'photos' | 'checks' | 'summary';

/** What the flow's cards submit (Action.Submit data merged with the card's inputs). */
export interface PostSubmit {
  verb: 'proposePost';
  step: PostStep;
  action: 'next' | 'done' | 'confirm' | 'edit';
  [input: string]: unknown;
}

export function isPostSubmit(v: unknown): v is PostSubmit {
  const s = v as Partial<PostSubmit> | undefined;
  return !!s && typeof s === 'object' && s.verb === 'proposePost' && typeof s.step === 'string' && typeof s.action === 'string';
}

type Choice = { title: string; value: string };
const cancel = { type: 'Action.Submit', title: 'Cancel', associatedInputs: 'none', data: { verb: 'nav', nav: 'cancel' } };
const back = { type: 'Action.Submit', title: 'Back', associatedInputs: 'none', data: { verb: 'nav', nav: 'back' } };
const act = (step: PostStep, action: PostSubmit['action'], title: string, o: Record<string, unknown> = {}) => ({ type: 'Action.Submit', title, data: { verb: 'proposePost', step, action }, ...o });
const problems = { type: 'Container', $when: '${count(problems) > 0}', style: 'attention', items: [{ $data: '${problems}', type: 'TextBlock', text: '${$data}', wrap: true, color: 'Attention' }] };

// ---- 1. the account, the text, the pupils ----

export interface ComposeCardData {
  accountChoices: Choice[];
  accountId: string;
  text: string;
  /** The pupils chosen so far (comma-separated ids) and their choices: never the whole register. */
  pupils: string;
  pupilChoices: Choice[];
  /** Data.Query dataset for the pupil picker: "pupils.<schoolId>". */
  pupilDataset: string;
  /** What stops the post, one line per pupil and reason (empty when nothing does). */
  problems: string[];
}

const composeTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Propose a post (1 of 3)', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'Nothing is sent until you confirm. The post is checked against the photo-consent register first.', wrap: true, isSubtle: true, size: 'Small' },
    problems,
    { type: 'Input.ChoiceSet', id: 'accountId', label: 'Which school account?', style: 'compact', value: '${accountId}', isRequired: true, errorMessage: 'Please choose the account.', choices: [{ $data: '${accountChoices}', title: '${title}', value: '${value}' }] },
    { type: 'Input.Text', id: 'text', label: 'Text of the post', isMultiline: true, maxLength: 5000, value: '${text}', isRequired: true, errorMessage: 'Please write the text of the post.' },
    {
      type: 'Input.ChoiceSet',
      id: 'pupils',
      label: 'Pupils who appear in the photos or the text (from the photo-consent register)',
      style: 'filtered',
      isMultiSelect: true,
      placeholder: 'Type a name to search the register',
      value: '${pupils}',
      choices: [{ $data: '${pupilChoices}', title: '${title}', value: '${value}' }],
      'choices.data': { type: 'Data.Query', dataset: '${pupilDataset}' },
    },
  ],
  [act('compose', 'next', 'Next', { style: 'positive' }), cancel],
);

export const buildComposeCard = (d: ComposeCardData): CardAttachment => renderCard(composeTemplate, d);

// ---- 2. the photos ----

export interface PhotosCardData {
  received: number;
  uploadUrl: string;
}

const photosTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Propose a post (2 of 3): the photos', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'Paste or attach the photos here in the chat (up to 10), or use the upload page. They are kept privately, like evidence, and shown only to the people who confirm the post.', wrap: true },
    { type: 'TextBlock', text: 'Photos received so far: ${received}.', wrap: true, isSubtle: true },
  ],
  [act('photos', 'done', 'Done', { style: 'positive', associatedInputs: 'none' }), { type: 'Action.OpenUrl', title: 'Upload page', url: '${uploadUrl}' }, back, cancel],
);

export const buildPhotosCard = (d: PhotosCardData): CardAttachment => renderCard(photosTemplate, d);

// ---- 3. the policy's checks ----

export interface ChecksCardData {
  checks: Array<{ id: string; question: string; citation: string; value: string }>;
  problems: string[];
}

const checksTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Propose a post (3 of 3): your school\'s checks', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'Each one comes from your school\'s own policy. A post can go forward only when every answer is yes.', wrap: true, isSubtle: true, size: 'Small' },
    problems,
    {
      $data: '${checks}',
      type: 'Container',
      separator: true,
      items: [
        { type: 'Input.Toggle', id: 'check_${id}', label: '${question}', title: 'Yes', valueOn: 'yes', valueOff: 'no', value: '${value}', wrap: true },
        { type: 'TextBlock', text: '${citation}', wrap: true, isSubtle: true, size: 'Small', spacing: 'None' },
      ],
    },
  ],
  [act('checks', 'next', 'Next', { style: 'positive' }), back, cancel],
);

export const buildChecksCard = (d: ChecksCardData): CardAttachment => renderCard(checksTemplate, d);

// ---- the summary ----

export interface PostSummaryData {
  facts: Array<{ title: string; value: string }>;
  text: string;
  notes: string[];
}

const summaryTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Check your post', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: '${text}', wrap: true, separator: true },
    { $data: '${notes}', type: 'TextBlock', text: '${$data}', wrap: true, isSubtle: true, size: 'Small' },
  ],
  [act('summary', 'confirm', 'Send for confirmation', { style: 'positive', associatedInputs: 'none' }), act('summary', 'edit', 'Edit', { associatedInputs: 'none' }), cancel],
);

export const buildPostSummaryCard = (d: PostSummaryData): CardAttachment => renderCard(summaryTemplate, d);

// ---- the approver's card ----

export interface PostApprovalCardData {
  caseId: string;
  schoolId: string;
  reference: string;
  proposerName: string;
  submittedAt: string;
  facts: Array<{ title: string; value: string }>;
  text: string;
  /** Thumbnails served by the app through short-lived signed links; never a storage URL. */
  thumbnails: Array<{ url: string; altText: string }>;
  notes: string[];
  state: 'pending' | 'done';
  stateText: string;
  caseUrl: string;
  refreshUserIds: string[];
}

const data = { caseId: '${caseId}', schoolId: '${schoolId}' };
const approvalBody = [
  { type: 'TextBlock', text: 'A post for a school account', weight: 'Bolder', size: 'Large', wrap: true },
  { type: 'TextBlock', text: '${proposerName} asks you to confirm that this post can go live (${reference}, ${submittedAt}).', wrap: true },
  { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
  { type: 'TextBlock', text: '${text}', wrap: true, separator: true },
  { type: 'ImageSet', $when: '${count(thumbnails) > 0}', imageSize: 'Medium', images: [{ $data: '${thumbnails}', type: 'Image', url: '${url}', altText: '${altText}' }] },
  { $data: '${notes}', type: 'TextBlock', text: '${$data}', wrap: true, isSubtle: true, size: 'Small' },
  { type: 'TextBlock', $when: '${stateText != ""}', text: '${stateText}', wrap: true, weight: 'Bolder' },
];
const refresh = { action: { type: 'Action.Execute', verb: POST_VERBS.refresh, data }, userIds: '${refreshUserIds}' };
const open = { type: 'Action.OpenUrl', title: 'Open in the Cases tab', url: '${caseUrl}' };
const approvalTemplates = {
  pending: cardShell(
    [...approvalBody, { type: 'Input.Text', id: 'reason', label: 'Reason or changes wanted (needed to decline or ask for changes)', isMultiline: true, maxLength: 4000 }],
    [
      { type: 'Action.Execute', title: 'Approve', style: 'positive', verb: POST_VERBS.approve, data },
      { type: 'Action.Execute', title: 'Ask for changes', verb: POST_VERBS.changes, data },
      { type: 'Action.Execute', title: 'Decline', style: 'destructive', verb: POST_VERBS.decline, data },
      open,
    ],
    { refresh },
  ),
  done: cardShell(approvalBody, [open], { refresh }),
};

export const buildPostApprovalCard = (d: PostApprovalCardData): CardAttachment => renderCard(approvalTemplates[d.state], d);

// ---- the proposer's notices ----

export interface PostNoticeData {
  title: string;
  text: string;
  reason: string;
}

const noticeTemplate = cardShell([
  { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true },
  { type: 'TextBlock', text: '${text}', wrap: true },
  { type: 'TextBlock', $when: '${reason != ""}', text: '${reason}', wrap: true },
]);

export const buildPostNoticeCard = (d: PostNoticeData): CardAttachment => renderCard(noticeTemplate, d);
