import { cardShell, renderCard, type CardAttachment } from '../card.js';

/** The rollout card's Action.Execute verb and the data it carries, shared by the card and its handler. */
export const ROLLOUT_VERBS = { acknowledge: 'policyAcknowledge' } as const;

export interface RolloutActionData {
  schoolId: string;
  version: number;
}

export interface RolloutCardData extends RolloutActionData {
  /** "Please read the policy", "Reminder: …", "Welcome: …". */
  title: string;
  /** The policy's own name for itself and its date, e.g. "Social Media Policy and Guidance (November 2023)". */
  policyName: string;
  /** What changed in this version, for staff; empty for a first version. */
  changes: string[];
  /** The rules that matter most, each with the school's own clause label and quote. */
  rules: Array<{ label: string; quote: string }>;
  fullTextUrl?: string;
  /** The new starter's checklist, each item with its clause. */
  checklist: Array<{ text: string; label: string }>;
  /** Set once acknowledged: the card then says so and has no button. */
  acknowledgedAt?: string;
}

const openBody = [
  { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Large', wrap: true },
  { type: 'TextBlock', text: '${policyName}', wrap: true, spacing: 'None', isSubtle: true },
  { type: 'TextBlock', $when: '${count(changes) > 0}', text: 'What changed', weight: 'Bolder', wrap: true },
  { type: 'TextBlock', $data: '${changes}', text: '- ${$data}', wrap: true, spacing: 'Small' },
  { type: 'TextBlock', text: 'The rules that matter most', weight: 'Bolder', wrap: true },
  {
    type: 'Container',
    $data: '${rules}',
    items: [
      { type: 'TextBlock', text: '${label}', weight: 'Bolder', size: 'Small', wrap: true },
      { type: 'TextBlock', text: '${quote}', wrap: true, spacing: 'None' },
    ],
  },
  { type: 'TextBlock', $when: '${count(checklist) > 0}', text: 'New to the school: please confirm each of these', weight: 'Bolder', wrap: true },
  { type: 'Input.Toggle', $data: '${checklist}', id: 'check${$index}', label: '${label}', title: '${text}', isRequired: true, errorMessage: 'Please confirm this', wrap: true },
];

const openTemplate = cardShell(openBody, [
  { type: 'Action.OpenUrl', $when: '${fullTextUrl != ""}', title: 'Read the whole policy', url: '${fullTextUrl}' },
  { type: 'Action.Execute', title: 'I have read and understood it', verb: ROLLOUT_VERBS.acknowledge, style: 'positive', data: { schoolId: '${schoolId}', version: '${version}' } },
]);

const doneTemplate = cardShell(
  [
    { type: 'TextBlock', text: '${policyName}', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: '✅ You confirmed you have read and understood it on ${acknowledgedAt}. Thank you.', wrap: true, color: 'Good' },
  ],
  [{ type: 'Action.OpenUrl', $when: '${fullTextUrl != ""}', title: 'Read the whole policy', url: '${fullTextUrl}' }],
);

export function buildRolloutCard(data: RolloutCardData): CardAttachment {
  const bound = { ...data, fullTextUrl: data.fullTextUrl ?? '', acknowledgedAt: data.acknowledgedAt ?? '' };
  const card = renderCard(data.acknowledgedAt ? doneTemplate : openTemplate, bound);
  // The version goes back to the handler as a number.
  for (const a of (card.content.actions as Array<{ data?: { version?: unknown } }> | undefined) ?? []) if (a.data) a.data.version = data.version;
  return card;
}

export interface RolloutNoteCardData {
  policyName: string;
  count: number;
  names: string[];
  registerUrl: string;
}

const noteTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Not yet acknowledged: ${policyName}', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: '${summary}', wrap: true },
    { type: 'TextBlock', $data: '${names}', text: '- ${$data}', wrap: true, spacing: 'Small' },
  ],
  [{ type: 'Action.OpenUrl', title: 'Open the register', url: '${registerUrl}' }],
);

/** To a line manager (or the head): the people who have had the card and two reminders and not acknowledged. */
export function buildRolloutNoteCard(data: RolloutNoteCardData): CardAttachment {
  const more = data.count - data.names.length;
  const summary = `${data.count === 1 ? 'One person has' : `${data.count} people have`} had the policy and two reminders and not yet confirmed they have read it${more > 0 ? `; the first ${data.names.length} are below, the rest are in the register` : ''}.`;
  return renderCard(noteTemplate, { ...data, summary });
}
