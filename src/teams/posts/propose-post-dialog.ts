import { randomBytes } from 'node:crypto';
import { ActivityTypes, CardFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../dialog-sdk.js';
import type { Logger } from '../../log.js';
import type { AppServices } from '../../services.js';
import { InvalidChangeError } from '../../domain/cases/errors.js';
import type { ConsentRecord } from '../../domain/consent/consent.js';
import { describeConsentProblem } from '../../domain/consent/consent.js';
import { postPolicyOf, type PostPolicy } from '../../domain/posts/post-policy.js';
import type { PolicyService } from '../../domain/policy/policy-service.js';
import {
  ConsentBlockedError,
  MAX_POST_PUPILS,
  MAX_POST_TEXT,
  pupilsNamedIn,
  unlistedPupilsNamedIn,
  type ActiveAccount,
  type NamedPupil,
  type PostAnswers,
  type PostService,
} from '../../domain/posts/post-service.js';
import { MAX_IMAGES_PER_REPORT, describeImage, type DraftOwner, type EvidenceIntake } from '../../evidence/evidence-service.js';
import { hasAttachments, incomingImages } from '../../evidence/teams-attachments.js';
import { normaliseText } from '../commands.js';
import { FlowDialog, type FlowState } from '../flow-dialog.js';
import { getActor } from '../turn-context-keys.js';
import { buildChecksCard, buildComposeCard, buildPhotosCard, buildPostSummaryCard, isPostSubmit, type PostStep, type PostSubmit } from './post-cards.js';
import { postFacts, pupilDataset, pupilTitle } from './post-actions.js';

export const PROPOSE_POST_DIALOG = 'proposePost';

export interface ProposePostDeps {
  posts: Pick<PostService, 'activeAccounts' | 'consentCheck' | 'approversFor' | 'submit'>;
  consent: {
    records(schoolId: string, pupilIds: readonly string[]): Promise<Map<string, ConsentRecord>>;
    register(schoolId: string): Promise<{ records: ConsentRecord[] }>;
  };
  policies: Pick<PolicyService, 'of'>;
  evidence: EvidenceIntake;
  bearer: (ctx: TurnContext) => () => Promise<string>;
  log: Logger;
}

interface PostState extends FlowState<PostStep> {
  draftId: string;
  draftOpened: boolean;
  accountId: string;
  text: string;
  pupils: NamedPupil[];
  /** Each check's last answer ("yes"/"no"), by rule id. */
  checks: Record<string, string>;
  /** What blocked the last attempt, shown on the card once. */
  problems: string[];
}

const DONE_WORDS = new Set(['done', 'finished', 'no more', 'none']);
const CONFIRM_WORDS = new Set(['confirm', 'send', 'yes']);

/**
 * Propose a post for one of the school's official accounts (issue 19): the account (active ones on the
 * register), the text and the pupils who appear (searched in the photo-consent register as the person types);
 * the photos (in the chat or the upload page, kept privately like evidence); the school's own checks as
 * yes/no questions with their clauses; then a summary. The consent register is checked for that account's
 * platform (and for names, where the text names a pupil) and the do-not-publish list, before anything is
 * sent, naming the pupil who blocks the post and why.
 */
export class ProposePostDialog extends FlowDialog<PostStep, PostState> {
  protected override readonly unfinishedName = 'post';
  constructor(private readonly deps: ProposePostDeps) {
    super(PROPOSE_POST_DIALOG);
  }

  protected async initialState(): Promise<PostState> {
    return { step: 'compose', history: [], editing: false, draftId: randomBytes(12).toString('hex'), draftOpened: false, accountId: '', text: '', pupils: [], checks: {}, problems: [] };
  }

  override async beginDialog(dc: DialogContext, options?: unknown): Promise<DialogTurnResult> {
    const actor = getActor(dc.context);
    if (!(await this.deps.posts.activeAccounts(actor.school.id)).length) {
      await dc.context.sendActivity('Your school has no active official account on its register yet, so there is nothing to post to. An account is added to the register once its request is approved: type **request account** to ask for one.');
      return dc.endDialog();
    }
    return super.beginDialog(dc, options);
  }

  private policy(ctx: TurnContext): PostPolicy {
    return postPolicyOf(this.deps.policies.of(getActor(ctx).school));
  }

  private owner(ctx: TurnContext, s: PostState): DraftOwner {
    const a = getActor(ctx);
    return { schoolId: a.school.id, aad: a.aadObjectId, draftId: s.draftId };
  }

  // ---- asking ----

  protected async ask(ctx: TurnContext, s: PostState): Promise<void> {
    const actor = getActor(ctx);
    const problems = s.problems;
    s.problems = [];
    let card;
    switch (s.step) {
      case 'compose': {
        const accounts = await this.deps.posts.activeAccounts(actor.school.id);
        card = buildComposeCard({
          accountChoices: accounts.map((a) => ({ value: a.id, title: `${a.accountName} (${a.platformLabel})` })),
          accountId: s.accountId,
          text: s.text,
          pupils: s.pupils.map((p) => p.pupilId).join(','),
          pupilChoices: (s.pupils.length ? s.pupils : await this.firstPupils(actor.school.id)).map((p) => ({ value: p.pupilId, title: pupilTitle(p) })),
          pupilDataset: pupilDataset(actor.school.id),
          problems,
        });
        break;
      }
      case 'photos': {
        const fresh = await this.openDraft(ctx, s);
        card = buildPhotosCard({ received: fresh ? 0 : (await this.deps.evidence.list(this.owner(ctx, s))).length, uploadUrl: await this.deps.evidence.uploadLink(this.owner(ctx, s)) });
        break;
      }
      case 'checks':
        card = buildChecksCard({ checks: this.policy(ctx).checks.map((c) => ({ ...c, id: c.id.replace('.', '_'), value: s.checks[c.id] ?? 'no' })), problems });
        break;
      default: {
        const account = await this.account(ctx, s);
        const { label } = await this.deps.posts.approversFor(actor.member, account ?? { administrators: [] });
        const policy = this.policy(ctx);
        const photos = s.draftOpened ? (await this.deps.evidence.list(this.owner(ctx, s))).length : 0;
        card = buildPostSummaryCard({
          facts: postFacts(this.answers(ctx, s, account), photos, label),
          text: s.text,
          notes: [policy.approvalNote, 'Everyone named has consent for this platform in the photo-consent register, and nobody is on the do-not-publish list. It is checked again when you send it.'],
        });
      }
    }
    await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  }

  /**
   * A few pupils for a card that has none chosen yet (a choice set must have one): Teams searches the whole
   * register as the person types; these are only what a host without that search shows.
   */
  private async firstPupils(schoolId: string): Promise<NamedPupil[]> {
    return (await this.deps.consent.register(schoolId)).records.slice(0, 5).map((r) => ({ pupilId: r.pupilId, name: r.name, classOrYear: r.classOrYear }));
  }

  private async account(ctx: TurnContext, s: PostState): Promise<ActiveAccount | undefined> {
    return (await this.deps.posts.activeAccounts(getActor(ctx).school.id)).find((a) => a.id === s.accountId);
  }

  private answers(ctx: TurnContext, s: PostState, account: ActiveAccount | undefined): PostAnswers {
    const checks = this.policy(ctx).checks.map((c) => ({ id: c.id, question: c.question, citation: c.citation }));
    return {
      accountId: s.accountId,
      accountName: account?.accountName ?? '',
      platform: account?.platform ?? 'other',
      platformLabel: account?.platformLabel ?? '',
      text: s.text,
      pupils: s.pupils,
      namedInText: pupilsNamedIn(s.text, s.pupils),
      checks,
    };
  }

  // ---- answering ----

  protected async answer(dc: DialogContext, s: PostState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const submit = isPostSubmit(ctx.activity.value) ? ctx.activity.value : undefined;
    if (submit && submit.step !== s.step) return this.retry(ctx, s, 'That card is from an earlier step. Please use this one:');
    if (!submit && s.step !== 'photos' && hasAttachments(ctx.activity)) return this.retry(ctx, s, 'I will ask for the photos in a moment. Please fill in this card first.');
    switch (s.step) {
      case 'compose':
        return this.onCompose(ctx, s, submit);
      case 'photos':
        return this.onPhotos(ctx, s, submit);
      case 'checks':
        return this.onChecks(ctx, s, submit);
      default:
        return this.onSummary(dc, s, submit);
    }
  }

  /** The account, the text and the pupils; the consent register decides whether the post may go on. */
  private async onCompose(ctx: TurnContext, s: PostState, submit: PostSubmit | undefined): Promise<DialogTurnResult> {
    if (!submit) return this.retry(ctx, s, 'Please fill in the card and press **Next** (or type **cancel**).');
    const actor = getActor(ctx);
    s.accountId = typeof submit.accountId === 'string' ? submit.accountId : '';
    s.text = typeof submit.text === 'string' ? submit.text.trim().slice(0, MAX_POST_TEXT + 1) : '';
    const ids = [...new Set((typeof submit.pupils === 'string' ? submit.pupils : '').split(',').map((x) => x.trim()).filter(Boolean))];
    const problems: string[] = [];
    const account = await this.account(ctx, s);
    if (!account) problems.push('Please choose one of the school\'s active accounts.');
    if (!s.text) problems.push('Please write the text of the post.');
    if (s.text.length > MAX_POST_TEXT) problems.push(`The text can be at most ${MAX_POST_TEXT.toLocaleString('en-GB')} characters.`);
    if (ids.length > MAX_POST_PUPILS) problems.push(`A post can name at most ${MAX_POST_PUPILS} pupils.`);
    const records = await this.deps.consent.records(actor.school.id, ids.slice(0, MAX_POST_PUPILS));
    const known = s.pupils;
    s.pupils = ids.slice(0, MAX_POST_PUPILS).map((id) => {
      const r = records.get(id);
      return r ? { pupilId: id, name: r.name, classOrYear: r.classOrYear } : known.find((p) => p.pupilId === id) ?? { pupilId: id, name: 'A pupil not in the register', classOrYear: '' };
    });
    if (!problems.length) {
      const unlisted = unlistedPupilsNamedIn(s.text, (await this.deps.consent.register(actor.school.id)).records, ids);
      for (const p of unlisted.slice(0, 10)) problems.push(`${p.name} (${p.classOrYear}) is named in the text: add them to the pupils in the post, so that their consent is checked.`);
    }
    if (!problems.length && account) {
      const blocked = await this.deps.posts.consentCheck(actor.school.id, account.platform, s.pupils, pupilsNamedIn(s.text, s.pupils));
      problems.push(...this.blockLines(blocked.map((p) => describeConsentProblem(p, account.platform)), ctx));
    }
    if (problems.length) {
      s.problems = problems;
      this.deps.log.info({ draftId: s.draftId, problems: problems.length }, 'post held at compose');
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    if (s.editing) {
      s.editing = false;
      return this.goTo(ctx, s, 'summary');
    }
    return this.goTo(ctx, s, 'photos');
  }

  /** "Ben Clarke has no consent for Facebook." and the school's clause, then what to do. */
  private blockLines(lines: string[], ctx: TurnContext): string[] {
    if (!lines.length) return [];
    const policy = this.policy(ctx);
    const clauses = [policy.consentNote, policy.doNotPublishNote].filter(Boolean);
    return [
      'This post cannot be sent as it is:',
      ...lines,
      ...clauses,
      'Take the pupil out of the photos and the text (and out of the list), or ask the school office to update the photo-consent register if it is wrong.',
    ];
  }

  private async openDraft(ctx: TurnContext, s: PostState): Promise<boolean> {
    if (s.draftOpened) return false;
    const fresh = await this.deps.evidence.openDraft(this.owner(ctx, s), { noImages: false });
    s.draftOpened = true;
    return fresh;
  }

  /** Photos arrive here, several per message or one by one, until "done". */
  private async onPhotos(ctx: TurnContext, s: PostState, submit: PostSubmit | undefined): Promise<DialogTurnResult> {
    const a = ctx.activity;
    if (submit?.action === 'done' || (!submit && DONE_WORDS.has(normaliseText(a.text)) && !a.attachments?.length)) {
      return this.policy(ctx).checks.length ? this.goTo(ctx, s, 'checks') : this.goTo(ctx, s, 'summary');
    }
    const { images, other } = incomingImages(a);
    if (!images.length && !other.length) return this.retry(ctx, s, 'Paste or attach the photos, or press **Done** (a post may have none).');
    const fresh = await this.openDraft(ctx, s);
    const lines = other.slice(0, 5).map((n) => `"${n.slice(0, 60)}" was not saved: it is not a picture.`);
    if (images.length) {
      const [held] = await Promise.all([fresh ? 0 : this.deps.evidence.list(this.owner(ctx, s)).then((l) => l.length), ctx.sendActivity({ type: ActivityTypes.Typing })]);
      const results = await this.deps.evidence.receiveFromChat(this.owner(ctx, s), images, this.deps.bearer(ctx), held);
      for (const r of results) lines.push(r.ok ? `Photo ${r.number} received (${describeImage(r.record)}).` : `"${r.originalName.slice(0, 60)}" was not saved: ${r.text.replace(/screenshots?/g, 'photos')}.`);
      this.deps.log.info({ draftId: s.draftId, received: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length }, 'post photos from chat');
    }
    lines.push(`Send more (up to ${MAX_IMAGES_PER_REPORT}), or press **Done** (or type done) when you have finished.`);
    await ctx.sendActivity(lines.join('\n\n'));
    return Dialog.EndOfTurn;
  }

  /** Every check must be answered yes; a "no" says which, with its clause. */
  private async onChecks(ctx: TurnContext, s: PostState, submit: PostSubmit | undefined): Promise<DialogTurnResult> {
    if (!submit) return this.retry(ctx, s, 'Please answer the checks on the card and press **Next**.');
    const checks = this.policy(ctx).checks;
    for (const c of checks) s.checks[c.id] = submit[`check_${c.id.replace('.', '_')}`] === 'yes' ? 'yes' : 'no';
    const no = checks.filter((c) => s.checks[c.id] !== 'yes');
    if (no.length) {
      s.problems = ['A post can go forward only when every check is yes. Not yet:', ...no.map((c) => `${c.question} ${c.citation}`), 'Change the post or the photos first (type **back**), or type **cancel**.'];
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    return this.goTo(ctx, s, 'summary');
  }

  private async onSummary(dc: DialogContext, s: PostState, submit: PostSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const typed = normaliseText(ctx.activity.text);
    if (submit?.action === 'confirm' || (!submit && CONFIRM_WORDS.has(typed))) return this.send(dc, s);
    if (submit?.action === 'edit' || (!submit && typed === 'edit')) {
      s.editing = true;
      return this.goTo(ctx, s, 'compose');
    }
    return this.retry(ctx, s, 'Press **Send for confirmation**, **Edit**, or type **cancel**.');
  }

  /** Check consent again and save it (once, even if pressed twice); every approver gets the card. */
  private async send(dc: DialogContext, s: PostState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const actor = getActor(ctx);
    const account = await this.account(ctx, s);
    const photos = s.draftOpened ? await this.deps.evidence.list(this.owner(ctx, s)) : [];
    try {
      const { case: c, duplicate } = await this.deps.posts.submit({ school: actor.school, proposer: actor.member, submissionId: s.draftId, answers: this.answers(ctx, s, account), photos });
      if (s.draftOpened) await this.deps.evidence.markSubmitted(this.owner(ctx, s));
      this.deps.log.info({ caseId: c.id, draftId: s.draftId, duplicate, photos: photos.length }, 'post proposed');
      const { label } = await this.deps.posts.approversFor(actor.member, account ?? { administrators: [] });
      await ctx.sendActivity(`Sent to ${label} to confirm that it can go live. Your reference is **${c.reference}**. You will get a message here when they decide; type **my submissions** to see where it stands.`);
      return dc.endDialog({ reference: c.reference, caseId: c.id });
    } catch (e) {
      if (e instanceof ConsentBlockedError) {
        s.problems = this.blockLines(e.problems.map((p) => describeConsentProblem(p, e.platform)), ctx);
        s.editing = true;
        s.step = 'compose';
        await this.ask(ctx, s);
        return Dialog.EndOfTurn;
      }
      if (!(e instanceof InvalidChangeError)) throw e;
      return this.retry(ctx, s, `${e.message} Nothing was sent.`);
    }
  }

  protected override async onCancelled(ctx: TurnContext, s: PostState): Promise<void> {
    if (s.draftOpened) await this.deps.evidence.discard(this.owner(ctx, s));
  }
}

/** The dialog as the app builds it (src/teams/flows.ts). */
export function createProposePostDialog(services: Pick<AppServices, 'posts' | 'consent' | 'policies' | 'evidence' | 'log'>, bearer: ProposePostDeps['bearer']): ProposePostDialog {
  return new ProposePostDialog({ posts: services.posts, consent: services.consent, policies: services.policies, evidence: services.evidence, bearer, log: services.log });
}
