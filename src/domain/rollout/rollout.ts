import { createHash } from 'node:crypto';
import type { RolloutSettings } from '../policy/profile.js';
import type { OutboxItem, OutboxKind, OutboxState } from '../cases/types.js';
import { addDaysOfSchool } from './school-hours.js';

/**
 * Every member of staff has read the policy: a rollout per school and policy version. Its messages are outbox
 * rows (the same delivery, pacing, retries and "could not be reached" as the alerts), kept under a record of
 * the rollout in the school's partition; each person's acknowledgement is one row beside them.
 */

/** The outbox kinds a rollout owes: the card, its reminders, and the note to a line manager or the head. */
export const ROLLOUT_KINDS = ['policyRollout', 'policyReminder', 'policyNote'] as const satisfies readonly OutboxKind[];
export type RolloutKind = (typeof ROLLOUT_KINDS)[number];
export const isRolloutKind = (k: OutboxKind): k is RolloutKind => (ROLLOUT_KINDS as readonly string[]).includes(k);

/** The id of a version's rollout record (the "case" its messages belong to). Not a case id: the Cases tab never opens it. */
export const rolloutId = (version: number) => `pr-${String(version).padStart(6, '0')}`;
export const versionOfRollout = (id: string): number | undefined => (/^pr-(\d{6})$/.test(id) ? Number(id.slice(3)) : undefined);

/** A key for a person that is safe in a row key and fixed for them. */
export const personKey = (aad: string) => createHash('sha256').update(aad).digest('hex').slice(0, 20);

export const messageIds = {
  card: (aad: string) => personKey(aad),
  reminder: (aad: string, n: 1 | 2) => `${personKey(aad)}-r${n}`,
  note: (recipientAad: string, day: string) => `n-${personKey(recipientAad)}-${day}`,
};

/** What a rollout card shows is decided when it is sent; the row carries only this. */
export interface RolloutPayload extends Record<string, unknown> {
  version: number;
  /** 1 or 2 on a reminder. */
  reminder?: 1 | 2;
  /** A new starter's card: the profile's checklist to confirm as well. */
  newStarter?: boolean;
  /** A note: how many people have not acknowledged, and the first few names. */
  count?: number;
  names?: string[];
}

/** One person's acknowledgement of one version (and the note sent about them, if any). */
export interface PersonRecord {
  schoolId: string;
  version: number;
  aadObjectId: string;
  name: string;
  acknowledgedAt?: string;
  /** The new starter's checklist, confirmed with the acknowledgement. */
  checklistConfirmed?: boolean;
  /** When the line manager or head was told this person had not acknowledged. */
  notedAt?: string;
  notedTo?: string;
}

/** The rollout's messages and records, as the service needs them from storage (src/storage/rollout-repository.ts). */
export interface RolloutStore {
  /** The record of the version's rollout, created once (the messages' chronology hangs off it). */
  ensureRollout(schoolId: string, version: number, by: { aadObjectId: string; name: string }, now: string): Promise<void>;
  /** One message of the rollout, by its id (a point read). */
  message(schoolId: string, version: number, id: string): Promise<OutboxItem | undefined>;
  /** Every message of the rollout (cards, reminders, notes) with its delivery state. */
  messages(schoolId: string, version: number): Promise<OutboxItem[]>;
  /** Queue new messages: rows and their pending pointers, in batched transactions within the school's partition. */
  queue(items: OutboxItem[]): Promise<void>;
  /** Send again messages that could not be delivered (the person has since installed the app, say). */
  requeue(items: OutboxItem[], at: string): Promise<void>;
  people(schoolId: string, version: number): Promise<PersonRecord[]>;
  person(schoolId: string, version: number, aad: string): Promise<PersonRecord | undefined>;
  /** Merge what is given into the person's record. */
  savePerson(p: PersonRecord): Promise<void>;
}

export type NextStep = 'none' | 'reminder1' | 'reminder2' | 'note';

/** What one person's messages of one version look like, for deciding what comes next. */
export interface PersonProgress {
  acknowledged: boolean;
  card?: Pick<OutboxItem, 'state' | 'deliveredAt'>;
  reminder1?: Pick<OutboxItem, 'state' | 'deliveredAt'>;
  reminder2?: Pick<OutboxItem, 'state' | 'deliveredAt'>;
  noted: boolean;
}

/**
 * Quiet by default: at most one card and two reminders per person per version, each `remindAfterSchoolDays`
 * school days after the message before it was delivered, then one note to the line manager or head. Nothing
 * follows a message that has not been delivered (a reminder never goes where the card could not).
 */
export function nextStep(p: PersonProgress, now: Date, s: Pick<RolloutSettings, 'remindAfterSchoolDays' | 'hours'>): NextStep {
  if (p.acknowledged || !delivered(p.card)) return 'none';
  const due = (m: Pick<OutboxItem, 'deliveredAt'>) => addDaysOfSchool(s.hours, new Date(m.deliveredAt!), s.remindAfterSchoolDays).getTime() <= now.getTime();
  if (!p.reminder1) return due(p.card!) ? 'reminder1' : 'none';
  if (!delivered(p.reminder1)) return 'none';
  if (!p.reminder2) return due(p.reminder1) ? 'reminder2' : 'none';
  if (!delivered(p.reminder2) || p.noted) return 'none';
  return due(p.reminder2) ? 'note' : 'none';
}

const delivered = (m: Pick<OutboxItem, 'state' | 'deliveredAt'> | undefined): boolean => m?.state === 'delivered' && !!m.deliveredAt;

/** A person's line in the register. */
export type RegisterStatus = 'acknowledged' | 'awaiting' | 'queued' | 'unreachable' | 'failed' | 'notSent';

export function registerStatus(acknowledged: boolean, card: { state: OutboxState } | undefined): RegisterStatus {
  if (acknowledged) return 'acknowledged';
  if (!card) return 'notSent';
  if (card.state === 'delivered') return 'awaiting';
  if (card.state === 'pending') return 'queued';
  return card.state;
}
