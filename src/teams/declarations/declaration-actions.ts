import type { AppServices } from '../../services.js';
import type { Member } from '../../domain/directory/directory.js';
import { declarationWording } from '../../domain/declarations/declaration-policy.js';
import type { SchoolPolicy } from '../../domain/policy/school-policy.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../../domain/cases/case-service.js';
import type { CaseRecord } from '../../domain/cases/types.js';
import { STATUS_LABELS } from '../../domain/cases/types.js';
import { answersOf, stageOf, type DeclarationService, type DecisionPayload } from '../../domain/declarations/declaration-service.js';
import { declarationFacts, describeRelationship } from '../../domain/declarations/declaration.js';
import { caseLink, type FlowRenderer } from '../outbox-renderer.js';
import { shortTime } from '../../domain/time.js';
import {
  DECLARATION_VERBS,
  buildAcknowledgementCard,
  buildDecisionNoticeCard,
  buildMyDeclarationsCard,
  buildWithdrawConfirmCard,
  type AcknowledgementCardData,
  type DeclarationActionData,
} from './declaration-cards.js';
import type { CardAttachment } from '../card.js';
import type { TurnContext } from 'botbuilder';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import type { InvokeHandler } from '../bot.js';

type Deps = Pick<AppServices, 'declarations' | 'caseRepo' | 'directory' | 'policies' | 'config' | 'log'>;

/** The declaration card's data: the case, and the note and confirmation it may carry. */
const declarationData = (ctx: TurnContext): DeclarationActionData | undefined =>
  actionData(ctx, (d) => ({ note: typeof d.note === 'string' ? d.note : undefined, confirm: d.confirm === 'yes' ? ('yes' as const) : undefined }));

/** The acknowledgement card as the declaration now stands (for sending and for the invoke response). */
export function acknowledgementCard(config: Deps['config'], c: CaseRecord, policy: SchoolPolicy): CardAttachment {
  const st = stageOf(c);
  const state: AcknowledgementCardData['state'] =
    c.status === 'acknowledged' ? 'acknowledged' : c.status === 'withdrawn' ? 'withdrawn' : c.status === 'discussionRequested' ? 'discussionRequested' : 'pending';
  const stateText =
    state === 'acknowledged'
      ? `✅ Acknowledged by ${st.acknowledgedBy?.name ?? ''} at ${st.acknowledgedAt ? shortTime(st.acknowledgedAt) : ''}`
      : state === 'withdrawn'
        ? `Withdrawn by ${c.submitter.name}${st.withdrawnAt ? ` at ${shortTime(st.withdrawnAt)}` : ''}.`
        : state === 'discussionRequested'
          ? `${st.discussionRequestedBy?.name ?? 'You'} asked to discuss this first (${st.discussionRequestedAt ? shortTime(st.discussionRequestedAt) : ''}). Acknowledge it once you have.`
          : '';
  return buildAcknowledgementCard({
    caseId: c.id,
    schoolId: c.schoolId,
    reference: c.reference,
    declarerName: c.submitter.name,
    declaredAt: shortTime(c.createdAt),
    facts: [{ title: 'Reference', value: c.reference }, ...declarationFacts(answersOf(c))],
    policyNote: declarationWording(policy, { aboutHead: c.routing.aboutHead }).acknowledgerNote,
    state,
    stateText,
    note: state === 'acknowledged' ? (st.acknowledgementNote ?? '') : state === 'discussionRequested' ? (st.discussionMessage ?? '') : '',
    caseUrl: caseLink(config, c.id),
  });
}

function decisionNotice(c: CaseRecord, p: DecisionPayload, policy: SchoolPolicy): CardAttachment {
  const ack = p.decision === 'acknowledged';
  const w = declarationWording(policy);
  return buildDecisionNoticeCard({
    title: ack ? `Declaration ${c.reference} acknowledged` : `Declaration ${c.reference}: a conversation first`,
    reference: c.reference,
    text: ack
      ? `${p.by} acknowledged your family relationship declaration on ${shortTime(p.at)}. ${w.acknowledgedText}`
      : `${p.by} would like to discuss your family relationship declaration with you before acknowledging it. ${w.discussionText}`.trim(),
    note: p.note ? (ack ? `Note of the discussion: ${p.note}` : `Message: ${p.note}`) : '',
  });
}

/** The declarer's standing declarations with a Withdraw button each. */
export async function myDeclarationsCard(svc: DeclarationService, m: Member, message = ''): Promise<CardAttachment | undefined> {
  const mine = (await svc.mine(m)).filter((c) => c.status !== 'withdrawn');
  if (!mine.length && !message) return undefined;
  return buildMyDeclarationsCard({
    schoolId: m.schoolId,
    message,
    items: mine.map((c) => ({ caseId: c.id, reference: c.reference, pupil: answersOf(c).pupilName, relationship: describeRelationship(answersOf(c)), status: STATUS_LABELS[c.status] })),
  });
}

/** What the declaration flow sends: the acknowledgement request (head or chair) and the decision notice (the declarer). */
export function declarationRenderers(deps: Pick<AppServices, 'config' | 'policies'>): FlowRenderer[] {
  return [
    { kind: 'acknowledgementRequest', caseKind: 'familyDeclaration', render: async (_i, c) => ({ card: acknowledgementCard(deps.config, c, await deps.policies.forSchool(c.schoolId)) }) },
    { kind: 'decisionNotice', caseKind: 'familyDeclaration', render: async (i, c) => ({ card: decisionNotice(c, i.payload as unknown as DecisionPayload, await deps.policies.forSchool(c.schoolId)) }) },
  ];
}

/**
 * Family relationship declarations at the card edge: answers Acknowledge / Ask to discuss (head or chair)
 * and Withdraw (the declarer).
 */
export function declarationInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  const svc = deps.declarations;
  const policy = (schoolId: string) => deps.policies.forSchool(schoolId);

  /** Run a decision; coded errors become Adaptive Card error responses (never a thrown exception). */
  const decide = (run: (actor: Member, d: DeclarationActionData) => Promise<CaseRecord>): InvokeHandler => async (ctx) => {
    const data = declarationData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Please open the case in the Cases tab.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    const { headTitle, chairTitle } = (await policy(data.schoolId)).terms;
    const refused = `Only the ${headTitle} (or the ${chairTitle ?? 'chair of governors'}, for the ${headTitle}'s own declaration) can acknowledge this declaration.`;
    if (!actor) return cardError(refused);
    try {
      const c = await run(actor, data);
      deps.log.info({ caseId: c.id, status: c.status }, 'declaration decision');
      return cardResponse(acknowledgementCard(deps.config, c, await policy(c.schoolId)));
    } catch (e) {
      if (e instanceof NotAllowedError) return cardError(refused);
      if (e instanceof CaseNotFoundError) return cardError('That declaration could not be found.');
      if (e instanceof InvalidChangeError) return cardError(e.message);
      throw e;
    }
  };

  const acknowledge = decide(async (actor, d) => (await svc.acknowledge(actor, d.caseId, d.note ?? '')).case);
  const discuss = decide((actor, d) => svc.requestDiscussion(actor, d.caseId, d.note ?? ''));

  const withdraw: InvokeHandler = async (ctx) => {
    const data = declarationData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Type "my submissions" for the latest.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError('Only the person who made a declaration can withdraw it.');
    try {
      if (data.confirm !== 'yes') {
        const d = await deps.caseRepo.get(actor.schoolId, data.caseId);
        if (!d || d.case.kind !== 'familyDeclaration' || d.case.submitter.aadObjectId !== actor.aadObjectId) throw new CaseNotFoundError(data.caseId);
        const text = declarationWording(await policy(actor.schoolId)).withdrawText;
        return cardResponse(buildWithdrawConfirmCard({ caseId: d.case.id, schoolId: actor.schoolId, reference: d.case.reference, text }));
      }
      const { case: c } = await svc.withdraw(actor, data.caseId);
      deps.log.info({ caseId: c.id }, 'declaration withdrawn');
      const card = await myDeclarationsCard(svc, actor, `${c.reference} has been withdrawn. It stays on record as withdrawn.`);
      return cardResponse(card!);
    } catch (e) {
      if (e instanceof CaseNotFoundError) return cardError('That declaration could not be found among yours.');
      throw e;
    }
  };

  const keep: InvokeHandler = async (ctx) => {
    const data = declarationData(ctx);
    const actor = data && (await actorFor(deps.directory, ctx, data.schoolId));
    if (!actor) return cardError('This card is out of date. Type "my submissions" for the latest.');
    return cardResponse((await myDeclarationsCard(svc, actor, 'Nothing was changed.'))!);
  };

  return { [DECLARATION_VERBS.acknowledge]: acknowledge, [DECLARATION_VERBS.discuss]: discuss, [DECLARATION_VERBS.withdraw]: withdraw, [DECLARATION_VERBS.keep]: keep };
}

/** For "my submissions": the declarer's standing declarations with Withdraw, if they have any. */
export const myDeclarationsFor = (declarations: DeclarationService) => (m: Member) => myDeclarationsCard(declarations, m);
