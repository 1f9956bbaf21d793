import { mediumDay, mediumTime } from '../../src/domain/time.js';

/** School time (the school is in England), whatever the viewer's device says: "2 Mar 2026, 14:30". */
export const formatDateTime = (iso: string) => mediumTime(iso);
/** "2 Mar 2026", in school time. */
export const formatDate = (iso: string) => mediumDay(iso);

/** "4 minutes ago", "3 days ago": how long a case has waited. */
export function age(iso: string, now = Date.now()): string {
  const mins = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (mins < 1) return 'just now';
  if (mins < 60) return `${mins} minute${mins === 1 ? '' : 's'} ago`;
  const hours = Math.round(mins / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  return `${days} days ago`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const EVENT_LABELS: Record<string, string> = {
  created: 'Submitted',
  viewed: 'Viewed the case',
  viewRefused: 'Tried to open the case (not allowed)',
  evidenceViewed: 'Viewed evidence',
  evidenceDownloaded: 'Downloaded the original evidence',
  evidenceAdded: 'Added screenshots after sending',
  assigned: 'Assigned to',
  noted: 'Added a note',
  statusChanged: 'Changed the status',
  decided: 'Decided',
  acknowledged: 'Acknowledged the safeguarding alert',
  alertQueued: 'Message queued',
  alertDelivered: 'Message delivered',
  alertFailed: 'Message could not be delivered',
  recipientUnreachable: 'Could not reach a recipient',
  resubmitted: 'Resubmitted',
  withdrawn: 'Withdrawn',
  exported: 'Exported',
  leadTransferred: 'Transferred the lead of the account',
  accountClosed: 'Recorded the closure of the account',
  referred: 'Recorded a referral outside the school',
  leftOut: 'Someone was left out of the case',
  legalHoldPlaced: 'Placed a legal hold (the case is kept until it is lifted)',
  legalHoldLifted: 'Lifted the legal hold',
  reassignedOnLeaving: 'Reassigned the case: its assignee left the school',
  retentionReviewed: 'Reviewed it at the end of its retention period and kept it',
};

const DELIVERY_VERBS: Record<string, string> = {
  alertQueued: 'queued for',
  alertDelivered: 'delivered to',
  alertFailed: 'could not be delivered to',
  recipientUnreachable: 'could not reach',
};

/** A chronology line: who did what; a delivery names its message and its recipient ("Receipt to the reporter delivered to Sam Taylor"). */
export function eventText(e: { type: string; actor: string | null; message: string | null }): string {
  const verb = DELIVERY_VERBS[e.type];
  if (verb && e.message) return `${e.message} ${verb} ${e.actor ?? 'a recipient'}`;
  if (e.type === 'referred' && e.message) return `${e.actor ?? 'The app'}: Recorded a referral to ${e.message}`;
  return `${e.actor ?? 'The app'}: ${EVENT_LABELS[e.type] ?? 'Something happened'}`;
}
