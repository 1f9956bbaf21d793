import type { DirectoryService } from './directory-service.js';
import type { Member, School } from './directory.js';

/**
 * Who may join a school's directory by talking to the bot, and the pending requests of a trust.
 *
 * - Only a full member of the school's own tenant (Teams `userRole` "user"): never a guest or an anonymous
 *   account. Pupils are usually in the same tenant; the IT administrator keeps the app to staff with a
 *   Teams app permission policy, and a school may list its staff sign-in domains (`staffEmailDomains`).
 * - One school in the tenant: the person joins it as staff at once.
 * - A trust (several schools in the tenant): the person's choice of school is a request that one of that
 *   school's administrators confirms in the tab. Until then they reach nobody and see nobody.
 */

/** What Teams says about a person (the roster entry of the conversation), reduced to what the rules read. */
export interface RosterEntry {
  userRole?: string;
  aadObjectId?: string;
  tenantId?: string;
  userPrincipalName?: string;
  email?: string;
}

export type Admission =
  | { ok: true; schools: School[] }
  | { ok: false; reason: 'notMember' | 'notStaffDomain' };

/** Which of the tenant's schools a newcomer may join (or ask to join), from their roster entry. */
export function admitNewcomer(entry: RosterEntry, who: { aadObjectId: string; tenantId: string }, schools: readonly School[]): Admission {
  if (entry.userRole !== 'user') return { ok: false, reason: 'notMember' };
  if (entry.aadObjectId && entry.aadObjectId.toLowerCase() !== who.aadObjectId.toLowerCase()) return { ok: false, reason: 'notMember' };
  if (entry.tenantId && entry.tenantId.toLowerCase() !== who.tenantId.toLowerCase()) return { ok: false, reason: 'notMember' };
  const domains = [entry.userPrincipalName, entry.email]
    .filter((x): x is string => typeof x === 'string' && x.includes('@'))
    .map((x) => x.slice(x.lastIndexOf('@') + 1).toLowerCase());
  const open = schools.filter((s) => !s.staffEmailDomains?.length || s.staffEmailDomains.some((d) => domains.includes(d.toLowerCase())));
  return open.length ? { ok: true, schools: open } : { ok: false, reason: 'notStaffDomain' };
}

export interface EnrolmentRequest {
  schoolId: string;
  aadObjectId: string;
  name: string;
  email?: string;
  requestedAt: string;
  state: 'pending' | 'refused';
}

/** Storage port (implemented in src/storage/enrolment-repository.ts). */
export interface EnrolmentStore {
  /** The person's request, whichever school it is for. */
  requestOf(aad: string): Promise<EnrolmentRequest | undefined>;
  /** A pending request at this school. */
  pendingAt(schoolId: string, aad: string): Promise<EnrolmentRequest | undefined>;
  listPending(schoolId: string): Promise<EnrolmentRequest[]>;
  /** Create a request; false when the person already has one (a repeated or concurrent choice). */
  create(r: EnrolmentRequest): Promise<boolean>;
  markRefused(r: EnrolmentRequest): Promise<void>;
  remove(r: EnrolmentRequest): Promise<void>;
}

export class EnrolmentNotFoundError extends Error {
  readonly code = 'ENROLMENT_NOT_FOUND';
}

export class EnrolmentService {
  constructor(
    private readonly store: EnrolmentStore,
    private readonly directory: DirectoryService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  requestOf(aad: string): Promise<EnrolmentRequest | undefined> {
    return this.store.requestOf(aad);
  }

  /** Ask to join a school; the existing request when there is one (a person asks once). */
  async request(school: School, who: { aadObjectId: string; name: string; email?: string }): Promise<EnrolmentRequest> {
    const r: EnrolmentRequest = {
      schoolId: school.id,
      aadObjectId: who.aadObjectId,
      name: (who.name || 'Member of staff').slice(0, 200),
      ...(who.email ? { email: who.email.slice(0, 320) } : {}),
      requestedAt: this.clock().toISOString(),
      state: 'pending',
    };
    if (await this.store.create(r)) return r;
    return (await this.store.requestOf(who.aadObjectId)) ?? r;
  }

  pending(schoolId: string): Promise<EnrolmentRequest[]> {
    return this.store.listPending(schoolId);
  }

  /** An administrator of the school confirms: the person becomes staff of that school. */
  async confirm(schoolId: string, aad: string): Promise<Member> {
    const r = await this.store.pendingAt(schoolId, aad);
    if (!r) throw new EnrolmentNotFoundError('No such request.');
    const member = await this.directory.enrol(schoolId, aad, r.name);
    await this.store.remove(r);
    return member;
  }

  /** An administrator of the school refuses: the person is told, and cannot ask again by themselves. */
  async refuse(schoolId: string, aad: string): Promise<void> {
    const r = await this.store.pendingAt(schoolId, aad);
    if (!r) throw new EnrolmentNotFoundError('No such request.');
    await this.store.markRefused(r);
  }
}
