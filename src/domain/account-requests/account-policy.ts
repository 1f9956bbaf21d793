/**
 * What a school's own policy says about official accounts (`accounts.approval`, `accounts.minimumAdmins`,
 * `accounts.minimumAge`, `accounts.review`, `accounts.monitoring`), read into what the request flow checks
 * and shows. No school's clause or wording lives here: citations come from the school's profile through
 * `cite`. Where the policy is silent the flow keeps the app's neutral behaviour (the head approves; two
 * administrators and two moderators; the platform's own minimum age) and cites nothing.
 */
import type { EffectiveRule, SourcedCitation } from '../policy/effective.js';
import type { PolicyCitation, PolicyTerms } from '../policy/profile.js';
import type { ApprovalRole, ChainTerms } from './approval-chain.js';

/** Where the policy names no approver: the head (the chair for the head's own request). */
export const DEFAULT_CHAIN: readonly ApprovalRole[] = ['head'];
/** The app's own minimum of administrators and of moderators, so that an account is covered during absences. */
export const APP_MINIMUM_NAMED = 2;

/** The approvers in order, as a pure function of the school's effective `accounts.approval` rule. */
export function approvalChainOf(rule: Pick<EffectiveRule<'accounts.approval'>, 'applies' | 'value'>): ApprovalRole[] {
  const chain = rule.applies ? [...new Set(rule.value.chain)] : [];
  return chain.length ? chain : [...DEFAULT_CHAIN];
}

/** How many administrators and moderators must be named: the policy's number, never fewer than the app's. */
export function minimumNamedOf(rule: Pick<EffectiveRule<'accounts.minimumAdmins'>, 'applies' | 'value'>): { administrators: number; moderators: number } {
  const own = rule.applies ? rule.value : { administrators: 0, moderators: 0 };
  return { administrators: Math.max(APP_MINIMUM_NAMED, own.administrators), moderators: Math.max(APP_MINIMUM_NAMED, own.moderators ?? 0) };
}

/** What the flow needs of the school's policy. */
export interface AccountPolicyView {
  rule(id: 'accounts.approval'): EffectiveRule<'accounts.approval'>;
  rule(id: 'accounts.minimumAdmins'): EffectiveRule<'accounts.minimumAdmins'>;
  rule(id: 'accounts.minimumAge'): EffectiveRule<'accounts.minimumAge'>;
  rule(id: 'accounts.review'): EffectiveRule<'accounts.review'>;
  rule(id: 'accounts.monitoring'): EffectiveRule<'accounts.monitoring'>;
  readonly terms: PolicyTerms & { headTitle: string };
  cite(c: PolicyCitation): string;
}

/** The account request flow's rules for one school, with the citations to show beside them ('' when none). */
export interface AccountPolicy {
  chain: ApprovalRole[];
  terms: ChainTerms;
  /** Why these approvers: the citation and quote of the school's approval rule. */
  approvalNote: string;
  minimumNamed: { administrators: number; moderators: number };
  /** The policy's clause on naming administrators, as its citation in brackets; '' when silent. */
  namedCitation: string;
  /** The policy's rule on the platform's minimum age, quoted; '' when silent. */
  ageNote: string;
  /** Review, exit strategy, handover and monitoring duties, each with its citation: for the summary and approval cards. */
  duties: string[];
}

const ownCitations = (r: { applies: boolean; citations: SourcedCitation[] }): PolicyCitation[] =>
  r.applies ? r.citations.flatMap((c) => (c.from === 'policy' ? [c.citation] : [])) : [];

export function accountPolicyOf(policy: AccountPolicyView): AccountPolicy {
  const quoted = (c: PolicyCitation | undefined) => (c ? `${policy.cite(c)}: “${c.quote}”` : '');
  const approval = policy.rule('accounts.approval');
  const admins = policy.rule('accounts.minimumAdmins');
  const age = policy.rule('accounts.minimumAge');
  const review = policy.rule('accounts.review');
  const monitoring = policy.rule('accounts.monitoring');
  const duties: string[] = [];
  const reviewCite = ownCitations(review)[0];
  if (reviewCite) {
    const v = review.value;
    const what = [
      v.regularReview && 'review the account regularly',
      v.exitStrategy && 'plan from the outset how long it will last (an exit strategy)',
      v.handoverOnLeaving && 'close or transfer it when its lead leaves',
    ].filter(Boolean);
    if (what.length) duties.push(`Your school's policy: ${what.join('; ')}. ${quoted(reviewCite)}`);
  }
  const monitoringCite = ownCitations(monitoring)[0];
  if (monitoringCite) {
    const v = monitoring.value;
    const what = [
      v.regularMonitoring && 'monitor the account regularly',
      v.respondWithinHours && `answer comments, queries and complaints within ${v.respondWithinHours} hours`,
    ].filter(Boolean);
    if (what.length) duties.push(`Your school's policy: ${what.join('; ')}. ${quoted(monitoringCite)}`);
  }
  const namedCite = ownCitations(admins)[0];
  const ageCite = age.applies && age.value.respectPlatformMinimum ? ownCitations(age)[0] : undefined;
  return {
    chain: approvalChainOf(approval),
    terms: { headTitle: policy.terms.headTitle, ...(policy.terms.seniorTeam ? { seniorTeam: policy.terms.seniorTeam } : {}) },
    approvalNote: quoted(ownCitations(approval)[0]),
    minimumNamed: minimumNamedOf(admins),
    namedCitation: namedCite ? `(${policy.cite(namedCite)})` : '',
    ageNote: quoted(ageCite),
    duties,
  };
}

/** A school with no policy held, and the checks' default: the app's neutral behaviour, nothing cited. */
export const NEUTRAL_ACCOUNT_POLICY: AccountPolicy = {
  chain: [...DEFAULT_CHAIN],
  terms: { headTitle: 'Headteacher' },
  approvalNote: '',
  minimumNamed: { administrators: APP_MINIMUM_NAMED, moderators: APP_MINIMUM_NAMED },
  namedCitation: '',
  ageNote: '',
  duties: [],
};
