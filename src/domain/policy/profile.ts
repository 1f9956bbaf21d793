/**
 * A school's policy profile: its own words (terms) and its own rules, each rule with the clause label and a
 * short verbatim quote from the school's policy, so that everything the bot says and every route it takes can
 * come from the asker's own school's policy (spec "Each school's own policy"). The statutory baseline (KCSIE,
 * UKCIS, Prevent, UK GDPR) has the same rule shape with a statutory citation; `effectiveRule` combines the two.
 *
 * Where a policy is silent a rule has `applies: false` and no citation: a profile never invents a rule.
 * Pure schemas and types (zod, as in src/config.ts); the files live in config/policies/.
 */
import { z } from 'zod';

/**
 * The incident categories a policy can speak about: those of src/domain/cases/incident.ts, with its
 * `indecentImages` split in two, because the policies (and the law) treat them differently: indecent images of
 * children (never copied, DSL at once) and an inappropriate or embarrassing image, for example of an adult.
 */
export const POLICY_CATEGORIES = [
  'cyberbullying',
  'trolling',
  'staffMisuse',
  'disparaging',
  'pupilContact',
  'indecentImagesOfChildren',
  'inappropriateImages',
  'radicalisation',
  'dataBreach',
  'media',
  'other',
] as const;
export type PolicyCategory = (typeof POLICY_CATEGORIES)[number];

/** Who may be told: the designated safeguarding lead, the head, the chair of governors, the senior team, the line manager, the data protection officer. */
export const ROLES = ['dsl', 'head', 'chair', 'slt', 'lineManager', 'dpo'] as const;
export type Role = (typeof ROLES)[number];

/** How fast, strictest first. `unspecified`: the policy names who but not when. */
export const SPEEDS = ['immediately', 'sameDay', 'promptly', 'unspecified'] as const;
export type Speed = (typeof SPEEDS)[number];

/** Bodies outside the school that statutory guidance (or a policy) says are told, and within what time. */
export const EXTERNAL_BODIES = ['lado', 'ico', 'police', 'childrensSocialCare', 'ceop'] as const;
export const DEADLINES = ['immediately', 'oneWorkingDay', '72hours', 'unspecified'] as const;

/** Screenshots of the content: strictest first. `forbidden` wins over everything (indecent images of children). */
export const EVIDENCE = ['forbidden', 'required', 'advised', 'allowed', 'unspecified'] as const;
export type Evidence = (typeof EVIDENCE)[number];

/** What an advice line tells the reporter to do, so the app can order, filter and word them; the text is the app's plain English. */
export const ADVICE_KINDS = [
  'keepEvidence',
  'takeScreenshots',
  'recordDetails',
  'blockOrReport',
  'seekUnionSupport',
  'declineFriendRequest',
  'doNotEngage',
  'forwardToHead',
  'doNotRespondWithoutApproval',
  'followOtherPolicy',
  'followSafeguardingProcedures',
  'doNotView',
  'doNotCopyOrShare',
  'doNotDelete',
  'doNotAskToDelete',
  'doNotBlame',
  'whatHappensNext',
] as const;
export type AdviceKind = (typeof ADVICE_KINDS)[number];

const nonEmpty = z.string().trim().min(1);

/** Where a profile rule comes from in the school's own policy. */
export const policyCitation = z.strictObject({
  /** The clause label exactly as the policy prints it (digits and dots, an appendix letter, a roman sub-item: whatever the policy prints); absent when un-numbered. */
  clause: nonEmpty.optional(),
  /** When a policy prints the same number twice (one seed policy prints three of its clause numbers twice): 1 for the first, 2 for the second. */
  occurrence: z.number().int().min(1).optional(),
  /** The section heading as printed: the locator when un-numbered, context otherwise. */
  heading: nonEmpty.optional(),
  /** A short verbatim quote (one sentence or phrase). */
  quote: nonEmpty,
}).refine((c) => c.clause !== undefined || c.heading !== undefined, { message: 'a citation needs a clause or a heading' })
  .refine((c) => c.occurrence === undefined || c.clause !== undefined, { message: 'occurrence only makes sense with a clause' });
export type PolicyCitation = z.infer<typeof policyCitation>;

/** Where a baseline rule comes from: the statutory guidance, paraphrased (quotes are not available offline). */
export const statutoryCitation = z.strictObject({
  source: nonEmpty,
  section: nonEmpty.optional(),
  text: nonEmpty,
  /** true: `text` is our paraphrase, not a quote. */
  paraphrase: z.boolean(),
});
export type StatutoryCitation = z.infer<typeof statutoryCitation>;

export type AnyCitation = PolicyCitation | StatutoryCitation;

// ---- rule values -------------------------------------------------------------------------------------------

const roles = z.array(z.enum(ROLES)).refine((r) => new Set(r).size === r.length, { message: 'roles must not repeat' });

export const routeValue = z.strictObject({
  /** Who must be told. */
  tell: roles,
  /** true: the policy is satisfied by telling any one of `tell` ("the Principal or a member of the Senior Leadership"). */
  anyOf: z.boolean().optional(),
  /** Who is told instead when the concern is about the head (the head is never told then). */
  aboutHead: roles.refine((r) => !r.includes('head'), { message: 'a concern about the head is never routed to the head' }),
  speed: z.enum(SPEEDS),
  /** Referrals outside the school (the baseline: LADO within one working day, ICO within 72 hours). */
  external: z.array(z.strictObject({ body: z.enum(EXTERNAL_BODIES), within: z.enum(DEADLINES) })).optional(),
});
export type RouteValue = z.infer<typeof routeValue>;

export const adviceLine = z.strictObject({
  kind: z.enum(ADVICE_KINDS),
  /** Plain English the bot can show; the citation carries the policy's own words. */
  text: nonEmpty,
  citation: policyCitation,
});
export const statutoryAdviceLine = z.strictObject({ kind: z.enum(ADVICE_KINDS), text: nonEmpty, citation: statutoryCitation });
export type AdviceLine = z.infer<typeof adviceLine> | z.infer<typeof statutoryAdviceLine>;
export const adviceValue = z.array(adviceLine);
export const statutoryAdviceValue = z.array(statutoryAdviceLine).min(1);

export const evidenceValue = z.enum(EVIDENCE);

export const contactValue = z.strictObject({
  stance: z.enum(['forbidden', 'forbiddenExceptFamily', 'forbiddenIfConflict', 'caution', 'unspecified']),
  /** The policy tells staff to decline friend requests. */
  declineFriendRequests: z.boolean().optional(),
  /** Only through official school sites or channels. */
  officialChannelsOnly: z.boolean().optional(),
});

export const familyValue = z.strictObject({
  /** Contact with a pupil who is a family member is an exception to the no-contact rule. */
  familyException: z.boolean(),
  /** Staff must declare the relationship. */
  mustDeclare: z.boolean(),
  declareTo: roles,
  /** May social-media contact with a family member who is a pupil continue? */
  contactMayContinue: z.enum(['yes', 'onceAcknowledged', 'no', 'unspecified']),
});

export const APPROVERS = ['lineManager', 'seniorManager', 'head', 'slt'] as const;
export const approvalValue = z.strictObject({
  /** In order; empty when the policy is silent. */
  chain: z.array(z.enum(APPROVERS)),
});

export const minimumAdminsValue = z.strictObject({
  administrators: z.number().int().min(0),
  moderators: z.number().int().min(0).optional(),
});

export const minimumAgeValue = z.strictObject({
  /** Accounts must respect the platform's own minimum age. */
  respectPlatformMinimum: z.boolean(),
  /** The age the policy names as usual, if any. */
  usualAge: z.number().int().min(0).optional(),
});

export const accountReviewValue = z.strictObject({
  regularReview: z.boolean(),
  exitStrategy: z.boolean(),
  /** Close or transfer an account when its lead leaves. */
  handoverOnLeaving: z.boolean(),
});

export const accountMonitoringValue = z.strictObject({
  /** Comments and complaints answered within this many hours (next working day at weekends). */
  respondWithinHours: z.number().int().min(1).optional(),
  regularMonitoring: z.boolean(),
});

export const imagesConsentValue = z.strictObject({
  consent: z.enum(['required', 'homeSchoolAgreement', 'perSchoolPolicy', 'unspecified']),
  /** Consent is per platform (a seed policy says permission for one platform is not permission for another). */
  perPlatform: z.boolean(),
  /** Extra consent before images appear anywhere else. */
  additionalForOtherSites: z.boolean().optional(),
});

export const imagesNamesValue = z.strictObject({
  names: z.enum(['withAdditionalConsent', 'never', 'unspecified']),
  /** Pupils must not be identifiable in posts. */
  noIdentifyingInformation: z.boolean(),
});

/** Who confirms that a proposed post may go live: a role, or the account's administrators on the register. */
export const POST_APPROVERS = ['head', 'lineManager', 'seniorManager', 'slt', 'accountAdministrators'] as const;
export type PostApprover = (typeof POST_APPROVERS)[number];
export const postApprovalValue = z.strictObject({
  /** Who may confirm; with `anyOf`, any one of them ("line manager or other nominated senior manager"). */
  approvers: z.array(z.enum(POST_APPROVERS)).min(1).refine((r) => new Set(r).size === r.length, { message: 'approvers must not repeat' }),
  anyOf: z.boolean().optional(),
});

/** A yes/no question the proposer answers before a post is sent, in the school's own terms (plain English; the citation carries the quote). */
export const postCheckValue = z.strictObject({ question: nonEmpty });

/** The school keeps a list of children whose images must not be published (the consent register's "do not publish"). */
export const doNotPublishValue = z.strictObject({ schoolList: z.boolean() });

export const mediaValue = z.strictObject({
  forwardTo: roles,
  anyOf: z.boolean().optional(),
  speed: z.enum(SPEEDS),
  /** Staff must not respond without (written) approval. */
  noResponseWithoutApproval: z.boolean(),
  /** The policy defers to another policy (for example to the school's media policy). */
  otherPolicy: nonEmpty.optional(),
});

export const workTimeValue = z.strictObject({
  workTime: z.enum(['forbidden', 'breaksOnly', 'reasonable', 'unspecified']),
  schoolEquipment: z.enum(['forbidden', 'unspecified']),
});

export const afterLeavingValue = z.strictObject({
  /** Staff who leave must not contact the school's pupils on personal social media. */
  noContactWithPupils: z.boolean(),
  /** …nor pupils of their former schools (until they are no longer pupils, where the policy says so). */
  formerSchools: z.enum(['forbidden', 'untilNoLongerPupils', 'unspecified']),
});

// ---- retention schedule ------------------------------------------------------------------------------------

/**
 * The kinds of record a retention schedule speaks about: the three kinds of case, and the two records kept about
 * a person while they are at the school (their conversation with the bot, their directory entry).
 */
export const RECORD_KINDS = ['incident', 'accountRequest', 'familyDeclaration', 'postProposal', 'conversationRef', 'directoryEntry'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * Which records of a kind a line covers: `any`, one incident category, or (incidents) every safeguarding concern
 * or every allegation about a member of staff, whatever its category.
 */
export const RETENTION_MATCHES = ['any', 'safeguarding', 'allegation', ...POLICY_CATEGORIES, 'indecentImages'] as const;
export type RetentionMatch = (typeof RETENTION_MATCHES)[number];

/** From when a record's period runs: the day it ended (a case closed, a request refused or its account closed, a declaration withdrawn), its creation, or the day the person it is about left the school. */
export const RETENTION_FROM = ['ended', 'created', 'left'] as const;
/** What happens at the end: the record is destroyed, or it is listed for a person to review (it is never destroyed unseen). */
export const RETENTION_THEN = ['destroy', 'review'] as const;

const period = z
  .strictObject({ years: z.number().int().min(0).max(100).optional(), months: z.number().int().min(0).max(1200).optional(), days: z.number().int().min(0).max(36500).optional() })
  .refine((p) => p.years !== undefined || p.months !== undefined || p.days !== undefined, { message: 'a period needs years, months or days' });

function retentionLineOf<C extends z.ZodType>(citation: C) {
  return z
    .strictObject({
      record: z.enum(RECORD_KINDS),
      match: z.enum(RETENTION_MATCHES),
      /** Plain English for the schedule page ("Safeguarding concerns about a child"). */
      label: nonEmpty,
      keepFor: period,
      from: z.enum(RETENTION_FROM),
      then: z.enum(RETENTION_THEN),
      /** Where the period comes from. */
      citation,
      /** How the guidance was read where the app cannot apply it as written (for example: no dates of birth are held). */
      note: nonEmpty.optional(),
    })
    .refine((l) => l.record === 'incident' || l.match === 'any', { message: 'only incident lines match a category' });
}
export const baselineRetentionLine = retentionLineOf(statutoryCitation);
/** A school's own line: from its policy, or from guidance it chose (a statutory citation). */
export const profileRetentionLine = retentionLineOf(z.union([policyCitation, statutoryCitation]));
export type RetentionLine = z.infer<typeof baselineRetentionLine> | z.infer<typeof profileRetentionLine>;

const lineKeysUnique = (lines: Array<{ record: string; match: string }>) => new Set(lines.map((l) => `${l.record}|${l.match}`)).size === lines.length;
export const baselineRetention = z.strictObject({ lines: z.array(baselineRetentionLine).min(1) }).refine((r) => lineKeysUnique(r.lines), { message: 'a record and match appear once' });
/** A school's lines replace the baseline's line for the same record and match; the others stand. */
export const profileRetention = z.strictObject({ lines: z.array(profileRetentionLine) }).refine((r) => lineKeysUnique(r.lines), { message: 'a record and match appear once' });

// ---- rules -------------------------------------------------------------------------------------------------

type RuleOptions = { citedBy: 'rule' | 'lines' };

function ruleOf<V extends z.ZodType>(value: V, options: RuleOptions = { citedBy: 'rule' }) {
  return z
    .strictObject({
      applies: z.boolean(),
      value,
      citation: policyCitation.optional(),
      /** Further clauses saying the same or adding to it. */
      seeAlso: z.array(policyCitation).optional(),
      /** How we read the policy where it needed reading (never a rule of its own). */
      note: nonEmpty.optional(),
    })
    .superRefine((r, ctx) => {
      const lines = options.citedBy === 'lines' ? ((r as { value: unknown }).value as unknown[]) : undefined;
      if (!r.applies) {
        if (r.citation || r.seeAlso?.length) ctx.addIssue({ code: 'custom', message: 'a rule that does not apply has no citation (the policy is silent)' });
        if (lines && lines.length > 0) ctx.addIssue({ code: 'custom', message: 'a rule that does not apply has no advice lines' });
        return;
      }
      if (lines) {
        if (lines.length === 0) ctx.addIssue({ code: 'custom', message: 'an applying advice rule needs at least one line' });
      } else if (!r.citation) {
        ctx.addIssue({ code: 'custom', message: 'a rule that applies needs a citation' });
      }
    });
}

function statutoryRuleOf<V extends z.ZodType>(value: V) {
  return z.strictObject({
    applies: z.literal(true),
    value,
    citation: statutoryCitation,
    seeAlso: z.array(statutoryCitation).optional(),
    /** When the statutory rule bites (for example: an allegation that meets the harm threshold). */
    when: nonEmpty.optional(),
    note: nonEmpty.optional(),
  });
}

type CategoryRules<P extends string, S> = { [C in PolicyCategory as `${P}.${C}`]: S };
function perCategory<P extends string, S>(prefix: P, make: () => S): CategoryRules<P, S> {
  return Object.fromEntries(POLICY_CATEGORIES.map((c) => [`${prefix}.${c}`, make()])) as CategoryRules<P, S>;
}

/** Every rule a profile carries, with its value's schema. */
export const ruleSchemas = {
  ...perCategory('route', () => ruleOf(routeValue)),
  ...perCategory('advice', () => ruleOf(adviceValue, { citedBy: 'lines' })),
  ...perCategory('evidence', () => ruleOf(evidenceValue)),
  'contact.pupils': ruleOf(contactValue),
  'contact.formerPupils': ruleOf(contactValue),
  'contact.parents': ruleOf(contactValue),
  'contact.afterLeaving': ruleOf(afterLeavingValue),
  'family.declaration': ruleOf(familyValue),
  'accounts.approval': ruleOf(approvalValue),
  'accounts.minimumAdmins': ruleOf(minimumAdminsValue),
  'accounts.minimumAge': ruleOf(minimumAgeValue),
  'accounts.review': ruleOf(accountReviewValue),
  'accounts.monitoring': ruleOf(accountMonitoringValue),
  'images.consent': ruleOf(imagesConsentValue),
  'images.names': ruleOf(imagesNamesValue),
  /** Who confirms a post on one of the school's own accounts before it goes live. */
  'posts.approval': ruleOf(postApprovalValue),
  /** Photos taken on school devices (or devices approved in advance) and deleted from any other device. */
  'posts.devices': ruleOf(postCheckValue),
  /** What a post must be (positive and relevant; worthwhile and accurate; in the pupils' best interests…). */
  'posts.content': ruleOf(postCheckValue),
  /** Respect for anyone who asked not to be photographed; appropriate dress; no ridicule. */
  'posts.respect': ruleOf(postCheckValue),
  /** The school's list of children whose images must not be published. */
  'posts.doNotPublish': ruleOf(doNotPublishValue),
  'media.enquiries': ruleOf(mediaValue),
  'personalUse.workTime': ruleOf(workTimeValue),
};

export type RuleId = keyof typeof ruleSchemas;
export const RULE_IDS = Object.keys(ruleSchemas) as RuleId[];
export type RuleOf<Id extends RuleId> = z.infer<(typeof ruleSchemas)[Id]>;
export type Rule = RuleOf<RuleId>;

const termsSchema = z.strictObject({
  /** "Headteacher", "Principal"; absent when the policy never names the role (one seed policy never does). */
  headTitle: nonEmpty.optional(),
  governingBody: nonEmpty.optional(),
  chairTitle: nonEmpty.optional(),
  /** The name this policy uses for the designated safeguarding lead; absent when it never names one. */
  dslName: nonEmpty.optional(),
  seniorTeam: nonEmpty.optional(),
  lineManager: nonEmpty.optional(),
  /** What the policy calls the people it covers ("Staff", "adults", "staff members"). */
  staff: nonEmpty.optional(),
  /** The employer or trust named beside the school, if any. */
  employer: nonEmpty.optional(),
});
export type PolicyTerms = z.infer<typeof termsSchema>;
export const TERM_KEYS = Object.keys(termsSchema.shape) as Array<keyof PolicyTerms>;

const clockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day, hh:mm (24:00: the end of the day)');

/**
 * When the app may message staff about the policy (rollouts, reminders): the school's time zone, its days and
 * hours. Not policy wording: the school's own working pattern, kept with its profile.
 */
export const schoolHoursSchema = z
  .strictObject({
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone, e.g. Europe/London'),
    /** Days of the week, 1 Monday … 7 Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1),
    start: clockTime,
    end: clockTime,
  })
  .refine((h) => h.start < h.end, { message: 'the day must start before it ends' });
export type SchoolHours = z.infer<typeof schoolHoursSchema>;

/**
 * Making sure every member of staff has read the policy: which rules the rollout card shows (3 to 5, each shown
 * with its own clause and quote), where the full text is, when to remind, and, where the school's policy says
 * so, what an adult new to the school confirms (each item with the clause that asks it).
 */
export const rolloutSchema = z.strictObject({
  keyRules: z.array(z.enum(Object.keys(ruleSchemas) as [RuleId, ...RuleId[]])).min(3).max(5),
  /** The full text of the policy, where staff can read it (the school's website or intranet). */
  fullTextUrl: z.url().optional(),
  /** School days after the card before a reminder (and between reminders, and before the note to the line manager or head). */
  remindAfterSchoolDays: z.number().int().min(1).max(30),
  hours: schoolHoursSchema,
  /** What changed in this version of the policy, for staff (shown on the rollout card); absent for a first version. */
  whatChanged: z.array(nonEmpty).min(1).max(8).optional(),
  newStarter: z.array(z.strictObject({ text: nonEmpty, citation: policyCitation })).min(1).max(6).optional(),
});
export type RolloutSettings = z.infer<typeof rolloutSchema>;

export const profileSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and hyphens'),
  version: z.number().int().min(1),
  versionNotes: z.array(nonEmpty).min(1),
  policy: z.strictObject({
    title: nonEmpty,
    schoolName: nonEmpty,
    /** As printed; null when the policy is undated (one seed policy is undated). */
    date: nonEmpty.nullable(),
    review: nonEmpty.optional(),
    sourceFile: z.string().regex(/^\d{3}_[0-9a-f]+\.txt$/, 'the seed file name, e.g. 001_49d2d547513e3045.txt'),
    numbered: z.boolean(),
  }),
  terms: termsSchema,
  rules: z.strictObject(ruleSchemas),
  /** The school's own retention periods, over the baseline's (absent: the baseline's schedule). */
  retention: profileRetention.optional(),
  /** Rollout and acknowledgement (absent in versions stored before it existed: then no rollout is offered). */
  rollout: rolloutSchema.optional(),
});
export type PolicyProfile = z.infer<typeof profileSchema>;

const baselineRules = {
  ...perCategory('route', () => statutoryRuleOf(routeValue).optional()),
  ...perCategory('advice', () => statutoryRuleOf(statutoryAdviceValue).optional()),
  ...perCategory('evidence', () => statutoryRuleOf(evidenceValue).optional()),
};
/** Rule ids the baseline may set: the ones `effectiveRule` knows how to combine. */
export type BaselineRuleId = keyof typeof baselineRules;
export const BASELINE_RULE_IDS = Object.keys(baselineRules) as BaselineRuleId[];
export const isBaselineRuleId = (id: string): id is BaselineRuleId => (BASELINE_RULE_IDS as string[]).includes(id);

export const baselineSchema = z.strictObject({
  id: z.literal('statutory-baseline'),
  version: z.number().int().min(1),
  versionNotes: z.array(nonEmpty).min(1),
  sources: z.array(z.strictObject({ id: nonEmpty, title: nonEmpty, publisher: nonEmpty })).min(1),
  rules: z.strictObject(baselineRules),
  /** The default retention schedule, each line with its source. */
  retention: baselineRetention,
});
export type StatutoryBaseline = z.infer<typeof baselineSchema>;
export type BaselineRule = NonNullable<StatutoryBaseline['rules'][BaselineRuleId]>;

/** Every citation of a profile, with where it sits, for the checks against the seed text. */
export function citationsOf(profile: PolicyProfile): Array<{ at: string; citation: PolicyCitation }> {
  const out: Array<{ at: string; citation: PolicyCitation }> = [];
  for (const id of RULE_IDS) {
    const rule = profile.rules[id] as Rule;
    if (rule.citation) out.push({ at: `${id}.citation`, citation: rule.citation });
    rule.seeAlso?.forEach((c, i) => out.push({ at: `${id}.seeAlso[${i}]`, citation: c }));
    if (id.startsWith('advice.')) {
      (rule.value as Array<z.infer<typeof adviceLine>>).forEach((l, i) => out.push({ at: `${id}.value[${i}].citation`, citation: l.citation }));
    }
  }
  profile.retention?.lines.forEach((l, i) => {
    if ('quote' in l.citation) out.push({ at: `retention.lines[${i}].citation`, citation: l.citation });
  });
  profile.rollout?.newStarter?.forEach((item, i) => out.push({ at: `rollout.newStarter[${i}].citation`, citation: item.citation }));
  return out;
}
