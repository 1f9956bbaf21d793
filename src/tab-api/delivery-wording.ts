import type { OutboxItem, OutboxKind } from '../domain/cases/types.js';

/** What each message the app sends is, for the case page ("who was told") and its chronology. */
export const MESSAGE_KIND_LABELS: Record<OutboxKind, string> = {
  dslAlert: 'Safeguarding alert to the DSL',
  sltNotice: 'New-case notice to senior leaders',
  chairNotice: 'Notice to the chair of governors',
  receipt: 'Receipt to the reporter',
  statusUpdate: 'Status update to the reporter',
  approvalRequest: 'Approval request',
  acknowledgementRequest: 'Request to acknowledge the declaration',
  decisionNotice: 'Decision notice to the requester',
  evidenceAdded: 'Notice of screenshots added after sending, to the DSL',
  policyRollout: 'Policy card to read and acknowledge',
  policyReminder: 'Reminder to acknowledge the policy',
  policyNote: 'Note of who has not acknowledged the policy',
};

export const messageKindLabel = (kind: unknown): string | null =>
  typeof kind === 'string' ? (MESSAGE_KIND_LABELS[kind as OutboxKind] ?? 'Message') : null;

/** Teams' own codes that say more than their status does. */
const CODE_REASONS: Record<string, string> = {
  ConversationBlockedByUser: 'this person has blocked the app',
  BotNotInConversationRoster: 'the app is not installed for this person',
  BotDisabledByAdmin: 'an administrator has blocked the app in Teams',
  MessageSizeTooBig: 'the message was too big for Teams',
  tooLarge: 'the message was too big for Teams, so the app did not send it',
  Timeout: 'Teams did not answer in time',
  CaseNotFound: 'the case could not be found',
};

const STATUS_REASONS: Record<number, string> = {
  400: 'Teams refused the message as malformed',
  401: "Teams refused the app's credentials",
  403: 'the app is not installed for this person',
  404: 'the chat with this person no longer exists',
  413: 'the message was too big for Teams',
  429: 'Teams is holding messages back (too many sent)',
};

/** Why an attempt failed, in words, with the status and code for whoever looks into it: "… (403, ConversationBlockedByUser)". */
export function failureReason(status?: number, code?: string): string {
  const reason =
    (code ? CODE_REASONS[code] : undefined) ??
    (status ? STATUS_REASONS[status] : undefined) ??
    (!status ? 'Teams could not be reached' : status >= 500 ? 'Teams had a problem on its side' : 'Teams refused the message');
  const ids = [status, code].filter(Boolean).join(', ');
  return ids ? `${reason} (${ids})` : reason;
}

/** One recipient's delivery state as the tab shows it. */
export function deliveryText(o: Pick<OutboxItem, 'state' | 'attempts' | 'lastStatus' | 'lastCode'>): string {
  switch (o.state) {
    case 'delivered':
      return 'Delivered';
    case 'unreachable':
      return 'Could not deliver: the app is not installed for this person, so the app has no chat with them';
    case 'failed':
      return `Could not deliver: ${failureReason(o.lastStatus, o.lastCode)}`;
    default:
      return o.attempts > 0
        ? `Sending: trying again after ${o.attempts} failed attempt${o.attempts === 1 ? '' : 's'}; the last: ${failureReason(o.lastStatus, o.lastCode)}`
        : 'Sending';
  }
}
