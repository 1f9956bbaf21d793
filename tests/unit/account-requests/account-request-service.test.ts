import { describe, expect, it } from 'vitest';
import { AccountRequestService } from '../../../src/domain/account-requests/account-request-service.js';
import { checkAccountRequest } from '../../../src/domain/account-requests/account-request.js';
import { DirectoryService, type DirectoryStore } from '../../../src/domain/directory/directory-service.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { InvalidChangeError, NotAllowedError } from '../../../src/domain/cases/errors.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';
import { VALID } from './account-request-fixtures.js';

/** The unit tests' staff (ids of account-request-fixtures.ts), in a school whose profile is `schoolId`'s. */
function setup(schoolId: string, headTitle = 'Headteacher') {
  const school: School = { id: schoolId, name: schoolId, referencePrefix: 'SM', headTitle };
  const m = (aad: string, name: string, roles: Member['roles'], lineManager?: string): Member => ({ schoolId, aadObjectId: aad, name, roles, lineManager });
  const people = [
    m('sam', 'Sam Taylor', ['staff'], 'rachel'), m('helen', 'Helen Carter', ['staff', 'slt', 'headteacher']), m('dev', 'Dev Patel', ['staff', 'slt', 'dsl']),
    m('rachel', 'Rachel Moore', ['staff', 'slt']), m('george', 'George Wilson', ['chair']), m('priya', 'Priya Shah', ['staff'], 'rachel'),
  ];
  const store: DirectoryStore = {
    listSchools: async () => [school], getSchool: async () => school, getMember: async (_s, aad) => people.find((p) => p.aadObjectId === aad),
    listMembers: async () => people, schoolsOf: async () => [schoolId], saveMember: async () => undefined,
  };
  const directory = new DirectoryService(store);
  const { profiles, baseline } = readPolicyFiles('config/policies');
  const cases = new MemoryCaseStore();
  const svc = new AccountRequestService(cases, directory, new PolicyService(profiles, baseline, directory), () => new Date('2026-03-14T15:00:00Z'));
  const checked = checkAccountRequest(VALID, { staff: people.filter((p) => p.roles.includes('staff')), today: '2026-03-14' });
  if (!checked.ok) throw new Error('fixture');
  const who = (aad: string) => people.find((p) => p.aadObjectId === aad)!;
  const submit = () => svc.submit({ school, requester: who('sam'), submissionId: 's1', answers: checked.answers });
  return { svc, cases, who, submit };
}

describe('AccountRequestService: the chain the school\'s own policy sets', () => {
  it('Moor Nook: every SLT member is asked; the first decision stands; the others\' cards are then too late', async () => {
    const { svc, cases, who, submit } = setup('moor-nook');
    const { case: c } = await submit();
    const d = (await cases.get('moor-nook', c.id))!;
    expect(d.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name).sort()).toEqual(['Dev Patel', 'Helen Carter', 'Rachel Moore']);
    await expect(svc.decide(who('priya'), c.id, { round: 1, step: 0, decision: 'approved' })).rejects.toBeInstanceOf(NotAllowedError);
    const r = await svc.decide(who('dev'), c.id, { round: 1, step: 0, decision: 'approved' });
    expect(r.case.status).toBe('approved');
    expect((r.case.stage as any).chain[0]).toMatchObject({ role: 'slt', state: 'approved', approver: { name: 'Dev Patel' } });
    await expect(svc.decide(who('rachel'), c.id, { round: 1, step: 0, decision: 'rejected', reason: 'No' })).rejects.toBeInstanceOf(InvalidChangeError);
    expect((await cases.get('moor-nook', c.id))!.case.status).toBe('approved');
  });

  it('Wootton: line manager, senior manager, then its Principal, each asked in turn', async () => {
    const { svc, cases, who, submit } = setup('wootton', 'Principal');
    const { case: c } = await submit();
    for (const [aad, step, next] of [['rachel', 0, 'awaitingApproval'], ['dev', 1, 'awaitingApproval'], ['helen', 2, 'approved']] as const) {
      expect((await svc.decide(who(aad), c.id, { round: 1, step, decision: 'approved' })).case.status).toBe(next);
    }
    const d = (await cases.get('wootton', c.id))!;
    expect(d.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name)).toEqual(['Rachel Moore', 'Dev Patel', 'Helen Carter']);
  });

  it('Beechwood: its headteacher alone', async () => {
    const { svc, cases, who, submit } = setup('beechwood');
    const { case: c } = await submit();
    expect((await cases.get('beechwood', c.id))!.outbox.filter((o) => o.kind === 'approvalRequest').map((o) => o.recipient.name)).toEqual(['Helen Carter']);
    await expect(svc.decide(who('rachel'), c.id, { round: 1, step: 0, decision: 'approved' })).rejects.toBeInstanceOf(NotAllowedError);
    expect((await svc.decide(who('helen'), c.id, { round: 1, step: 0, decision: 'approved' })).case.status).toBe('approved');
  });
});
