import type { Request, Response } from 'restify';
import { canSeePolicy, canSwitchPolicy, PolicySwitchRefusedError } from '../domain/policy/policy-service.js';
import { RULE_IDS, TERM_KEYS, type PolicyTerms } from '../domain/policy/profile.js';
import type { SchoolPolicy } from '../domain/policy/school-policy.js';
import type { AppServices } from '../services.js';
import { ForbiddenError, type TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import { baselineCitationLabel, ruleGroup, ruleLabel, strengthenedInWords, valueInWords } from './policy-wording.js';
import type * as Dto from './dto.js';
import { RolloutRefusedError } from '../domain/rollout/rollout-service.js';

const TERM_LABELS: Record<keyof PolicyTerms, string> = {
  headTitle: 'The head',
  governingBody: 'The governing body',
  chairTitle: 'The chair',
  dslName: 'The safeguarding lead',
  seniorTeam: 'The senior team',
  lineManager: 'A line manager',
  staff: 'The people it covers',
  employer: 'The employer',
};

/**
 * Settings → Policy: the school's current policy profile as the app applies it (every rule in words, whether
 * it applies, its clause and quote, what the statutory baseline adds), the versions held and the trail of
 * changes. Administrators switch the current version; the head, the chair and the DSLs read.
 */
export function policyHandlers(services: AppServices) {
  const { policies, directory, log } = services;

  async function page(ctx: TabContext): Promise<Dto.PolicyPage> {
    const schoolId = ctx.school.id;
    const [current, versions, changes, members] = await Promise.all([policies.current(schoolId), policies.versions(schoolId), policies.changes(schoolId), directory.members(schoolId)]);
    const policy = policies.of(ctx.school);
    const names = new Map(members.map((m) => [m.aadObjectId, m.name]));
    return {
      school: ctx.school.name,
      held: policy.held,
      policyName: policy.policyName,
      title: policy.profile?.policy.title ?? null,
      date: policy.profile?.policy.date ?? null,
      current: current ? { version: current.version, setBy: current.setBy === 'administrator' ? 'Chosen by an administrator' : 'From the policy file, when the app started', at: current.at } : null,
      terms: policy.held ? TERM_KEYS.filter((k) => policy.profile!.terms[k]).map((k) => ({ label: TERM_LABELS[k], value: policy.profile!.terms[k]! })) : [],
      rules: RULE_IDS.map((id) => ruleRow(policy, id)),
      versions: versions.map((v) => ({ ...v, current: v.version === current?.version })),
      changes: changes.map((c) => ({ at: c.at, by: c.actorAad ? (names.get(c.actorAad) ?? 'Someone no longer in the directory') : 'The policy file, when the app started', from: c.from, to: c.to })),
      canSwitch: canSwitchPolicy(ctx.member),
    };
  }

  return {
    async show(ctx: TabContext, _req: Request, res: Response) {
      if (!canSeePolicy(ctx.member)) throw new ForbiddenError('The policy page is for administrators, the head, the chair of governors and safeguarding leads.');
      res.send(200, (await page(ctx)) satisfies Dto.PolicyPage);
    },

    async switchVersion(ctx: TabContext, req: Request, res: Response) {
      const version = (req.body as { version?: unknown } | undefined)?.version;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new BadRequestError('version: a version number');
      try {
        const changed = await policies.switchTo(ctx.member, version);
        if (changed) {
          log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, version }, 'policy version switched');
          // Publishing a version sends it to every member of staff (a version without rollout settings is not sent).
          const sent = await services.rollout.rollOut(ctx.member).catch((e: Error) => {
            if (e instanceof RolloutRefusedError) return undefined;
            throw e;
          });
          if (sent) log.info({ schoolId: ctx.school.id, version: sent.version, queued: sent.queued }, 'policy rollout queued');
        }
      } catch (e) {
        if (e instanceof PolicySwitchRefusedError) throw new BadRequestError(e.message);
        throw e;
      }
      res.send(200, (await page(ctx)) satisfies Dto.PolicyPage);
    },
  };
}

function ruleRow(policy: SchoolPolicy, id: (typeof RULE_IDS)[number]): Dto.PolicyRuleRow {
  const rule = policy.rule(id);
  const own = (policy.profile?.rules[id] as { applies: boolean } | undefined)?.applies ?? false;
  const citations: Dto.PolicyCitationRow[] = rule.citations.map((c) =>
    c.from === 'policy'
      ? { from: 'policy', label: policy.cite(c.citation), quote: c.citation.quote, paraphrase: false }
      : { from: 'baseline', label: baselineCitationLabel(c.citation, policy.baseline), quote: c.citation.text, paraphrase: c.citation.paraphrase },
  );
  // Advice is cited line by line: each line's own clause, or the guidance it comes from.
  if (id.startsWith('advice.')) {
    for (const line of rule.value as Array<{ citation: { quote?: string; text?: string; source?: string; paraphrase?: boolean } }>) {
      const c = line.citation;
      const row: Dto.PolicyCitationRow =
        'source' in c && c.source
          ? { from: 'baseline', label: baselineCitationLabel(c as never, policy.baseline), quote: c.text ?? '', paraphrase: c.paraphrase ?? false }
          : { from: 'policy', label: policy.cite(c as never), quote: c.quote ?? '', paraphrase: false };
      if (!citations.some((x) => x.label === row.label && x.quote === row.quote)) citations.push(row);
    }
  }
  return {
    id,
    group: ruleGroup(id),
    label: ruleLabel(id),
    inPolicy: own,
    applies: rule.applies,
    value: valueInWords(rule, policy.terms),
    citations,
    strengthened: strengthenedInWords(rule.strengthened, policy.terms),
    conditions: rule.conditions,
    notes: rule.notes,
  };
}
