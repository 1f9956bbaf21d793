/**
 * The rule a school actually works to: its own profile on top of the statutory baseline. A profile can add to
 * the baseline but never weaken it — who must be told is the union of both, the speed the stricter of the two,
 * an outside referral is kept with the shorter deadline, and "screenshots forbidden" wins over any advice to
 * take them. Pure and table-tested.
 */
import {
  DEADLINES,
  EVIDENCE,
  SPEEDS,
  isBaselineRuleId,
  type AdviceLine,
  type BaselineRule,
  type BaselineRuleId,
  type Evidence,
  type PolicyCategory,
  type PolicyCitation,
  type PolicyProfile,
  type Role,
  type RouteValue,
  type RuleId,
  type RuleOf,
  type StatutoryBaseline,
  type StatutoryCitation,
} from './profile.js';

export type SourcedCitation = { from: 'policy'; citation: PolicyCitation } | { from: 'baseline'; citation: StatutoryCitation };

export interface EffectiveRule<Id extends RuleId = RuleId> {
  ruleId: Id;
  applies: boolean;
  value: RuleOf<Id>['value'];
  /** The school's own clauses first, then the statutory guidance. */
  citations: SourcedCitation[];
  /** What the baseline added to or made stricter than the school's policy, in words (for the tab and the audit). */
  strengthened: string[];
  /** When the baseline's part bites (for example the harm threshold): shown beside it, never silently assumed away. */
  conditions: string[];
  notes: string[];
}

const union = <T>(a: readonly T[], b: readonly T[]) => [...a, ...b.filter((x) => !a.includes(x))];
const strictest = <T extends string>(order: readonly T[], a: T, b: T): T => (order.indexOf(a) <= order.indexOf(b) ? a : b);

function policyCitations(rule: { citation?: PolicyCitation; seeAlso?: PolicyCitation[] }): SourcedCitation[] {
  return [...(rule.citation ? [rule.citation] : []), ...(rule.seeAlso ?? [])].map((citation) => ({ from: 'policy' as const, citation }));
}
function baselineCitations(rule: BaselineRule): SourcedCitation[] {
  return [rule.citation, ...(rule.seeAlso ?? [])].map((citation) => ({ from: 'baseline' as const, citation }));
}

export function mergeRoute(own: RouteValue | undefined, base: RouteValue): { value: RouteValue; strengthened: string[] } {
  const strengthened: string[] = [];
  if (!own) return { value: { ...base, tell: [...base.tell], aboutHead: [...base.aboutHead] }, strengthened: ['the policy names nobody: the statutory baseline applies'] };
  const tell = union<Role>(own.tell, base.tell);
  const aboutHead = union<Role>(own.aboutHead, base.aboutHead);
  const speed = strictest(SPEEDS, own.speed, base.speed);
  const added = tell.filter((r) => !own.tell.includes(r));
  if (added.length) strengthened.push(`also told: ${added.join(', ')}`);
  const addedHead = aboutHead.filter((r) => !own.aboutHead.includes(r));
  if (addedHead.length) strengthened.push(`about the head, also told: ${addedHead.join(', ')}`);
  if (speed !== own.speed) strengthened.push(`speed: ${speed} (the policy: ${own.speed})`);
  const external = [...(own.external ?? [])];
  for (const ref of base.external ?? []) {
    const i = external.findIndex((e) => e.body === ref.body);
    if (i === -1) {
      external.push(ref);
      strengthened.push(`referral: ${ref.body} within ${ref.within}`);
    } else if (strictest(DEADLINES, external[i].within, ref.within) !== external[i].within) {
      strengthened.push(`referral: ${ref.body} within ${ref.within} (the policy: ${external[i].within})`);
      external[i] = ref;
    }
  }
  // "Any one of them" would let a report skip the person the baseline requires: everyone listed is told.
  if (own.anyOf && base.tell.length > 0) strengthened.push('everyone listed is told, not any one of them');
  const value: RouteValue = { tell, aboutHead, speed };
  if (own.anyOf && base.tell.length === 0) value.anyOf = true;
  if (external.length) value.external = external;
  return { value, strengthened };
}

export const mergeEvidence = (own: Evidence, base: Evidence): Evidence => strictest(EVIDENCE, own, base);

/** Advice a forbidden-evidence rule overrides: the policy's own advice to take screenshots is dropped. */
const CONTRADICTS_FORBIDDEN_EVIDENCE: ReadonlySet<AdviceLine['kind']> = new Set(['takeScreenshots']);

/**
 * The effective rule `ruleId` for a school: its profile's rule combined with the baseline's, when the baseline
 * has one. Rule ids the baseline does not set come from the profile alone.
 */
export function effectiveRule<Id extends RuleId>(profile: PolicyProfile, baseline: StatutoryBaseline, ruleId: Id): EffectiveRule<Id> {
  const own = profile.rules[ruleId] as { applies: boolean; value: unknown; citation?: PolicyCitation; seeAlso?: PolicyCitation[]; note?: string };
  const base = isBaselineRuleId(ruleId) ? (baseline.rules[ruleId as BaselineRuleId] as BaselineRule | undefined) : undefined;
  const result = (applies: boolean, value: unknown, strengthened: string[] = []): EffectiveRule<Id> => ({
    ruleId,
    applies,
    value: value as RuleOf<Id>['value'],
    citations: [...(own.applies ? policyCitations(own) : []), ...(base ? baselineCitations(base) : [])],
    strengthened,
    conditions: base?.when ? [base.when] : [],
    notes: [own.note, base?.note].filter((n): n is string => Boolean(n)),
  });

  const [kind, category] = ruleId.split('.') as [string, PolicyCategory];
  if (kind === 'advice') return result(...mergeAdvice(profile, baseline, category, own.applies ? (own.value as AdviceLine[]) : [], base));
  if (!base) return result(own.applies, own.value);
  if (kind === 'route') {
    const { value, strengthened } = mergeRoute(own.applies ? (own.value as RouteValue) : undefined, base.value as RouteValue);
    return result(true, value, strengthened);
  }
  if (kind === 'evidence') {
    const value = mergeEvidence(own.applies ? (own.value as Evidence) : 'unspecified', base.value as Evidence);
    return result(true, value, own.applies && value !== own.value ? [`evidence: ${value} (the policy: ${own.value})`] : own.applies ? [] : ['the policy is silent: the statutory baseline applies']);
  }
  throw new Error(`no way to combine ${ruleId} with the baseline`);
}

function mergeAdvice(
  profile: PolicyProfile,
  baseline: StatutoryBaseline,
  category: PolicyCategory,
  ownLines: AdviceLine[],
  base: BaselineRule | undefined,
): [boolean, AdviceLine[], string[]] {
  const strengthened: string[] = [];
  const evidence = effectiveRule(profile, baseline, `evidence.${category}`);
  let lines = [...ownLines];
  if (evidence.applies && evidence.value === 'forbidden') {
    const dropped = lines.filter((l) => CONTRADICTS_FORBIDDEN_EVIDENCE.has(l.kind));
    if (dropped.length) strengthened.push('screenshots are forbidden here: the advice to take them is dropped');
    lines = lines.filter((l) => !CONTRADICTS_FORBIDDEN_EVIDENCE.has(l.kind));
  }
  const baseLines = (base?.value as AdviceLine[] | undefined) ?? [];
  if (baseLines.length) strengthened.push(`statutory advice added: ${baseLines.map((l) => l.kind).join(', ')}`);
  lines = [...lines, ...baseLines];
  return [lines.length > 0, lines, strengthened];
}
