import type { TurnContext } from 'botbuilder';
import type { AppServices } from '../../services.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../../domain/cases/errors.js';
import type { CaseRecord, CaseSummary, EvidenceRecord } from '../../domain/cases/types.js';
import type { CaseDetail } from '../../domain/cases/ports.js';
import type { Member } from '../../domain/directory/directory.js';
import { shortTime } from '../../domain/time.js';
import { postAnswersOf, postStageOf, type PostAnswers, type PostDecision, type PostDecisionPayload } from '../../domain/posts/post-service.js';
import { postPolicyOf } from '../../domain/posts/post-policy.js';
import { signedPhotoUrl, PHOTO_LINK_TTL_SECONDS } from '../../evidence/photo-link.js';
import type { ConsentRecord } from '../../domain/consent/consent.js';
import { caseLink, type FlowRenderer } from '../outbox-renderer.js';
import type { CardAttachment } from '../card.js';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import type { InvokeHandler, SearchHandler } from '../bot.js';
import { SEARCH_PAGE } from '../account-requests/account-request-actions.js';
import { buildPostApprovalCard, buildPostNoticeCard, POST_VERBS } from './post-cards.js';

type Deps = Pick<AppServices, 'posts' | 'caseRepo' | 'directory' | 'policies' | 'config' | 'refs' | 'log' | 'clock' | 'sender' | 'track'>;

/** Teams refreshes a card automatically for at most 60 users. */
const MAX_REFRESH_USERS = 60;

/** The pupil picker's dataset: the school's photo-consent register. */
export const pupilDataset = (schoolId: string) => `pupils.${schoolId}`;

/** "Ava Brown (Year 4)": how a pupil is shown in the picker and on cards. */
export const pupilTitle = (p: { name: string; classOrYear: string }) => (p.classOrYear ? `${p.name} (${p.classOrYear})` : p.name);

/** The facts of a post, for the summary and the approval card. */
export function postFacts(a: PostAnswers, photos: number, approverLabel: string): Array<{ title: string; value: string }> {
  return [
    { title: 'Account', value: `${a.accountName} (${a.platformLabel})` },
    { title: 'Pupils named', value: a.pupils.length ? a.pupils.map(pupilTitle).join(', ') : 'None' },
    { title: 'Names in the text', value: a.namedInText.length ? a.pupils.filter((p) => a.namedInText.includes(p.pupilId)).map((p) => p.name).join(', ') : 'None' },
    { title: 'Photos', value: String(photos) },
    { title: 'Checks', value: a.checks.length ? `All ${a.checks.length} answered yes` : 'None in your school\'s policy' },
    { title: 'Confirmed by', value: approverLabel },
  ];
}

/** The approval card as the proposal now stands (sending, refreshing, the invoke response). */
export async function postApprovalCard(deps: Pick<Deps, 'config' | 'refs' | 'policies' | 'clock'>, c: CaseRecord, photos: EvidenceRecord[]): Promise<CardAttachment> {
  const policy = postPolicyOf(await deps.policies.forSchool(c.schoolId));
  const a = postAnswersOf(c);
  const st = postStageOf(c);
  const exp = Math.floor(deps.clock().getTime() / 1000) + PHOTO_LINK_TTL_SECONDS;
  const refs = await Promise.all(st.approvers.slice(0, MAX_REFRESH_USERS).map((p) => deps.refs.findByAad(p.aadObjectId)));
  const decided = st.decision;
  const what: Record<PostDecision, string> = { approved: '✅ Approved to go live', rejected: 'Declined', changesRequested: 'Changes asked for' };
  return buildPostApprovalCard({
    caseId: c.id,
    schoolId: c.schoolId,
    reference: c.reference,
    proposerName: c.submitter.name,
    submittedAt: shortTime(c.createdAt),
    facts: postFacts(a, photos.length, st.approverLabel),
    text: a.text,
    thumbnails: photos.slice(0, 10).map((p, i) => ({ url: signedPhotoUrl(deps.config.publicBaseUrl, deps.config.linkSigningSecret, { schoolId: c.schoolId, caseId: c.id, evidenceId: p.id, exp }), altText: `Photo ${i + 1}` })),
    notes: [policy.approvalNote, ...a.checks.map((x) => `✔ ${x.question} ${x.citation}`), ...(policy.consentNote ? [`Consent checked for ${a.platformLabel} in the register. ${policy.consentNote}`] : [`Consent checked for ${a.platformLabel} in the register.`])],
    state: decided ? 'done' : 'pending',
    stateText: decided ? `${what[decided.decision]} by ${decided.by.name}, ${shortTime(decided.at)}.${decided.reason ? ` ${decided.reason}` : ''}` : '',
    caseUrl: caseLink(deps.config, c.id),
    refreshUserIds: refs.flatMap((r) => (r ? [r.userId] : [])),
  });
}

function decisionNotice(c: CaseRecord, p: PostDecisionPayload): CardAttachment {
  const a = postAnswersOf(c);
  const when = shortTime(p.at);
  const where = `${a.accountName} (${a.platformLabel})`;
  switch (p.decision) {
    case 'approved':
      return buildPostNoticeCard({ title: `Post ${c.reference} approved`, text: `${p.by} confirmed on ${when} that your post for ${where} can go live. It is on the account's post register.`, reason: '' });
    case 'rejected':
      return buildPostNoticeCard({ title: `Post ${c.reference} declined`, text: `${p.by} declined your post for ${where} on ${when}.`, reason: p.reason ? `Reason: ${p.reason}` : '' });
    default:
      return buildPostNoticeCard({ title: `Post ${c.reference}: changes asked for`, text: `${p.by} asks for changes to your post for ${where} (${when}). Propose it again with the changes.`, reason: p.reason ? `Changes wanted: ${p.reason}` : '' });
  }
}

/** What the post flow sends: the approval card (each approver) and the proposer's notice. */
export function postRenderers(deps: Pick<Deps, 'config' | 'refs' | 'policies' | 'clock' | 'caseRepo'>): FlowRenderer[] {
  return [
    {
      kind: 'approvalRequest',
      caseKind: 'postProposal',
      render: async (_i, c) => ({ card: await postApprovalCard(deps, c, (await deps.caseRepo.get(c.schoolId, c.id))?.evidence ?? []) }),
    },
    { kind: 'decisionNotice', caseKind: 'postProposal', render: (i, c) => ({ card: decisionNotice(c, i.payload as unknown as PostDecisionPayload) }) },
  ];
}

/** "Awaiting the Headteacher" for "my submissions" (posts only). */
export const postStatusFor = (deps: Pick<AppServices, 'caseRepo'>) => async (m: Member, s: CaseSummary): Promise<string | undefined> => {
  if (s.kind !== 'postProposal') return undefined;
  const d = await deps.caseRepo.get(m.schoolId, s.id);
  if (!d || d.case.submitter.aadObjectId !== m.aadObjectId) return undefined;
  const st = postStageOf(d.case);
  return st.decision ? undefined : `Awaiting ${st.approverLabel}`;
};

const reasonData = (ctx: TurnContext) => actionData(ctx, (d) => ({ reason: typeof d.reason === 'string' ? d.reason : undefined }));

/** Approve / Ask for changes / Decline and the card's refresh. */
export function postInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  const refused = 'Only the people named to confirm this post can decide on it.';
  const decide = (decision: PostDecision): InvokeHandler => async (ctx) => {
    const data = reasonData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Please open the case in the Cases tab.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError(refused);
    try {
      const { case: c, first } = await deps.posts.decide(actor, data.caseId, { decision, reason: data.reason });
      deps.log.info({ caseId: c.id, status: c.status, decision, first }, 'post decision');
      const d = await deps.caseRepo.get(c.schoolId, c.id);
      const card = await postApprovalCard(deps, d?.case ?? c, d?.evidence ?? []);
      if (first && d) deps.track(updateOtherCards(deps, d, actor.aadObjectId, card));
      return cardResponse(card);
    } catch (e) {
      if (e instanceof NotAllowedError) return cardError(refused);
      if (e instanceof CaseNotFoundError) return cardError('That post could not be found.');
      if (e instanceof InvalidChangeError) return cardError(e.message);
      throw e;
    }
  };
  const refresh: InvokeHandler = async (ctx) => {
    const data = reasonData(ctx);
    if (!data) return cardError('This card is out of date or damaged.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    const d = actor && (await deps.caseRepo.get(data.schoolId, data.caseId));
    if (!d || d.case.kind !== 'postProposal' || !postStageOf(d.case).approvers.some((p) => p.aadObjectId === actor!.aadObjectId)) return cardError('You cannot see this post.');
    return cardResponse(await postApprovalCard(deps, d.case, d.evidence));
  };
  return { [POST_VERBS.approve]: decide('approved'), [POST_VERBS.decline]: decide('rejected'), [POST_VERBS.changes]: decide('changesRequested'), [POST_VERBS.refresh]: refresh };
}

/**
 * Every other approver's delivered card is rewritten in place to show the decision (their buttons go), so
 * nobody decides a post already decided; the acting approver's card is the invoke's answer. A card sent in one
 * message with others is left to its refresh, which shows the same when it is next opened.
 */
async function updateOtherCards(deps: Pick<Deps, 'refs' | 'sender' | 'log'>, d: CaseDetail, actorAad: string, card: CardAttachment): Promise<void> {
  const copies = d.outbox.filter((o) => o.kind === 'approvalRequest' && o.state === 'delivered' && o.activityId && o.recipient.aadObjectId !== actorAad && (o.sharedMessage?.length ?? 0) < 2);
  await Promise.all(
    copies.map(async (o) => {
      const ref = await deps.refs.findByAad(o.recipient.aadObjectId);
      if (!ref) return;
      try {
        await deps.sender.update(ref, o.activityId!, { card });
      } catch (e) {
        deps.log.warn({ caseId: d.case.id, outboxId: o.id, errorName: (e as Error).name }, 'could not update a post approval card');
      }
    }),
  );
}

/** The register's records of one school, kept 30 s for the picker's keystrokes (a 1,500-pupil school is one read, not one per letter). */
export function pupilSearchHandler(deps: Pick<AppServices, 'directory' | 'consent' | 'clock'>): SearchHandler {
  const cache = new Map<string, { at: number; records: ConsentRecord[] }>();
  return async (ctx, q) => {
    const schoolId = q.dataset.slice('pupils.'.length);
    const aad = ctx.activity.from?.aadObjectId;
    if (!/^[a-z0-9-]{2,40}$/.test(schoolId) || !aad || !(await deps.directory.member(schoolId, aad))) return cardError('You can search only your own school\'s register.');
    const now = deps.clock().getTime();
    let hit = cache.get(schoolId);
    if (!hit || now - hit.at > 30_000) {
      hit = { at: now, records: (await deps.consent.register(schoolId)).records };
      cache.set(schoolId, hit);
      if (cache.size > 50) cache.delete(cache.keys().next().value!);
    }
    const words = q.queryText.toLowerCase().split(/\s+/).filter(Boolean);
    const found = hit.records.filter((r) => words.every((w) => `${r.name} ${r.classOrYear}`.toLowerCase().includes(w)));
    const results = found.slice(q.skip, q.skip + Math.min(q.top, SEARCH_PAGE)).map((r) => ({ title: pupilTitle(r), value: r.pupilId }));
    return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } };
  };
}
