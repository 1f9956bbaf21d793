import { DEADLINES, type PolicyCategory, type Role as PolicyRole, type RouteValue } from '../policy/profile.js';
import type { SchoolPolicy } from '../policy/school-policy.js';
import type { IncidentAnswers, IncidentCategory } from './incident.js';
import type { OwedReferral, Routing, Severity } from './types.js';

const SAFEGUARDING_CATEGORIES: ReadonlySet<IncidentCategory> = new Set(['indecentImagesOfChildren', 'radicalisation', 'pupilContact']);
const BULLYING: ReadonlySet<IncidentCategory> = new Set(['cyberbullying', 'trolling']);

type RoutedAnswers = Pick<IncidentAnswers, 'category' | 'affected' | 'responsible' | 'pupilAtRisk'>;

/** The routes of the school's policy that bear on one report, as data (see `policyRoutes`). */
export interface PolicyRoutes {
  /** The effective route for the report's category (`route.<category>`), if the policy or the baseline has one. */
  category?: RouteValue;
  /** The effective `route.staffMisuse` (KCSIE allegations), applied when the report is an allegation. */
  allegation?: RouteValue;
}

/**
 * An allegation in the sense of KCSIE part four: a member of staff is said to have behaved in a way that may
 * harm a child. The reporter's answers are the app's reading of the harm threshold: a pupil is affected, or
 * the reporter thinks (or is unsure whether) a pupil is at risk.
 */
export const isAllegation = (a: Pick<IncidentAnswers, 'affected' | 'responsible' | 'pupilAtRisk'>): boolean =>
  a.responsible === 'staff' && (a.affected === 'pupil' || a.pupilAtRisk === 'yes' || a.pupilAtRisk === 'unsure');

/**
 * The routes a report follows at a school. The baseline's part of `route.staffMisuse` bites only at the harm
 * threshold (its `conditions`), so a staff-misuse report that is not an allegation follows the school's own
 * route alone.
 */
export function policyRoutes(policy: Pick<SchoolPolicy, 'rule' | 'profile'>, a: RoutedAnswers): PolicyRoutes {
  const allegation = isAllegation(a);
  const category = a.category as PolicyCategory;
  let own: RouteValue | undefined;
  if (category === 'staffMisuse' && !allegation) {
    const r = policy.profile?.rules['route.staffMisuse'];
    own = r?.applies ? r.value : undefined;
  } else {
    const r = policy.rule(`route.${category}`);
    own = r.applies ? r.value : undefined;
  }
  const kcsie = allegation ? policy.rule('route.staffMisuse') : undefined;
  return { category: own, allegation: kcsie?.applies ? kcsie.value : undefined };
}

/**
 * Who must know about an incident, and how urgent it is, decided from the answers and the school's routes.
 * The app's own routing always holds (safeguarding to every DSL, a concern about the head to the chair and
 * never the head, the rest to the senior team); the school's routes add to it (`policyTell`), and their
 * outside referrals are carried as `external`. `subjectIsHead`: the member of staff the reporter named holds the
 * headteacher role, so the report is about the head. Pure and table-tested.
 */
export function routeIncident(a: RoutedAnswers, routes: PolicyRoutes = {}, opts: { subjectIsHead?: boolean } = {}): Routing {
  const reasons: string[] = [];
  const allegation = isAllegation(a);
  if (a.category === 'indecentImagesOfChildren') reasons.push('indecent images of children');
  if (a.category === 'radicalisation') reasons.push('radicalisation or extremism (Prevent)');
  if (a.category === 'pupilContact') reasons.push('contact from a pupil');
  if (a.pupilAtRisk === 'yes') reasons.push('a pupil may be at risk');
  if (a.pupilAtRisk === 'unsure') reasons.push('the reporter is unsure whether a pupil is at risk');
  if (BULLYING.has(a.category) && (a.affected === 'pupil' || a.responsible === 'pupil')) reasons.push('bullying involving a pupil');
  if (allegation) reasons.push('a member of staff may have harmed a child (allegation)');

  const aboutHead = a.responsible === 'headteacher' || (a.responsible === 'staff' && opts.subjectIsHead === true);
  const inPlay = [routes.category, allegation ? routes.allegation : undefined].filter((r): r is RouteValue => r !== undefined);
  const named = (r: RouteValue): PolicyRole[] => (aboutHead ? r.aboutHead : r.tell).filter((x) => x !== 'head' || !aboutHead);
  // A route that sends the report to the DSL makes it a safeguarding case: only then may the DSL open it.
  if (inPlay.some((r) => named(r).includes('dsl')) && reasons.length === 0) reasons.push("the school's policy sends it to the designated safeguarding lead");
  const safeguarding = reasons.length > 0;
  if (aboutHead) reasons.push('concerns the headteacher');

  // Who the app's own routing tells already.
  const covered = new Set<PolicyRole>();
  if (safeguarding) covered.add('dsl');
  if (aboutHead) covered.add('chair');
  else if (!safeguarding) covered.add('slt').add('head');
  const policyTell: PolicyRole[] = [];
  for (const r of inPlay) {
    const roles = named(r);
    // "Any one of them" is met when the app's routing tells one of them already.
    if (r.anyOf && roles.some((x) => covered.has(x))) continue;
    for (const x of roles) if (!covered.has(x) && !policyTell.includes(x)) policyTell.push(x);
  }

  const external: OwedReferral[] = [];
  for (const ref of inPlay.flatMap((r) => r.external ?? [])) {
    const i = external.findIndex((e) => e.body === ref.body);
    if (i === -1) external.push({ ...ref });
    else if (DEADLINES.indexOf(ref.within) < DEADLINES.indexOf(external[i].within)) external[i] = { ...ref };
  }

  let severity: Severity = 'low';
  if (a.category === 'indecentImagesOfChildren' || a.category === 'radicalisation' || a.pupilAtRisk === 'yes' || allegation) severity = 'high';
  else if (safeguarding || aboutHead || BULLYING.has(a.category) || a.category === 'staffMisuse' || a.category === 'dataBreach' || a.category === 'inappropriateImages') severity = 'medium';

  // An allegation is managed by the head (KCSIE), or by the chair when it is about the head.
  const queue: Routing['queue'] = aboutHead ? 'chair' : allegation ? 'head' : safeguarding ? 'dsl' : 'slt';
  const routing: Routing = { safeguarding, aboutHead, queue, severity, reasons };
  if (policyTell.length) routing.policyTell = policyTell;
  if (allegation) routing.allegation = true;
  if (external.length) routing.external = external;
  return routing;
}
