import type { School } from '../directory/directory.js';
import type { PolicyProfile, StatutoryBaseline } from './profile.js';
import { SchoolPolicy } from './school-policy.js';

/**
 * Each school's policy, by school id: the profile held for it (or none: a silent profile) over the statutory
 * baseline. One `SchoolPolicy` per school and profile version is kept, since every turn asks for one.
 */
export class PolicyService {
  private readonly bySchool = new Map<string, SchoolPolicy>();

  constructor(
    private readonly profiles: ReadonlyMap<string, PolicyProfile>,
    readonly baseline: StatutoryBaseline,
    private readonly schools: { school(id: string): Promise<School | undefined> },
  ) {}

  /** The school's policy as the app applies it. */
  async forSchool(schoolId: string): Promise<SchoolPolicy> {
    const school = (await this.schools.school(schoolId)) ?? { id: schoolId, name: schoolId, headTitle: 'Headteacher' };
    return this.of(school);
  }

  /** The same, when the caller holds the school already. */
  of(school: Pick<School, 'id' | 'name' | 'headTitle'>): SchoolPolicy {
    const profile = this.profiles.get(school.id);
    const key = `${school.id}|${profile?.version ?? 0}|${school.headTitle ?? ''}`;
    let p = this.bySchool.get(key);
    if (!p) {
      p = new SchoolPolicy(school, profile, this.baseline);
      this.bySchool.set(key, p);
    }
    return p;
  }
}
