/**
 * A school's policy rules in words, for the tab's Policy page: each rule's name, its value as sentences in the
 * school's own terms (its "Headteacher" or "Principal", its chair, its senior team), and what the statutory
 * baseline added, with the codes made words. The app's own neutral wording; nothing here is any school's.
 */
import type { EffectiveRule } from '../domain/policy/effective.js';
import type { SchoolPolicy } from '../domain/policy/school-policy.js';
import { POLICY_CATEGORIES, type PolicyCategory, type RuleId, type StatutoryBaseline, type StatutoryCitation } from '../domain/policy/profile.js';

export const POLICY_CATEGORY_LABELS: Record<PolicyCategory, string> = {
  cyberbullying: 'cyberbullying',
  trolling: 'trolling',
  staffMisuse: 'misuse of social media by a member of staff',
  disparaging: 'content that disparages the school, staff, pupils or parents',
  pupilContact: 'contact or a friend request from a pupil or former pupil',
  indecentImagesOfChildren: 'indecent images of children',
  inappropriateImages: 'an inappropriate or embarrassing image',
  radicalisation: 'radicalisation or extremism',
  dataBreach: 'a confidentiality or data breach',
  media: 'a media or journalist enquiry',
  other: 'anything else',
};

const OTHER_RULE_LABELS: Record<string, string> = {
  'contact.pupils': 'Contact with pupils on social media',
  'contact.formerPupils': 'Contact with former pupils',
  'contact.parents': 'Contact with parents and carers',
  'contact.afterLeaving': 'Contact after a member of staff leaves',
  'family.declaration': 'Family relationships with pupils',
  'accounts.approval': 'Who approves a school account',
  'accounts.minimumAdmins': 'Administrators and moderators of a school account',
  'accounts.minimumAge': "Platforms' minimum age",
  'accounts.review': 'Review and closure of school accounts',
  'accounts.monitoring': 'Monitoring school accounts',
  'images.consent': 'Consent for images of pupils',
  'images.names': "Pupils' names beside images",
  'posts.approval': 'Who confirms a post before it goes live',
  'posts.devices': 'Devices photos are taken on',
  'posts.content': 'What a post on a school account must be',
  'posts.respect': 'Respect for the people photographed',
  'posts.doNotPublish': 'Children whose images must not be published',
  'media.enquiries': 'Enquiries from the media',
  'personalUse.workTime': 'Personal use in work time',
};

/** The section a rule is shown under. */
export function ruleGroup(id: RuleId): string {
  const kind = id.split('.')[0];
  return kind === 'route' ? 'Who is told' : kind === 'advice' ? 'Advice after a report' : kind === 'evidence' ? 'Screenshots' : kind === 'contact' || kind === 'family' ? 'Contact with pupils and families' : kind === 'accounts' ? 'School accounts' : kind === 'images' || kind === 'posts' ? 'Images of pupils' : 'Media and personal use';
}

export function ruleLabel(id: RuleId): string {
  const [kind, rest] = id.split('.') as [string, string];
  if ((POLICY_CATEGORIES as readonly string[]).includes(rest) && (kind === 'route' || kind === 'advice' || kind === 'evidence')) {
    const c = POLICY_CATEGORY_LABELS[rest as PolicyCategory];
    return kind === 'route' ? `Who is told about ${c}` : kind === 'advice' ? `Advice after a report of ${c}` : `Screenshots of ${c}`;
  }
  return OTHER_RULE_LABELS[id] ?? id;
}

type Terms = SchoolPolicy['terms'];

export function roleWords(terms: Terms): Record<string, string> {
  return {
    dsl: `the ${terms.dslName ?? 'designated safeguarding lead'}`,
    head: `the ${terms.headTitle}`,
    chair: `the ${terms.chairTitle ?? 'chair of governors'}`,
    slt: `the ${terms.seniorTeam ?? 'senior leadership team'}`,
    lineManager: `the ${terms.lineManager ?? 'line manager'}`,
    dpo: 'the data protection officer',
    seniorManager: 'a senior manager',
  };
}

const SPEED: Record<string, string> = { immediately: 'immediately', sameDay: 'the same day', promptly: 'promptly', unspecified: 'no time given' };
const BODIES: Record<string, string> = {
  lado: 'the local authority designated officer (LADO)',
  ico: "the Information Commissioner's Office",
  police: 'the police',
  childrensSocialCare: "children's social care",
  ceop: 'CEOP',
};
const DEADLINE: Record<string, string> = { immediately: 'immediately', oneWorkingDay: 'within one working day', '72hours': 'within 72 hours', unspecified: 'with no time given' };
const EVIDENCE: Record<string, string> = {
  forbidden: 'Screenshots must not be taken, copied or kept.',
  required: 'Screenshots are to be kept.',
  advised: 'Screenshots are advised.',
  allowed: 'Screenshots may be kept.',
  unspecified: 'Nothing is said about screenshots.',
};
export const ADVICE_KIND_LABELS: Record<string, string> = {
  keepEvidence: 'keep the evidence',
  takeScreenshots: 'take screenshots',
  recordDetails: 'record the details',
  blockOrReport: 'block or report on the platform',
  seekUnionSupport: 'seek support from a union or professional association',
  declineFriendRequest: 'decline the friend request',
  doNotEngage: 'do not respond or engage',
  forwardToHead: 'pass it on to the head',
  doNotRespondWithoutApproval: 'do not respond without approval',
  followOtherPolicy: 'follow the other policy named',
  followSafeguardingProcedures: 'follow the safeguarding procedures',
  doNotView: 'do not view it again',
  doNotCopyOrShare: 'do not copy or share it',
  doNotDelete: 'do not delete it',
  doNotAskToDelete: 'do not ask anyone to delete it',
  doNotBlame: 'do not blame',
  whatHappensNext: 'what happens next',
};
const STANCE: Record<string, string> = {
  forbidden: 'Not allowed.',
  forbiddenExceptFamily: 'Not allowed, except with family members.',
  forbiddenIfConflict: 'Not allowed where it could conflict with the member of staff’s role.',
  caution: 'Allowed with caution.',
  unspecified: 'Nothing is said.',
};
const FORMER_SCHOOLS: Record<string, string> = {
  forbidden: 'nor with pupils of their former schools.',
  untilNoLongerPupils: 'nor with pupils of their former schools while they are still pupils.',
  unspecified: '',
};
const CONTINUE: Record<string, string> = { yes: 'Contact may continue.', onceAcknowledged: 'Contact may continue once the declaration is acknowledged.', no: 'Contact may not continue.', unspecified: '' };
const CONSENT: Record<string, string> = {
  required: 'Consent is needed before an image of a pupil is posted.',
  homeSchoolAgreement: 'Consent is given through the home-school agreement.',
  perSchoolPolicy: 'Consent follows the school’s own consent policy.',
  unspecified: 'Nothing is said about consent.',
};
const NAMES: Record<string, string> = { withAdditionalConsent: 'Names only with further consent.', never: 'Never beside an image.', unspecified: '' };
const WORK_TIME: Record<string, string> = { forbidden: 'Not in work time.', breaksOnly: 'Only in breaks.', reasonable: 'Reasonable use is allowed.', unspecified: '' };

const list = (xs: string[], joiner = 'and') => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} ${joiner} ${xs[xs.length - 1]}`);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A rule's value as short sentences. A rule that does not apply says so, and nothing more. */
export function valueInWords(rule: EffectiveRule, terms: Terms): string[] {
  if (!rule.applies) return ['The policy says nothing about this.'];
  const roles = roleWords(terms);
  const who = (rs: readonly string[], anyOf = false) => list(rs.map((r) => roles[r] ?? r), anyOf ? 'or' : 'and');
  const v = rule.value as unknown as Record<string, unknown>;
  const kind = rule.ruleId.split('.')[0];
  if (kind === 'route') {
    const out = [`${cap(who(v.tell as string[], v.anyOf === true) || 'nobody named')}, ${SPEED[v.speed as string]}.`];
    if ((v.aboutHead as string[]).length) out.push(`About the ${terms.headTitle}: ${who(v.aboutHead as string[])}.`);
    for (const e of (v.external as Array<{ body: string; within: string }> | undefined) ?? []) out.push(`Outside the school: ${BODIES[e.body] ?? e.body}, ${DEADLINE[e.within] ?? e.within}.`);
    return out;
  }
  if (kind === 'advice') return (rule.value as Array<{ text: string }>).map((l) => l.text);
  if (kind === 'evidence') return [EVIDENCE[rule.value as unknown as string] ?? ''];
  switch (rule.ruleId) {
    case 'contact.pupils':
    case 'contact.formerPupils':
    case 'contact.parents':
      return [STANCE[v.stance as string], v.declineFriendRequests ? 'Friend requests are declined.' : '', v.officialChannelsOnly ? 'Only through the school’s official channels.' : ''].filter(Boolean);
    case 'contact.afterLeaving':
      return [v.noContactWithPupils ? `Staff who leave have no contact with the school’s pupils${FORMER_SCHOOLS[v.formerSchools as string] ? `, ${FORMER_SCHOOLS[v.formerSchools as string]}` : '.'}` : FORMER_SCHOOLS[v.formerSchools as string] ? `No contact with pupils of former schools${v.formerSchools === 'untilNoLongerPupils' ? ' while they are still pupils' : ''}.` : ''].filter(Boolean);
    case 'family.declaration':
      return [
        v.familyException ? 'Contact with a pupil who is a family member is an exception.' : 'No exception for family members.',
        v.mustDeclare ? `The relationship is declared${(v.declareTo as string[]).length ? ` to ${who(v.declareTo as string[])}` : ''}.` : '',
        CONTINUE[v.contactMayContinue as string],
      ].filter(Boolean);
    case 'accounts.approval':
      return [(v.chain as string[]).length ? `Approved by ${(v.chain as string[]).map((r) => roles[r] ?? r).join(', then ')}.` : 'Nobody is named.'];
    case 'accounts.minimumAdmins':
      return [`At least ${v.administrators} administrator${v.administrators === 1 ? '' : 's'}${v.moderators !== undefined ? ` and ${v.moderators} moderator${v.moderators === 1 ? '' : 's'}` : ''}.`];
    case 'accounts.minimumAge':
      return [v.respectPlatformMinimum ? `The platform’s minimum age is respected${v.usualAge ? ` (usually ${v.usualAge})` : ''}.` : 'Nothing is said.'];
    case 'accounts.review':
      return [v.regularReview ? 'Reviewed regularly.' : '', v.exitStrategy ? 'Each account has an exit strategy.' : '', v.handoverOnLeaving ? 'Closed or handed over when its lead leaves.' : ''].filter(Boolean);
    case 'accounts.monitoring':
      return [v.regularMonitoring ? 'Monitored regularly.' : '', v.respondWithinHours ? `Comments and complaints answered within ${v.respondWithinHours} hours.` : ''].filter(Boolean);
    case 'images.consent':
      return [CONSENT[v.consent as string], v.perPlatform ? 'Consent for one platform is not consent for another.' : '', v.additionalForOtherSites ? 'Further consent before images appear anywhere else.' : ''].filter(Boolean);
    case 'images.names':
      return [NAMES[v.names as string], v.noIdentifyingInformation ? 'Nothing that identifies a pupil.' : ''].filter(Boolean);
    case 'posts.approval': {
      const approvers: Record<string, string> = { accountAdministrators: 'the account’s administrators', lineManager: 'the proposer’s line manager', seniorManager: 'a senior manager' };
      return [`Confirmed by ${who((v.approvers as string[]).map((r) => approvers[r] ?? r), v.anyOf === true)}.`];
    }
    case 'posts.devices':
    case 'posts.content':
    case 'posts.respect':
      return [`The proposer is asked: ${String(v.question)}`];
    case 'posts.doNotPublish':
      return [v.schoolList ? 'The school keeps a list of children whose images must not be published (the photo-consent register’s “do not publish”).' : ''].filter(Boolean);
    case 'media.enquiries':
      return [
        (v.forwardTo as string[]).length ? `Passed to ${who(v.forwardTo as string[], v.anyOf === true)}, ${SPEED[v.speed as string]}.` : '',
        v.noResponseWithoutApproval ? 'Nobody responds without approval.' : '',
        v.otherPolicy ? `The school’s ${String(v.otherPolicy)} applies.` : '',
      ].filter(Boolean);
    case 'personalUse.workTime':
      return [WORK_TIME[v.workTime as string], v.schoolEquipment === 'forbidden' ? 'Not on school equipment.' : ''].filter(Boolean);
  }
  return [];
}

/** What the baseline added (`EffectiveRule.strengthened`), with its codes made words in the school's terms. */
export function strengthenedInWords(lines: string[], terms: Terms): string[] {
  const roles = roleWords(terms);
  const words: Record<string, string> = { ...SPEED, ...BODIES, ...ADVICE_KIND_LABELS, ...roles, ...Object.fromEntries(Object.entries(EVIDENCE).map(([k]) => [k, k === 'unspecified' ? 'not said' : k])) };
  delete words.immediately;
  const word = (code: string) => words[code] ?? DEADLINE[code]?.replace(/^within /, '') ?? code;
  return lines.map((line) => {
    const i = line.indexOf(': ');
    if (i === -1) return cap(line);
    const head = line.slice(0, i).replace(/\bthe head\b/, `the ${terms.headTitle}`);
    const rest = line.slice(i + 2).replace(/\b[a-zA-Z0-9]+\b/g, (t) => (t in words || t in DEADLINE ? word(t) : t));
    return cap(`${head}: ${rest}`);
  });
}

/** A statutory citation as the tab shows it: its source (and section), with who publishes it. */
export function baselineCitationLabel(c: StatutoryCitation, baseline: StatutoryBaseline): string {
  const publisher = baseline.sources.find((s) => s.title === c.source)?.publisher;
  const kind = publisher?.match(/\(([^)]+)\)/)?.[1] ?? publisher;
  return `${c.source}${c.section ? `, ${c.section}` : ''}${kind ? ` (${kind})` : ''}`;
}
