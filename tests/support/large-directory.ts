import type { DirectorySeed, Member, Role, School } from '../../src/domain/directory/directory.js';
import { TENANT } from './activities.js';

/**
 * Directories of a real size: one school of 1,500 staff (a large secondary with its support staff) and a
 * trust of 50 schools. Names, job titles and emails are as long as real ones, so card sizes are honest.
 */
const FIRST = ['Alexandra', 'Benjamin', 'Charlotte', 'Dominic', 'Eleanor', 'Frederick', 'Georgina', 'Harrison', 'Isabella', 'Jonathan', 'Katherine', 'Lachlan', 'Margaret', 'Nathaniel', 'Olivia', 'Priyanka', 'Rosalind', 'Sebastian', 'Theodora', 'Wilhelmina'];
const LAST = ['Abernethy-Clarke', 'Brookfield', 'Castellano', "D'Souza", 'Eversleigh', 'Fitzgerald', 'Gunasekara', 'Hollingsworth', 'Iwuchukwu', 'Kowalczyk', 'Llewellyn', 'Montgomery', 'Nakamura', "O'Callaghan", 'Papadopoulos', 'Rutherford', 'Szczepański', 'Thistlethwaite', 'Vasquez-Romero', 'Whittingham'];
const TITLES = ['Class teacher', 'Teaching assistant', 'Head of Mathematics', 'Special educational needs coordinator', 'Higher level teaching assistant', 'Science technician', 'Examinations officer', 'Midday supervisor', 'Pastoral support worker', 'Trainee teacher'];

export const aadOf = (school: number, i: number) => `00000000-0000-4000-a${String(school).padStart(3, '0')}-${String(i + 1).padStart(12, '0')}`;

/** One school's members: a head, 8 SLT, a DSL and 5 deputies, a chair of governors, 2 administrators, the rest staff; line managers set. */
export function schoolMembers(schoolId: string, count: number, schoolNo = 0): Member[] {
  const out: Member[] = [];
  for (let i = 0; i < count; i++) {
    const roles: Role[] = ['staff'];
    if (i === 0) roles.push('slt', 'headteacher');
    else if (i <= 8) roles.push('slt');
    if (i === 1) roles.push('dsl');
    else if (i >= 9 && i <= 13) roles.push('deputyDsl');
    if (i === 14 || i === 15) roles.push('admin');
    const chair = i === count - 1;
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    out.push({
      schoolId,
      aadObjectId: aadOf(schoolNo, i),
      name: `${first} ${last}${i >= 400 ? ` ${Math.floor(i / 400) + 1}` : ''}`,
      email: `${first}.${last.replace(/[^A-Za-z]/g, '')}${i}@${schoolId}.example.sch.uk`.toLowerCase(),
      jobTitle: i === 0 ? 'Headteacher' : i <= 8 ? 'Deputy headteacher' : TITLES[i % TITLES.length],
      roles: chair ? ['chair'] : roles,
      lineManager: i === 0 || chair ? undefined : aadOf(schoolNo, 1 + (i % 8)),
    });
  }
  return out;
}

export const BIG_SCHOOL: School = { id: 'greenfield-academy', name: 'Greenfield Church of England Academy and Sixth Form College', referencePrefix: 'GA', headTitle: 'Principal', tenantId: TENANT };

/** 50 schools of a trust, with names as long as real ones. */
export function trustSchools(n = 50): School[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `school-${String(i + 1).padStart(2, '0')}`,
    name: `St ${FIRST[i % FIRST.length]}'s Church of England Voluntary Aided Primary School and Nursery, ${LAST[i % LAST.length]} ${i + 1}`,
    referencePrefix: 'T' + String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + Math.floor(i / 26)),
    headTitle: i % 2 ? 'Principal' : 'Headteacher',
    tenantId: TENANT,
  }));
}

/** A trust's directory seed: `schools` × `staffEach` members. */
export function trustSeed(schools: number, staffEach: number): DirectorySeed {
  return {
    tenantId: TENANT,
    schools: trustSchools(schools).map((s, n) => ({ ...s, members: schoolMembers(s.id, staffEach, n).map(({ schoolId: _s, ...m }) => m) })),
  };
}
