import { cardShell, renderCard, type CardAttachment } from '../card.js';

/** Verbs of the alert cards' Action.Execute, shared by the card builders and their invoke handlers. */
export const ALERT_VERBS = { acknowledge: 'dslAcknowledge', refresh: 'dslAlertRefresh' } as const;

export interface AlertActionData {
  caseId: string;
  schoolId: string;
}

export interface DslAlertCardData extends AlertActionData {
  reference: string;
  category: string;
  severity: 'high' | 'medium' | 'low';
  /** Display time, e.g. "Sun 22 Nov, 10:42". */
  raisedAt: string;
  caseUrl: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  /** Teams user ids (29:…) of the DSLs, for clients that refresh Universal Action cards. */
  refreshUserIds: string[];
}

/**
 * DSLs whose copy refreshes itself when viewed (Teams takes at most 60). Eight alerts go in one message in
 * a burst, and 60 ids of about 95 characters on each would put that message over Teams' size limit; every
 * DSL's copy is also updated in place when one acknowledges, so the rest miss nothing.
 */
export const MAX_REFRESH_USERS = 10;

const SEVERITY_COLOUR = { high: 'Attention', medium: 'Warning', low: 'Good' } as const;

const dslAlertTemplate = cardShell(
  [
    {
      type: 'Container',
      style: '${if(severity == "high", "attention", "warning")}',
      bleed: true,
      items: [{ type: 'TextBlock', text: 'Safeguarding concern', weight: 'Bolder', size: 'Large', wrap: true }],
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Reference', value: '${reference}' },
        { title: 'Category', value: '${category}' },
        { title: 'Severity', value: '${severityLabel}' },
        { title: 'Raised', value: '${raisedAt}' },
      ],
    },
    {
      type: 'TextBlock',
      $when: '${acknowledgedBy != ""}',
      text: '✅ Acknowledged by ${acknowledgedBy} at ${acknowledgedAt}',
      wrap: true,
      weight: 'Bolder',
      color: 'Good',
    },
    {
      type: 'TextBlock',
      $when: '${acknowledgedBy == ""}',
      text: 'Not yet acknowledged. Details are in the Cases tab, not on this card.',
      wrap: true,
      color: '${severityColour}',
    },
  ],
  [
    {
      type: 'Action.Execute',
      $when: '${acknowledgedBy == ""}',
      title: 'Acknowledge',
      verb: ALERT_VERBS.acknowledge,
      style: 'positive',
      data: { caseId: '${caseId}', schoolId: '${schoolId}' },
    },
    { type: 'Action.OpenUrl', title: 'Open case', url: '${caseUrl}' },
  ],
  {
    refresh: {
      action: { type: 'Action.Execute', verb: ALERT_VERBS.refresh, data: { caseId: '${caseId}', schoolId: '${schoolId}' } },
      userIds: '${refreshUserIds}',
    },
  },
);

/**
 * The DSL's alert: reference, category, severity and time only — a card can be seen over a shoulder, so
 * no names, descriptions or images. Acknowledge is a Universal Action; once acknowledged, every DSL's copy
 * shows who and when.
 */
export function buildDslAlertCard(data: DslAlertCardData): CardAttachment {
  const card = renderCard(dslAlertTemplate, {
    ...data,
    acknowledgedBy: data.acknowledgedBy ?? '',
    acknowledgedAt: data.acknowledgedAt ?? '',
    severityLabel: data.severity[0].toUpperCase() + data.severity.slice(1),
    severityColour: SEVERITY_COLOUR[data.severity],
  });
  // Templating turns an array binding into a string; put the real array back.
  (card.content.refresh as { userIds: string[] }).userIds = data.refreshUserIds.slice(0, MAX_REFRESH_USERS);
  return card;
}

export interface CaseNoticeCardData {
  title: string;
  reference: string;
  kindLabel: string;
  category: string;
  severity: string;
  raisedAt: string;
  /** Absent for someone told who cannot open the Cases tab: no link they could not follow. */
  caseUrl?: string;
  note: string;
}

const noticeBody = [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Reference', value: '${reference}' },
        { title: 'Kind', value: '${kindLabel}' },
        { title: 'Category', value: '${category}' },
        { title: 'Severity', value: '${severity}' },
        { title: 'Raised', value: '${raisedAt}' },
      ],
    },
    { type: 'TextBlock', text: '${note}', wrap: true, isSubtle: true, size: 'Small' },
];
const noticeTemplate = cardShell(noticeBody, [{ type: 'Action.OpenUrl', title: 'Open case', url: '${caseUrl}' }]);
const noticeWithoutLinkTemplate = cardShell(noticeBody);

/** New-case notice for SLT, or for the chair of governors when the concern is about the headteacher. */
export function buildCaseNoticeCard(data: CaseNoticeCardData): CardAttachment {
  return renderCard(data.caseUrl ? noticeTemplate : noticeWithoutLinkTemplate, data);
}

export interface ReceiptCardData {
  reference: string;
  kindLabel: string;
  raisedAt: string;
  next: string;
}

const receiptTemplate = cardShell([
  { type: 'TextBlock', text: 'Receipt: ${reference}', weight: 'Bolder', wrap: true },
  { type: 'TextBlock', text: '${kindLabel} saved at ${raisedAt}. ${next}', wrap: true },
  { type: 'TextBlock', text: 'We will message you here when its status changes. Type "my submissions" to see it.', wrap: true, isSubtle: true, size: 'Small' },
]);

/** The reporter's durable receipt: sent through the outbox, so it arrives even if the chat turn was cut off. */
export function buildReceiptCard(data: ReceiptCardData): CardAttachment {
  return renderCard(receiptTemplate, data);
}
