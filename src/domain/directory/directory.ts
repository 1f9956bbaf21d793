/** The school directory: schools, members and their roles per school. No SDK imports here. */

export const ROLES = ['staff', 'slt', 'headteacher', 'dsl', 'deputyDsl', 'chair', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface School {
  id: string;
  name: string;
  /** Prefix of case references, e.g. SM → SM-2026-0042. */
  referencePrefix: string;
  /** The policy's own word: Headteacher or Principal. */
  headTitle: string;
  /** The Microsoft 365 tenant the school's staff sign in with: the bot serves no other tenant. */
  tenantId?: string;
  /** When set, only people whose sign-in (UPN or email) is at one of these domains may enrol themselves. */
  staffEmailDomains?: string[];
}

export interface Member {
  schoolId: string;
  aadObjectId: string;
  name: string;
  email?: string;
  jobTitle?: string;
  roles: Role[];
  lineManager?: string;
}

export interface DirectorySeed {
  /** The tenant of every school that does not name its own. */
  tenantId?: string;
  schools: Array<School & { members: Array<Omit<Member, 'schoolId'>> }>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const isDsl = (m: Pick<Member, 'roles'>) => m.roles.includes('dsl') || m.roles.includes('deputyDsl');
export const isSlt = (m: Pick<Member, 'roles'>) => m.roles.includes('slt') || m.roles.includes('headteacher');
export const isHead = (m: Pick<Member, 'roles'>) => m.roles.includes('headteacher');
export const isChair = (m: Pick<Member, 'roles'>) => m.roles.includes('chair');
export const isAdmin = (m: Pick<Member, 'roles'>) => m.roles.includes('admin');

/** A member as records name people: the Entra object id and the display name, nothing more. */
export const personRef = (m: Pick<Member, 'aadObjectId' | 'name'>): { aadObjectId: string; name: string } => ({ aadObjectId: m.aadObjectId, name: m.name });

/**
 * The school's own word for its head (the policy's "Headteacher" or "Principal"). `fallback` is used when
 * the school is not known; a caller that words it mid-sentence passes its own ("headteacher").
 */
export const headTitleOf = (school: Pick<School, 'headTitle'> | undefined, fallback = 'Headteacher'): string => school?.headTitle ?? fallback;

/**
 * Roles a school needs someone in, and what goes wrong without them: shown to the school's administrators
 * (Settings) so the gap is closed before a report needs it.
 */
export function roleGaps(members: ReadonlyArray<Pick<Member, 'roles'>>): string[] {
  const gaps: string[] = [];
  if (!members.some(isDsl)) {
    gaps.push('Nobody is a designated safeguarding lead (or deputy): safeguarding concerns alert nobody, and reporters are told to tell someone in person.');
  }
  if (!members.some(isHead)) {
    gaps.push('Nobody is the headteacher: family relationship declarations and school account requests have nobody to acknowledge or approve them.');
  }
  if (!members.some((m) => isChair(m) && !isHead(m))) {
    gaps.push("Nobody is the chair of governors: concerns about the headteacher, and the headteacher's own declarations and account requests, reach nobody.");
  }
  return gaps;
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || 'there';
}

/**
 * What is wrong with one person holding these roles, if anything. The headteacher cannot also be the chair
 * of governors: concerns about the head go to the chair, so that person would be the one the concern is about.
 */
export function rolesProblem(roles: readonly Role[]): string | undefined {
  if (roles.includes('headteacher') && roles.includes('chair')) {
    return 'One person cannot be both the headteacher and the chair of governors: concerns about the headteacher go to the chair.';
  }
  return undefined;
}

/** Validate a seed file's content; returns the list of problems (empty when valid). */
export function validateSeed(seed: unknown): string[] {
  const problems: string[] = [];
  const s = seed as DirectorySeed;
  if (!s || !Array.isArray(s.schools) || s.schools.length === 0) return ['seed: "schools" must be a non-empty array'];
  const ids = new Set<string>();
  s.schools.forEach((school, i) => {
    const at = `schools[${i}]`;
    if (!/^[a-z0-9-]{2,40}$/.test(school.id ?? '')) problems.push(`${at}.id: 2-40 lowercase letters, digits or dashes`);
    if (ids.has(school.id)) problems.push(`${at}.id: duplicate ${school.id}`);
    ids.add(school.id);
    if (!school.name) problems.push(`${at}.name: required`);
    if (!/^[A-Z]{1,6}$/.test(school.referencePrefix ?? '')) problems.push(`${at}.referencePrefix: 1-6 capital letters`);
    if (!GUID.test(school.tenantId ?? s.tenantId ?? '')) problems.push(`${at}.tenantId: the school's Microsoft 365 tenant id (a GUID), here or as the seed's "tenantId"`);
    if (school.staffEmailDomains !== undefined && (!Array.isArray(school.staffEmailDomains) || !school.staffEmailDomains.every((d) => typeof d === 'string' && DOMAIN.test(d.toLowerCase())))) {
      problems.push(`${at}.staffEmailDomains: a list of domain names such as "school.example"`);
    }
    if (!Array.isArray(school.members)) problems.push(`${at}.members: must be an array`);
    else
      school.members.forEach((m, j) => {
        if (!m.aadObjectId) problems.push(`${at}.members[${j}].aadObjectId: required`);
        if (!m.name) problems.push(`${at}.members[${j}].name: required`);
        for (const r of m.roles ?? []) if (!ROLES.includes(r)) problems.push(`${at}.members[${j}].roles: unknown role ${r}`);
        const clash = Array.isArray(m.roles) ? rolesProblem(m.roles) : undefined;
        if (clash) problems.push(`${at}.members[${j}].roles: ${clash}`);
      });
  });
  return problems;
}
