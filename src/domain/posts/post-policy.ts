/**
 * What a school's own policy asks of a post on one of its official accounts (`posts.*`, `images.names`,
 * `images.consent`), read into the yes/no questions the flow asks and who confirms go-live. No school's clause
 * or wording lives here: questions and quotes come from the school's profile, citations through `cite`. Where
 * the policy is silent nothing is asked and nothing is cited; who confirms is then the account's
 * administrators (the app's own default, said as such).
 */
import type { EffectiveRule, SourcedCitation } from '../policy/effective.js';
import type { PolicyCitation, PolicyTerms, PostApprover } from '../policy/profile.js';

/** The checks a proposer answers, by the rule they come from. */
export const POST_CHECK_RULES = ['posts.devices', 'images.names', 'posts.content', 'posts.respect'] as const;
export type PostCheckId = (typeof POST_CHECK_RULES)[number];

/** The app's own wording of the one check whose rule carries no question (images.names is shared with other flows). */
const NO_IDENTIFYING_QUESTION = 'Is there nothing in the photos or the text that identifies a child, such as a name that can be read?';

export interface PostCheck {
  id: PostCheckId;
  question: string;
  /** The school's citation of the rule and its quote, as `cite` shows it. */
  citation: string;
}

export interface PostPolicyView {
  rule(id: 'posts.approval'): EffectiveRule<'posts.approval'>;
  rule(id: 'posts.devices'): EffectiveRule<'posts.devices'>;
  rule(id: 'posts.content'): EffectiveRule<'posts.content'>;
  rule(id: 'posts.respect'): EffectiveRule<'posts.respect'>;
  rule(id: 'posts.doNotPublish'): EffectiveRule<'posts.doNotPublish'>;
  rule(id: 'images.names'): EffectiveRule<'images.names'>;
  rule(id: 'images.consent'): EffectiveRule<'images.consent'>;
  readonly terms: PolicyTerms & { headTitle: string };
  cite(c: PolicyCitation): string;
}

export interface PostPolicy {
  checks: PostCheck[];
  approvers: PostApprover[];
  /** True when the approvers come from the school's policy (false: the app's default). */
  approversFromPolicy: boolean;
  /** Why these people confirm: the policy's clause, or the app's default said plainly. */
  approvalNote: string;
  /** The consent and do-not-publish clauses, for the summary and the approval card ('' when silent). */
  consentNote: string;
  doNotPublishNote: string;
  terms: PolicyTerms & { headTitle: string };
}

/** Where a policy names nobody: the people who run the account confirm its posts. */
export const DEFAULT_POST_APPROVERS: readonly PostApprover[] = ['accountAdministrators'];

const ownCitation = (r: { applies: boolean; citations: SourcedCitation[] }): PolicyCitation | undefined =>
  r.applies ? r.citations.flatMap((c) => (c.from === 'policy' ? [c.citation] : []))[0] : undefined;

export function postPolicyOf(policy: PostPolicyView): PostPolicy {
  const quoted = (c: PolicyCitation | undefined) => (c ? `${policy.cite(c)}: “${c.quote}”` : '');
  const checks: PostCheck[] = [];
  for (const id of POST_CHECK_RULES) {
    const rule = policy.rule(id as 'posts.devices');
    const c = ownCitation(rule);
    if (!c) continue;
    if (id === 'images.names') {
      if (!(policy.rule('images.names').value.noIdentifyingInformation)) continue;
      checks.push({ id, question: NO_IDENTIFYING_QUESTION, citation: quoted(c) });
    } else {
      checks.push({ id, question: (rule.value as { question: string }).question, citation: quoted(c) });
    }
  }
  const approval = policy.rule('posts.approval');
  const approvalCitation = ownCitation(approval);
  const approvers = approvalCitation ? [...approval.value.approvers] : [...DEFAULT_POST_APPROVERS];
  return {
    checks,
    approvers,
    approversFromPolicy: !!approvalCitation,
    approvalNote: approvalCitation
      ? quoted(approvalCitation)
      : "Your school's policy does not say who confirms a post before it goes live, so the account's administrators are asked.",
    consentNote: quoted(ownCitation(policy.rule('images.consent'))),
    doNotPublishNote: quoted(ownCitation(policy.rule('posts.doNotPublish'))),
    terms: policy.terms,
  };
}
