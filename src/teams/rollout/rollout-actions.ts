import type { AppConfig } from '../../config.js';
import type { DirectoryService } from '../../domain/directory/directory-service.js';
import type { PolicyService } from '../../domain/policy/policy-service.js';
import { SchoolPolicy } from '../../domain/policy/school-policy.js';
import type { PolicyProfile, Rule } from '../../domain/policy/profile.js';
import { RolloutRefusedError, type RolloutService } from '../../domain/rollout/rollout-service.js';
import type { RolloutPayload } from '../../domain/rollout/rollout.js';
import { shortTime } from '../../domain/time.js';
import type { Logger } from '../../log.js';
import type { InvokeHandler } from '../bot.js';
import { actorFor, cardError, cardResponse } from '../card-actions.js';
import type { FlowRenderer } from '../outbox-renderer.js';
import { buildRolloutCard, buildRolloutNoteCard, ROLLOUT_VERBS } from './rollout-cards.js';
import type { CardAttachment } from '../card.js';

interface Deps {
  config: Pick<AppConfig, 'publicBaseUrl'>;
  policies: Pick<PolicyService, 'profileVersion' | 'baseline'>;
  directory: Pick<DirectoryService, 'school' | 'member'>;
  rollout: RolloutService;
  log: Logger;
}

const SCHOOL_ID = /^[a-z0-9-]{2,40}$/;
/** Distinct rollout cards kept built (a few per school and version). */
const BUILT_CARDS = 200;

/** Where staff read the whole policy: the school's own address for it, or the app's page of its text. */
export const fullTextLink = (config: Pick<AppConfig, 'publicBaseUrl'>, profile: PolicyProfile) =>
  profile.rollout?.fullTextUrl ?? `${config.publicBaseUrl}/tab/index.html#/read-policy`;

/** The card as it stands for one person: open (with the checklist for a new starter), or acknowledged. */
async function rolloutCard(deps: Deps, schoolId: string, version: number, opts: { reminder?: number; newStarter?: boolean; acknowledgedAt?: string; changes?: string[] }) {
  const profile = await deps.policies.profileVersion(schoolId, version);
  const school = await deps.directory.school(schoolId);
  if (!profile?.rollout || !school) throw new RolloutRefusedError('That version of the policy is not held.');
  const policy = new SchoolPolicy(school, profile, deps.policies.baseline);
  const rules = profile.rollout.keyRules
    .map((id) => profile.rules[id] as Rule)
    .filter((r) => r.applies && r.citation)
    .map((r) => ({ label: policy.cite(r.citation!), quote: r.citation!.quote }));
  const checklist = opts.newStarter ? (profile.rollout.newStarter ?? []).map((i) => ({ text: i.text, label: policy.cite(i.citation) })) : [];
  const name = `${profile.policy.title}${profile.policy.date ? ` (${profile.policy.date})` : ''}`;
  const title = opts.reminder ? 'Reminder: please read the policy' : opts.newStarter ? `Welcome: please read ${policy.policyName}` : 'Please read the policy';
  return buildRolloutCard({
    schoolId,
    version,
    title,
    policyName: `${policy.policyName}: ${name}, version ${version}`,
    changes: opts.changes ?? profile.rollout.whatChanged ?? [],
    rules,
    fullTextUrl: fullTextLink(deps.config, profile),
    checklist,
    acknowledgedAt: opts.acknowledgedAt ? shortTime(opts.acknowledgedAt) : undefined,
  });
}

/** The rollout's messages, rendered when they are sent (the outbox row carries the version only). */
export function rolloutRenderers(deps: Omit<Deps, 'log'>): FlowRenderer[] {
  const d = deps as Deps;
  // A rollout sends the same card to hundreds of people: each distinct card is built once (versions never change).
  const built = new Map<string, Promise<CardAttachment>>();
  const card = async (payload: RolloutPayload, schoolId: string, aad: string) => {
    const changes = await deps.rollout.changesFor(schoolId, payload.version, aad);
    const key = JSON.stringify([schoolId, payload.version, payload.reminder ?? 0, !!payload.newStarter, changes]);
    let c = built.get(key);
    if (!c) {
      if (built.size >= BUILT_CARDS) built.delete(built.keys().next().value!);
      c = rolloutCard(d, schoolId, payload.version, { reminder: payload.reminder, newStarter: payload.newStarter, changes });
      built.set(key, c);
      c.catch(() => built.delete(key));
    }
    return { card: structuredClone(await c) };
  };
  return [
    { kind: 'policyRollout', caseKind: 'policyRollout', render: (i) => card(i.payload as RolloutPayload, i.schoolId, i.recipient.aadObjectId) },
    { kind: 'policyReminder', caseKind: 'policyRollout', render: (i) => card(i.payload as RolloutPayload, i.schoolId, i.recipient.aadObjectId) },
    {
      kind: 'policyNote',
      caseKind: 'policyRollout',
      render: async (i) => {
        const p = i.payload as RolloutPayload;
        const profile = await deps.policies.profileVersion(i.schoolId, p.version);
        const school = await deps.directory.school(i.schoolId);
        const policy = new SchoolPolicy(school ?? { id: i.schoolId, name: i.schoolId, headTitle: 'Headteacher' }, profile, deps.policies.baseline);
        return { card: buildRolloutNoteCard({ policyName: `${policy.policyName}, version ${p.version}`, count: p.count ?? 0, names: p.names ?? [], registerUrl: `${deps.config.publicBaseUrl}/tab/index.html#/acknowledgements` }) };
      },
    },
  ];
}

/** "I have read and understood it" (Action.Execute): recorded, and answered with the card showing it is done. */
export function rolloutInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  const acknowledge: InvokeHandler = async (ctx) => {
    const d = (ctx.activity.value as { action?: { data?: Record<string, unknown> } } | undefined)?.action?.data;
    const schoolId = d?.schoolId;
    const version = d?.version;
    if (typeof schoolId !== 'string' || !SCHOOL_ID.test(schoolId) || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return cardError('This card is out of date or damaged.');
    }
    const actor = await actorFor(deps.directory, ctx, schoolId);
    if (!actor) return cardError('This card is for the staff of another school.');
    const ticked = Object.entries(d!).filter(([k]) => /^check\d+$/.test(k));
    try {
      const state = await deps.rollout.state(schoolId, version, actor.aadObjectId);
      const profile = await deps.policies.profileVersion(schoolId, version);
      const items = state.newStarter ? (profile?.rollout?.newStarter?.length ?? 0) : 0;
      const confirmed = items > 0 && ticked.length >= items && ticked.every(([, v]) => v === 'true' || v === true);
      const { record, first } = await deps.rollout.acknowledge(schoolId, version, actor, confirmed);
      if (first) deps.log.info({ schoolId, version }, 'policy acknowledged');
      return cardResponse(await rolloutCard(deps, schoolId, version, { acknowledgedAt: record.acknowledgedAt }));
    } catch (e) {
      if (e instanceof RolloutRefusedError) return cardError(e.message);
      throw e;
    }
  };
  return { [ROLLOUT_VERBS.acknowledge]: acknowledge };
}
