/**
 * What a school's own policy says about family relationships with pupils (`family.declaration`, and
 * `contact.pupils` where there is no family exception), read into what the declaration flow does and says.
 * Nothing here holds a school's clause or wording: the clauses and quotes come from the school's profile,
 * shown through `cite`; where the policy is silent the wording is the app's own, with no "policy says".
 */
import type { EffectiveRule, SourcedCitation } from '../policy/effective.js';
import type { PolicyCitation, PolicyTerms } from '../policy/profile.js';

/**
 * - `mustDeclare`: the policy asks staff to declare the relationship (it is then acknowledged);
 * - `voluntary`: the policy makes family an exception to the no-contact rule but asks for no declaration:
 *   staff may still record it, so the head knows;
 * - `noFamilyException`: the policy forbids contact with pupils and makes no exception for family;
 * - `silent`: the policy says nothing (or no policy is held): the app's neutral record-keeping.
 */
export type FamilyStance = 'mustDeclare' | 'voluntary' | 'noFamilyException' | 'silent';
export type ContactMayContinue = 'yes' | 'onceAcknowledged' | 'no' | 'unspecified';

export interface DeclarationRule {
  stance: FamilyStance;
  /** May social-media contact with a pupil who is family continue while the declaration is waiting, or at all? */
  contact: ContactMayContinue;
  /**
   * Who acknowledges: the head (the chair of governors for the head's own). The policies held name the head
   * or nobody; a policy naming someone else would need the case's routing and access to follow, so the head
   * stays the default until one does.
   */
  acknowledger: 'head';
}

/** The declaration flow's rule, as a pure function of the school's effective `family.declaration` rule. */
export function declarationRuleOf(family: Pick<EffectiveRule<'family.declaration'>, 'applies' | 'value'>): DeclarationRule {
  const v = family.value;
  if (!family.applies) return { stance: 'silent', contact: 'unspecified', acknowledger: 'head' };
  if (!v.familyException) return { stance: 'noFamilyException', contact: v.contactMayContinue === 'unspecified' ? 'unspecified' : 'no', acknowledger: 'head' };
  return { stance: v.mustDeclare ? 'mustDeclare' : 'voluntary', contact: v.contactMayContinue, acknowledger: 'head' };
}

/** What the flow needs of the school's policy: its rules, its words and how it cites itself. */
export interface PolicyView {
  rule(id: 'family.declaration'): EffectiveRule<'family.declaration'>;
  rule(id: 'contact.pupils'): EffectiveRule<'contact.pupils'>;
  readonly terms: PolicyTerms & { headTitle: string };
  cite(c: PolicyCitation): string;
}

/** Every sentence the declaration flow shows that depends on the school's policy. */
export interface DeclarationWording {
  rule: DeclarationRule;
  /** Under the form's title. */
  intro: string;
  /** The declaration the staff member ticks. */
  declaration: string;
  /** On the "sent" card: may contact continue meanwhile? '' where the policy says nothing. */
  contactLine: string;
  /** Who acknowledges it: "the Headteacher", or the chair for the head's own. */
  acknowledger: string;
  /** On the acknowledgement card, for the head or chair. */
  acknowledgerNote: string;
  /** To the declarer once acknowledged, and when a conversation is asked for first. */
  acknowledgedText: string;
  discussionText: string;
  /** Before withdrawing. */
  withdrawText: string;
}

const policyCitations = (r: { citations: SourcedCitation[] }): PolicyCitation[] =>
  r.citations.flatMap((c) => (c.from === 'policy' ? [c.citation] : []));

/**
 * The wording for a school, from its own rules, words and citations. `aboutHead`: the declarer is the head,
 * so the chair acknowledges.
 */
export function declarationWording(policy: PolicyView, opts: { aboutHead?: boolean } = {}): DeclarationWording {
  const family = policy.rule('family.declaration');
  const rule = declarationRuleOf(family);
  const head = `the ${policy.terms.headTitle}`;
  const chair = `the ${policy.terms.chairTitle ?? 'chair of governors'}`;
  const acknowledger = opts.aboutHead ? chair : head;
  const quoted = (c: PolicyCitation | undefined) => (c ? `${policy.cite(c)}: “${c.quote}”` : '');
  const cited = (c: PolicyCitation | undefined) => (c ? ` (${policy.cite(c)})` : '');
  const own = policyCitations(family)[0];
  // Where family is no exception, what the staff member needs is the policy's rule on contact with pupils.
  const contactRule = policy.rule('contact.pupils');
  const contactCitation = (contactRule.applies ? policyCitations(contactRule)[0] : undefined) ?? own;

  const confirm = 'I confirm that this information is true and complete.';
  const w: DeclarationWording = {
    rule,
    intro: '',
    declaration: confirm,
    contactLine: '',
    acknowledger,
    acknowledgerNote: opts.aboutHead ? `This is ${head}'s own declaration, so it comes to ${chair} to acknowledge.` : '',
    acknowledgedText: "It is on the school's register of family relationships.",
    discussionText: '',
    withdrawText: "Once withdrawn, it is no longer on the register of family relationships; it stays on record as withdrawn.",
  };
  const note = (s: string) => (w.acknowledgerNote ? `${w.acknowledgerNote} ${s}` : s).trim();

  switch (rule.stance) {
    case 'mustDeclare':
      w.intro = `Your school's policy asks you to tell ${head} about a family relationship with a pupil, so that it can be acknowledged and recorded. ${quoted(own)}`;
      w.acknowledgerNote = note(quoted(own));
      break;
    case 'voluntary':
      w.intro =
        `Your school's policy does not ask you to declare a family relationship with a pupil` +
        (rule.contact === 'yes' ? ', and it does not stop contact with pupils who are family' : '') +
        `. ${quoted(own)} You can still record it here, so that ${head} knows.`;
      w.acknowledgerNote = note(`The policy does not require this declaration: it was recorded voluntarily. ${quoted(own)}`);
      break;
    case 'noFamilyException':
      w.intro = `Your school's policy does not allow contact with pupils on personal social media, and makes no exception for family. ${quoted(contactCitation)} You can still record the relationship here, so that ${head} knows.`;
      w.acknowledgerNote = note(`The policy makes no exception for family. ${quoted(contactCitation)}`);
      break;
    case 'silent':
      w.intro = `You can record a family relationship with a pupil here, so that ${head} knows about it and it is on the school's register.`;
      break;
  }

  switch (rule.contact) {
    case 'onceAcknowledged':
      w.declaration = `${confirm} I understand that social-media contact with this pupil is allowed only once ${head} has acknowledged this relationship.`;
      w.contactLine = `Until it is acknowledged, please do not start or continue contact with this pupil on social media${cited(own)}.`;
      w.discussionText = 'Until then, please do not have contact with the pupil on social media.';
      w.withdrawText = `Once withdrawn, the relationship is no longer acknowledged: social-media contact with this pupil would need a new declaration, acknowledged by ${head}.`;
      break;
    case 'yes':
      w.contactLine = `Your school's policy does not ask you to stop contact with a pupil who is family${cited(own)}.`;
      break;
    case 'no':
      w.declaration = `${confirm} I understand that my school's policy does not allow contact with pupils on personal social media, family included.`;
      w.contactLine = `Your school's policy does not allow contact with pupils on personal social media, family included${cited(contactCitation)}.`;
      break;
    case 'unspecified':
      break;
  }
  return w;
}
