/**
 * One school's policy as the app applies it: its own profile (config/policies/<school>.json) on top of the
 * statutory baseline, read through `rule(id)`, and its own words (`terms`, `cite`). Every flow asks this object
 * what the school's policy says; nothing else in the code holds a clause number or a school's wording.
 *
 * A school with no profile yet (a new school of a trust) gets a silent profile: every rule `applies: false`,
 * so the app shows no policy advice and no clause, and the statutory baseline and the app's own routing
 * (safeguarding to the DSL, about the head to the chair, the rest to the senior team) still hold.
 */
import type { School } from '../directory/directory.js';
import { effectiveRule, type EffectiveRule } from './effective.js';
import { RULE_IDS, type PolicyCitation, type PolicyProfile, type PolicyTerms, type RuleId, type StatutoryBaseline } from './profile.js';

/** The value a rule has where the policy says nothing, per kind of rule. */
const SILENT_VALUES: Record<string, unknown> = {
  route: { tell: [], aboutHead: [], speed: 'unspecified' },
  advice: [],
  evidence: 'unspecified',
  'contact.pupils': { stance: 'unspecified' },
  'contact.formerPupils': { stance: 'unspecified' },
  'contact.parents': { stance: 'unspecified' },
  'contact.afterLeaving': { noContactWithPupils: false, formerSchools: 'unspecified' },
  'family.declaration': { familyException: false, mustDeclare: false, declareTo: [], contactMayContinue: 'unspecified' },
  'accounts.approval': { chain: [] },
  'accounts.minimumAdmins': { administrators: 0 },
  'accounts.minimumAge': { respectPlatformMinimum: false },
  'accounts.review': { regularReview: false, exitStrategy: false, handoverOnLeaving: false },
  'accounts.monitoring': { regularMonitoring: false },
  'images.consent': { consent: 'unspecified', perPlatform: false },
  'images.names': { names: 'unspecified', noIdentifyingInformation: false },
  'posts.approval': { approvers: ['accountAdministrators'] },
  'posts.devices': { question: 'Were the photos taken on a school device?' },
  'posts.content': { question: 'Is the post suitable for the school\'s account?' },
  'posts.respect': { question: 'Is everyone in the photos happy to be shown?' },
  'posts.doNotPublish': { schoolList: false },
  'media.enquiries': { forwardTo: [], speed: 'unspecified', noResponseWithoutApproval: false },
  'personalUse.workTime': { workTime: 'unspecified', schoolEquipment: 'unspecified' },
};

/** A profile for a school whose policy the app does not hold: it says nothing, so the app invents nothing. */
export function silentProfile(school: Pick<School, 'id' | 'name' | 'headTitle'>): PolicyProfile {
  const rules = Object.fromEntries(
    RULE_IDS.map((id) => [id, { applies: false, value: structuredClone(SILENT_VALUES[id] ?? SILENT_VALUES[id.split('.')[0]]) }]),
  ) as PolicyProfile['rules'];
  return {
    id: school.id,
    version: 1,
    versionNotes: ['No policy profile is held for this school.'],
    policy: { title: 'Social media policy', schoolName: school.name, date: null, sourceFile: '000_0.txt', numbered: false },
    terms: { headTitle: school.headTitle },
    rules,
  };
}

export class SchoolPolicy {
  /** True when the school's own policy is held (false: a silent profile). */
  readonly held: boolean;

  constructor(
    readonly school: Pick<School, 'id' | 'name' | 'headTitle'>,
    readonly profile: PolicyProfile | undefined,
    readonly baseline: StatutoryBaseline,
  ) {
    this.held = profile !== undefined;
    this.own = profile ?? silentProfile(school);
  }

  private readonly own: PolicyProfile;
  private readonly cache = new Map<RuleId, EffectiveRule>();

  /** The rule the school works to: its policy's, made no weaker than the statutory baseline. */
  rule<Id extends RuleId>(id: Id): EffectiveRule<Id> {
    let r = this.cache.get(id);
    if (!r) {
      r = effectiveRule(this.own, this.baseline, id);
      this.cache.set(id, r);
    }
    return r as EffectiveRule<Id>;
  }

  /** The policy's own words, with the directory's head title where the policy names none. */
  get terms(): PolicyTerms & { headTitle: string } {
    return { ...this.own.terms, headTitle: this.own.terms.headTitle ?? this.school.headTitle ?? 'Headteacher' };
  }

  /** The policy's short name as staff would say it: the school's name without "Primary School" and the like, then "policy". */
  get policyName(): string {
    const name = this.profile?.policy.schoolName ?? this.school.name;
    const short = name.replace(/(\s+(Primary|Secondary|Infant|Junior|High|Upper|Middle|Community|Nursery|C of E|Church of England))*\s+(School|Academy|College)\b.*$/i, '').trim();
    return `${short || name} policy`;
  }

  /**
   * How a citation is shown to staff: the policy's short name and the clause label exactly as the policy
   * prints it after a section sign, or, in an un-numbered policy, its section heading in quotation marks.
   */
  cite(c: PolicyCitation): string {
    if (c.clause) return `${this.policyName} §${c.clause}${c.occurrence && c.heading ? ` (“${c.heading}”)` : ''}`;
    return `${this.policyName}, “${c.heading}”`;
  }
}
