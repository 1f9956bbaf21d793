import { DirectoryService, type DirectoryStore } from '../../../src/domain/directory/directory-service.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import type { ConsentRecord } from '../../../src/domain/consent/consent.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';
import { PostService } from '../../../src/domain/posts/post-service.js';

export const { profiles, baseline } = readPolicyFiles('config/policies');

/** The memory store applies no OData filter; the service checks kind, status and visibility on every row anyway. */
export class UnfilteredCaseStore extends MemoryCaseStore {
  override listClosed(schoolId: string, opts: Parameters<MemoryCaseStore['listClosed']>[1] = {}) {
    return super.listClosed(schoolId, { ...opts, filter: undefined });
  }
}
export const staticPolicies = new PolicyService(profiles, baseline, { school: async () => undefined });
export const SCHOOLS = ['westbrook', 'newall-green', 'wootton', 'moor-nook', 'beechwood'] as const;

export function setup(schoolId: string) {
  const school: School = { id: schoolId, name: schoolId, referencePrefix: 'SM', headTitle: 'Headteacher' };
  const m = (aad: string, name: string, roles: Member['roles'], lineManager?: string): Member => ({ schoolId, aadObjectId: aad, name, roles, lineManager });
  const people = [
    m('sam', 'Sam Taylor', ['staff'], 'rachel'), m('helen', 'Helen Carter', ['staff', 'slt', 'headteacher']), m('dev', 'Dev Patel', ['staff', 'slt', 'dsl']),
    m('rachel', 'Rachel Moore', ['staff', 'slt']), m('priya', 'Priya Shah', ['staff'], 'rachel'), m('omar', 'Omar Ali', ['staff']),
  ];
  const store: DirectoryStore = {
    listSchools: async () => [school], getSchool: async () => school, getMember: async (_s, aad) => people.find((p) => p.aadObjectId === aad),
    listMembers: async () => people, schoolsOf: async () => [schoolId], saveMember: async () => undefined,
  };
  const directory = new DirectoryService(store);
  const policies = new PolicyService(profiles, baseline, directory);
  const cases = new UnfilteredCaseStore();
  const rec = (pupilId: string, name: string, o: Partial<ConsentRecord> = {}): ConsentRecord => ({
    schoolId, pupilId, name, classOrYear: 'Year 4', platforms: ['facebook'], consentForNames: false, doNotPublish: false, updatedAt: '', updatedBy: '', ...o,
  });
  const register = new Map<string, ConsentRecord>([
    ['p1', rec('p1', 'Ava Brown', { consentForNames: true })],
    ['p2', rec('p2', 'Ben Clarke')],
    ['p3', rec('p3', 'Cara Doyle', { platforms: ['instagram'] })],
    ['p4', rec('p4', 'Dan Evans', { doNotPublish: true })],
  ]);
  const consent = { register: async () => ({ records: [...register.values()], revision: '1' }), records: async (_s: string, ids: readonly string[]) => new Map(ids.flatMap((id) => (register.has(id) ? [[id, register.get(id)!] as const] : []))) };
  const svc = new PostService(cases, directory, policies, consent, () => new Date('2026-03-14T15:00:00Z'));
  const who = (aad: string) => people.find((p) => p.aadObjectId === aad)!;
  return { svc, cases, who, school, policies, directory, consent, people };
}

/** An active Facebook account on the register, with Omar and Priya as its administrators. */
export async function withAccount(s: ReturnType<typeof setup>) {
  const { case: c } = await s.cases.create({
    schoolId: s.school.id, referencePrefix: 'SM', submissionId: 'acc', kind: 'accountRequest', category: 'facebook', status: 'approved',
    routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] }, submitter: { aadObjectId: 'omar', name: 'Omar Ali' },
    answers: { platform: 'facebook', accountName: 'School news', administrators: [{ aadObjectId: 'omar', name: 'Omar Ali' }, { aadObjectId: 'priya', name: 'Priya Shah' }], reviewDate: '2027-01-01' },
    stage: { register: { lead: { aadObjectId: 'omar', name: 'Omar Ali' }, approvedAt: '2026-01-01T00:00:00Z', transfers: [] } }, evidence: [], outbox: [], now: '2026-01-01T00:00:00Z',
  });
  return c.id;
}

