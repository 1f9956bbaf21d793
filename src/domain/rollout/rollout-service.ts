import { isAdmin, isHead, personRef, type Member } from '../directory/directory.js';
import type { PolicyProfile, RolloutSettings } from '../policy/profile.js';
import type { OutboxItem, OutboxState } from '../cases/types.js';
import { londonDate } from '../time.js';
import { nextOpening, withinHours } from './school-hours.js';
import { messageIds, nextStep, personKey, registerStatus, rolloutId, type PersonRecord, type RegisterStatus, type RolloutPayload, type RolloutStore } from './rollout.js';

/** A rollout or acknowledgement that is not allowed or not possible, with a sentence for the person. */
export class RolloutRefusedError extends Error {
  readonly code = 'ROLLOUT_REFUSED';
}

/** Only an administrator sends the policy to every member of staff. */
export const canRollOut = (m: Pick<Member, 'roles'>): boolean => isAdmin(m);
/** The acknowledgement register: administrators and the head. */
export const canSeeRegister = (m: Pick<Member, 'roles'>): boolean => isAdmin(m) || isHead(m);

/** A new starter's card waits this long, so the conversation the app has just been given is saved before it is sent. */
const NEW_STARTER_DELAY_MS = 10_000;
/** The note to a line manager or head names at most this many people; the register has the rest. */
const NOTE_NAMES = 10;
/** Lines of "what changed" on one card: enough for a few versions, well inside a Teams message. */
const MAX_CHANGES = 12;
const VERSIONS_TTL_MS = 30_000;

export interface RolloutDeps {
  store: RolloutStore;
  directory: { members(schoolId: string): Promise<Member[]>; member(schoolId: string, aad: string): Promise<Member | undefined>; withRole(schoolId: string, ...roles: Member['roles']): Promise<Member[]>; schools(): Promise<Array<{ id: string }>> };
  policies: { current(schoolId: string): Promise<{ version: number } | undefined>; profileVersion(schoolId: string, version: number): Promise<PolicyProfile | undefined>; versions(schoolId: string): Promise<Array<{ version: number }>> };
  clock: () => Date;
  /** Wake the outbox dispatcher: messages were queued. */
  kick: () => void;
}

export interface RegisterRow {
  aadObjectId: string;
  name: string;
  status: RegisterStatus;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  reminders: number;
  notedAt: string | null;
  newStarter: boolean;
  checklistConfirmed: boolean | null;
  /** Why the card did not arrive, as the outbox recorded it (status and code). */
  lastStatus: number | null;
  lastCode: string | null;
}

export interface Register {
  version: number;
  versions: number[];
  /** The version's rollout settings are missing (an older profile): nothing can be sent for it. */
  rolloutReady: boolean;
  counts: Record<RegisterStatus, number> & { total: number };
  rows: RegisterRow[];
}

export interface RolloutResult {
  version: number;
  queued: number;
  resent: number;
  alreadyHad: number;
  /** When the cards start going (now, or when the school next opens). */
  from: string;
}

/**
 * Every member of staff has read the policy: on publishing a version (or on demand) every member of the school
 * gets one card through the outbox; reminders and one note to a line manager or the head follow, only within
 * the school's hours; new members get the current version with the checklist their school's policy asks for.
 */
export class RolloutService {
  /** The versions held per school, kept briefly: every card of a rollout asks (a new version shows within that time). */
  private readonly held = new Map<string, { at: number; versions: number[] }>();

  constructor(private readonly d: RolloutDeps) {}

  private async heldVersions(schoolId: string): Promise<number[]> {
    const now = this.d.clock().getTime();
    const hit = this.held.get(schoolId);
    if (hit && now - hit.at < VERSIONS_TTL_MS) return hit.versions;
    const versions = (await this.d.policies.versions(schoolId)).map((v) => v.version);
    this.held.set(schoolId, { at: now, versions });
    return versions;
  }

  private async settings(schoolId: string, version: number): Promise<{ profile: PolicyProfile; rollout: RolloutSettings }> {
    const profile = await this.d.policies.profileVersion(schoolId, version);
    if (!profile?.rollout) throw new RolloutRefusedError(`Version ${version} of the policy has no rollout settings (the rules to show, the school's hours), so it cannot be sent to staff.`);
    return { profile, rollout: profile.rollout };
  }

  private async currentVersion(schoolId: string): Promise<number> {
    const current = await this.d.policies.current(schoolId);
    if (!current) throw new RolloutRefusedError('This school has no policy held yet.');
    return current.version;
  }

  /** Send the current version to every member of staff who has not had it (and again to those it could not reach). */
  async rollOut(actor: Member): Promise<RolloutResult> {
    if (!canRollOut(actor)) throw new RolloutRefusedError('Only an administrator can send the policy to all staff.');
    const schoolId = actor.schoolId;
    const version = await this.currentVersion(schoolId);
    const { rollout } = await this.settings(schoolId, version);
    const now = this.d.clock();
    const from = nextOpening(rollout.hours, now).toISOString();
    await this.d.store.ensureRollout(schoolId, version, personRef(actor), now.toISOString());
    const [messages, members] = await Promise.all([this.d.store.messages(schoolId, version), this.d.directory.members(schoolId)]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const fresh: OutboxItem[] = [];
    const again: OutboxItem[] = [];
    let alreadyHad = 0;
    for (const m of members) {
      const card = byId.get(messageIds.card(m.aadObjectId));
      if (!card) fresh.push(this.item(schoolId, version, m, 'policyRollout', messageIds.card(m.aadObjectId), { version }, from, now));
      else if (card.state === 'unreachable' || card.state === 'failed') again.push(card);
      else alreadyHad++;
    }
    await this.d.store.queue(fresh);
    await this.d.store.requeue(again, from);
    if (fresh.length || again.length) this.d.kick();
    return { version, queued: fresh.length, resent: again.length, alreadyHad, from };
  }

  /** Someone joined the directory: the current version, with the new-starter checklist where the policy has one. */
  async newStarter(member: Member): Promise<boolean> {
    const current = await this.d.policies.current(member.schoolId);
    if (!current) return false;
    const profile = await this.d.policies.profileVersion(member.schoolId, current.version);
    if (!profile?.rollout) return false;
    const now = this.d.clock();
    await this.d.store.ensureRollout(member.schoolId, current.version, personRef(member), now.toISOString());
    const id = messageIds.card(member.aadObjectId);
    if (await this.d.store.message(member.schoolId, current.version, id)) return false;
    const from = nextOpening(profile.rollout.hours, new Date(now.getTime() + NEW_STARTER_DELAY_MS)).toISOString();
    await this.d.store.queue([this.item(member.schoolId, current.version, member, 'policyRollout', id, { version: current.version, newStarter: true }, from, now)]);
    this.d.kick();
    return true;
  }

  /**
   * "I have read and understood it". A new starter confirms the checklist with it. Acknowledging twice keeps
   * the first time.
   */
  async acknowledge(schoolId: string, version: number, actor: Member, checklistConfirmed: boolean): Promise<{ record: PersonRecord; first: boolean }> {
    if (actor.schoolId !== schoolId) throw new RolloutRefusedError('This card is for another school.');
    const { rollout } = await this.settings(schoolId, version);
    const existing = await this.d.store.person(schoolId, version, actor.aadObjectId);
    if (existing?.acknowledgedAt) return { record: existing, first: false };
    const card = await this.d.store.message(schoolId, version, messageIds.card(actor.aadObjectId));
    const needsChecklist = !!(card?.payload as RolloutPayload | undefined)?.newStarter && !!rollout.newStarter?.length;
    if (needsChecklist && !checklistConfirmed) throw new RolloutRefusedError('Please tick each item of the checklist first.');
    const record: PersonRecord = {
      ...(existing ?? { schoolId, version, aadObjectId: actor.aadObjectId, name: actor.name }),
      acknowledgedAt: this.d.clock().toISOString(),
      ...(needsChecklist ? { checklistConfirmed: true } : {}),
    };
    await this.d.store.savePerson(record);
    return { record, first: true };
  }

  /**
   * What changed since the version this person last acknowledged: the `whatChanged` of every version after it, up
   * to this one (someone who has acknowledged none is told this version's changes). At most `MAX_CHANGES` lines.
   */
  async changesFor(schoolId: string, version: number, aad: string): Promise<string[]> {
    const held = (await this.heldVersions(schoolId)).filter((v) => v <= version).sort((a, b) => b - a);
    let since = version - 1;
    for (const v of held.filter((v) => v < version)) {
      if ((await this.d.store.person(schoolId, v, aad))?.acknowledgedAt) {
        since = v;
        break;
      }
    }
    const out: string[] = [];
    for (const v of held.filter((v) => v > since).reverse()) out.push(...((await this.d.policies.profileVersion(schoolId, v))?.rollout?.whatChanged ?? []));
    return out.slice(0, MAX_CHANGES);
  }

  /** Whether this person has acknowledged this version, and whether their card asks for the checklist. */
  async state(schoolId: string, version: number, aad: string): Promise<{ acknowledgedAt?: string; newStarter: boolean }> {
    const [p, card] = await Promise.all([this.d.store.person(schoolId, version, aad), this.d.store.message(schoolId, version, messageIds.card(aad))]);
    return { acknowledgedAt: p?.acknowledgedAt, newStarter: !!(card?.payload as RolloutPayload | undefined)?.newStarter };
  }

  /** The register of one version (the current one by default): who acknowledged and when, who has not, who could not be reached. */
  async register(actor: Member, version?: number): Promise<Register> {
    if (!canSeeRegister(actor)) throw new RolloutRefusedError('The acknowledgement register is for administrators and the head.');
    const schoolId = actor.schoolId;
    const versions = (await this.d.policies.versions(schoolId)).map((v) => v.version);
    const v = version ?? (await this.currentVersion(schoolId));
    if (!versions.includes(v)) throw new RolloutRefusedError(`No version ${v} of the policy is held for this school.`);
    const [members, messages, people, profile] = await Promise.all([
      this.d.directory.members(schoolId),
      this.d.store.messages(schoolId, v),
      this.d.store.people(schoolId, v),
      this.d.policies.profileVersion(schoolId, v),
    ]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const byPerson = new Map(people.map((p) => [p.aadObjectId, p]));
    const counts = { acknowledged: 0, awaiting: 0, queued: 0, unreachable: 0, failed: 0, notSent: 0, total: 0 } as Register['counts'];
    const rows = members
      .map((m): RegisterRow => {
        const card = byId.get(messageIds.card(m.aadObjectId));
        const p = byPerson.get(m.aadObjectId);
        const status = registerStatus(!!p?.acknowledgedAt, card);
        counts[status]++;
        counts.total++;
        const reminders = ([1, 2] as const).filter((n) => byId.get(messageIds.reminder(m.aadObjectId, n))?.state === 'delivered').length;
        const newStarter = !!(card?.payload as RolloutPayload | undefined)?.newStarter;
        return {
          aadObjectId: m.aadObjectId,
          name: m.name,
          status,
          deliveredAt: card?.deliveredAt ?? null,
          acknowledgedAt: p?.acknowledgedAt ?? null,
          reminders,
          notedAt: p?.notedAt ?? null,
          newStarter,
          checklistConfirmed: newStarter && profile?.rollout?.newStarter?.length ? !!p?.checklistConfirmed : null,
          lastStatus: card && card.state !== 'delivered' ? (card.lastStatus ?? null) : null,
          lastCode: card && card.state !== 'delivered' ? (card.lastCode ?? null) : null,
        };
      })
      .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
    return { version: v, versions, rolloutReady: !!profile?.rollout, counts, rows };
  }

  /**
   * Reminders and notes that are due, for every school that is open now. Each message has a fixed id, so a
   * sweep run twice (or by two instances) queues it once.
   */
  async sweep(): Promise<{ reminders: number; notes: number }> {
    let reminders = 0;
    let notes = 0;
    for (const { id: schoolId } of await this.d.directory.schools()) {
      const current = await this.d.policies.current(schoolId);
      if (!current) continue;
      const profile = await this.d.policies.profileVersion(schoolId, current.version);
      const now = this.d.clock();
      if (!profile?.rollout || !withinHours(profile.rollout.hours, now)) continue;
      const r = await this.sweepSchool(schoolId, current.version, profile.rollout, now);
      reminders += r.reminders;
      notes += r.notes;
    }
    if (reminders || notes) this.d.kick();
    return { reminders, notes };
  }

  private async sweepSchool(schoolId: string, version: number, rollout: RolloutSettings, now: Date): Promise<{ reminders: number; notes: number }> {
    // A school with no rollout of this version costs one empty range read (its staff list is not loaded).
    const messages = await this.d.store.messages(schoolId, version);
    if (!messages.length) return { reminders: 0, notes: 0 };
    const [people, members] = await Promise.all([this.d.store.people(schoolId, version), this.d.directory.members(schoolId)]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const byPerson = new Map(people.map((p) => [p.aadObjectId, p]));
    const at = now.toISOString();
    const queue: OutboxItem[] = [];
    const toNote: Member[] = [];
    for (const m of members) {
      const p = byPerson.get(m.aadObjectId);
      const step = nextStep(
        {
          acknowledged: !!p?.acknowledgedAt,
          card: byId.get(messageIds.card(m.aadObjectId)),
          reminder1: byId.get(messageIds.reminder(m.aadObjectId, 1)),
          reminder2: byId.get(messageIds.reminder(m.aadObjectId, 2)),
          noted: !!p?.notedAt,
        },
        now,
        rollout,
      );
      if (step === 'reminder1' || step === 'reminder2') {
        const n = step === 'reminder1' ? 1 : 2;
        const newStarter = !!(byId.get(messageIds.card(m.aadObjectId))?.payload as RolloutPayload | undefined)?.newStarter;
        queue.push(this.item(schoolId, version, m, 'policyReminder', messageIds.reminder(m.aadObjectId, n), { version, reminder: n, ...(newStarter ? { newStarter } : {}) }, at, now));
      } else if (step === 'note') toNote.push(m);
    }
    // One note per line manager (or head) a day, naming the people they are told about.
    const heads = await this.d.directory.withRole(schoolId, 'headteacher');
    const byRecipient = new Map<string, { to: Member; about: Member[] }>();
    for (const m of toNote) {
      const manager = m.lineManager ? members.find((x) => x.aadObjectId === m.lineManager) : undefined;
      const to = manager ?? heads.find((h) => h.aadObjectId !== m.aadObjectId);
      if (!to) continue;
      const entry = byRecipient.get(to.aadObjectId) ?? { to, about: [] };
      entry.about.push(m);
      byRecipient.set(to.aadObjectId, entry);
    }
    const day = londonDate(now);
    const noted: PersonRecord[] = [];
    for (const { to, about } of byRecipient.values()) {
      const id = messageIds.note(to.aadObjectId, day);
      if (byId.has(id)) continue; // one note a day: the rest are told tomorrow
      queue.push(this.item(schoolId, version, to, 'policyNote', id, { version, count: about.length, names: about.slice(0, NOTE_NAMES).map((a) => a.name) }, at, now));
      for (const a of about) noted.push({ ...(byPerson.get(a.aadObjectId) ?? { schoolId, version, aadObjectId: a.aadObjectId, name: a.name }), notedAt: at, notedTo: to.aadObjectId });
    }
    await this.d.store.queue(queue);
    for (const p of noted) await this.d.store.savePerson(p);
    return { reminders: queue.filter((q) => q.kind === 'policyReminder').length, notes: queue.length - queue.filter((q) => q.kind === 'policyReminder').length };
  }

  private item(schoolId: string, version: number, to: Pick<Member, 'aadObjectId' | 'name'>, kind: OutboxItem['kind'], id: string, payload: RolloutPayload, from: string, now: Date): OutboxItem {
    return {
      id,
      schoolId,
      caseId: rolloutId(version),
      kind,
      recipient: personRef(to),
      payload,
      state: 'pending' as OutboxState,
      attempts: 0,
      nextAttemptAt: from,
      createdAt: now.toISOString(),
    };
  }
}

const STATUS_ORDER: Record<RegisterStatus, number> = { unreachable: 0, failed: 1, notSent: 2, queued: 3, awaiting: 4, acknowledged: 5 };

