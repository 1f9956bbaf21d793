import { randomBytes } from 'node:crypto';
import { ActivityTypes, CardFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../dialog-sdk.js';
import type { Logger } from '../../log.js';
import type { CaseService } from '../../domain/cases/case-service.js';
import { whoIsTold } from '../../domain/cases/who-is-told.js';
import { policyRoutes, routeIncident } from '../../domain/cases/routing.js';
import { adviceAfterReport, screenshotsAskedBy, screenshotsForbidden } from '../../domain/cases/report-advice.js';
import type { PolicyService } from '../../domain/policy/policy-service.js';
import type { SchoolPolicy } from '../../domain/policy/school-policy.js';
import type { EvidenceRecord } from '../../domain/cases/types.js';
import {
  AFFECTED,
  INCIDENT_CATEGORIES,
  PLATFORMS,
  RESPONSIBLE,
  TEXT_LIMIT,
  type IncidentAnswers,
} from '../../domain/cases/incident.js';
import {
  buildChoiceStepCard,
  buildEvidenceStepCard,
  buildSubmittedCard,
  buildSubjectStepCard,
  buildSummaryCard,
  buildTextStepCard,
  buildWhenStepCard,
  isIncidentSubmit,
  type IncidentStep,
  type IncidentSubmit,
} from './incident-cards.js';
import type { CardAttachment } from '../card.js';
import { MAX_IMAGES_PER_REPORT, describeImage, type DraftOwner, type EvidenceIntake } from '../../evidence/evidence-service.js';
import { hasAttachments, incomingImages } from '../../evidence/teams-attachments.js';
import { normaliseText } from '../commands.js';
import { FlowDialog, type FlowState } from '../flow-dialog.js';
import { checkText, checkWhen, checkWhere, matchChoice, type Checked } from './incident-answers.js';
import { describeWhen, londonDate } from '../../domain/time.js';
import { getActor } from '../turn-context-keys.js';
import { isHead, type Member } from '../../domain/directory/directory.js';
import { schoolStaff } from '../../domain/account-requests/account-request.js';
import { pickerSuggestions } from '../../domain/account-requests/people-suggestions.js';
import { staffDataset, staffTitle } from '../account-requests/account-request-actions.js';

export const REPORT_INCIDENT_DIALOG = 'reportIncident';

export interface ReportDeps {
  cases: Pick<CaseService, 'submitIncident'>;
  /** Each school's policy: the routes, advice and evidence rules the report follows. */
  policies: Pick<PolicyService, 'of'>;
  evidence: EvidenceIntake;
  /** The bearer token source for attachment downloads in this turn (bot edge: src/evidence/teams-attachments.ts). */
  bearer: (ctx: TurnContext) => () => Promise<string>;
  clock: () => Date;
  log: Logger;
  /** The school's members: who the reporter may name as the member of staff the report is about. */
  members: (schoolId: string) => Promise<Member[]>;
  newDraftId?: () => string;
}

interface ReportState extends FlowState<IncidentStep> {
  draftId: string;
  answers: Partial<IncidentAnswers>;
  /** The draft row exists in the drafts table (evidence may arrive from the chat or the upload page). */
  draftOpened: boolean;
  /** Screenshots from the upload page already announced in the chat. */
  uploadsAnnounced: number;
  /** The school's policy (or the baseline) forbids screenshots of this kind of incident: never asked for, never kept. */
  noImages?: boolean;
}

/** The questions, in order; platformOther only after "Other", evidence never where screenshots are forbidden. */
const ORDER: IncidentStep[] = ['category', 'affected', 'responsible', 'subject', 'platform', 'platformOther', 'where', 'when', 'whatHappened', 'pupilAtRisk', 'evidence', 'summary'];
const PUPIL_AT_RISK = { yes: 'Yes', no: 'No', unsure: 'Not sure' } as const;
const DONE_WORDS = new Set(['done', 'finished', 'no', 'none', 'skip', 'no screenshots', 'next', 'that is all', "that's all"]);
const SUBMIT_WORDS = new Set(['send', 'send report', 'submit', 'confirm', 'yes']);
const NOT_SAYING_WORDS = new Set(['skip', 'no', 'none', 'not saying', "i'd rather not say", 'rather not say', "don't know", 'dont know', 'not sure', 'unknown']);

const FIELD_LABELS: Partial<Record<IncidentStep, string>> = {
  category: 'What happened (type)',
  affected: 'Who is affected',
  responsible: 'Who is responsible',
  subject: 'Who it is about',
  platform: 'Platform',
  where: 'Where',
  when: 'When',
  whatHappened: 'What happened',
  pupilAtRisk: 'Pupil at risk',
  evidence: 'Screenshots',
};

const isIndecent = (s: ReportState) => s.noImages === true;
/** Said at once when screenshots are forbidden and the policy gives no lines of its own (the app's own rule). */
const NO_IMAGES_FALLBACK = 'Please do not send images for this kind of report: describe what you saw in words only.';
/** This turn's reading of the draft's evidence (turn state), so one turn lists it at most once. */
const EVIDENCE_THIS_TURN = Symbol('evidenceThisTurn');
const MAX_REFUSALS_LISTED = 10;
const shortName = (name: string) => (name.length > 80 ? `${name.slice(0, 77)}…` : name);

/**
 * Report an incident (spec flow 1): one short question per step, screenshots pasted or attached in the chat
 * (or sent from the upload page) unless the school's policy forbids them, a summary to confirm, change or
 * cancel, then the case is saved with its routing and alerts, and the reporter gets the reference and the
 * school's own advice, each line with its citation.
 */
export class ReportIncidentDialog extends FlowDialog<IncidentStep, ReportState> {
  protected override readonly unfinishedName = 'report';
  constructor(private readonly deps: ReportDeps) {
    super(REPORT_INCIDENT_DIALOG);
  }

  protected initialState(): ReportState {
    const draftId = this.deps.newDraftId?.() ?? randomBytes(12).toString('hex');
    return { step: 'category', history: [], editing: false, draftId, answers: {}, draftOpened: false, uploadsAnnounced: 0 };
  }

  private policy(ctx: TurnContext): SchoolPolicy {
    return this.deps.policies.of(getActor(ctx).school);
  }

  private owner(ctx: TurnContext, s: ReportState): DraftOwner {
    const a = getActor(ctx);
    return { schoolId: a.school.id, aad: a.aadObjectId, draftId: s.draftId };
  }

  private applies(step: IncidentStep, s: ReportState): boolean {
    if (step === 'platformOther') return s.answers.platform === 'other';
    if (step === 'subject') return s.answers.responsible === 'staff';
    if (step === 'evidence') return !isIndecent(s);
    return true;
  }

  private nextAfter(step: IncidentStep, s: ReportState): IncidentStep {
    for (let i = ORDER.indexOf(step) + 1; i < ORDER.length; i++) if (this.applies(ORDER[i], s)) return ORDER[i];
    return 'summary';
  }

  private progress(step: IncidentStep, s: ReportState): string {
    const counted = ORDER.filter((x) => x !== 'summary' && x !== 'platformOther' && this.applies(x, s));
    const i = counted.indexOf(step === 'platformOther' ? 'platform' : step);
    return `Question ${i + 1} of ${counted.length}`;
  }

  // ---- asking ----

  protected async ask(ctx: TurnContext, s: ReportState): Promise<void> {
    const card = await this.cardFor(ctx, s);
    await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  }

  private async cardFor(ctx: TurnContext, s: ReportState): Promise<CardAttachment> {
    const step = s.step;
    const terms = this.policy(ctx).terms;
    const headTitle = terms.headTitle;
    const progress = this.progress(step, s);
    const choice = (question: string, choices: Record<string, string>, hints: string[] = []) =>
      buildChoiceStepCard({
        step,
        progress,
        question,
        hints,
        choices: Object.entries(choices).map(([value, title]) => ({ value, title })),
        selected: String((s.answers as Record<string, unknown>)[step] ?? ''),
        canGoBack: s.history.length > 0,
      });
    const text = (question: string, hints: string[], placeholder: string, multiline: boolean, maxLength = TEXT_LIMIT) =>
      buildTextStepCard({ step, progress, question, hints, placeholder, multiline, maxLength, value: String((s.answers as Record<string, unknown>)[step] ?? '') });

    switch (step) {
      case 'category':
        return choice('What do you want to report?', INCIDENT_CATEGORIES, ['If a child is in immediate danger, call 999 now.']);
      case 'affected':
        return choice('Who is affected?', AFFECTED);
      case 'responsible':
        return choice('Who is responsible, if you know?', RESPONSIBLE, [
          `If it is the ${headTitle}, the ${terms.chairTitle ?? 'chair of governors'} deals with it and the ${headTitle} will not see your report.`,
        ]);
      case 'subject': {
        const actor = getActor(ctx);
        const staff = schoolStaff(await this.deps.members(actor.school.id)).filter((m) => m.aadObjectId !== actor.aadObjectId);
        const chosen = s.answers.subject?.aadObjectId;
        return buildSubjectStepCard({
          progress,
          question: 'Who is it? (optional)',
          hints: [
            'Type a name to search the staff. The person you name is not told of your report and cannot see it.',
            `If it is the ${headTitle}, choose them: the ${terms.chairTitle ?? 'chair of governors'} deals with it.`,
          ],
          staffChoices: pickerSuggestions(staff, actor.member, chosen ? [chosen] : [])
            .filter((m) => m.aadObjectId !== actor.aadObjectId)
            .map((m) => ({ value: m.aadObjectId, title: staffTitle(m) })),
          staffDataset: staffDataset(actor.school.id),
          selected: chosen ?? '',
        });
      }
      case 'platform':
        return choice('Where did it happen?', PLATFORMS);
      case 'platformOther':
        return text('Which app or website?', [], 'For example: Discord', false, 200);
      case 'where':
        return text('Where exactly?', ['Paste the link (URL), or write the name of the group or account.'], 'https://… or @account', false);
      case 'when': {
        const w = s.answers.when && s.answers.when !== 'ongoing' ? s.answers.when : '';
        return buildWhenStepCard({
          step: 'when',
          progress,
          question: 'When did it happen?',
          hints: ['Or type it, for example: today 3:30pm, or 14/03/2026.'],
          max: londonDate(this.deps.clock()),
          date: w.slice(0, 10),
          time: w.slice(11, 16),
        });
      }
      case 'whatHappened':
        return text(
          'What happened?',
          isIndecent(s)
            ? ['Describe what you saw in words only. Do not send, copy or screenshot the images.']
            : ['Describe it in your own words: what was posted or said, and by whom if you know.'],
          'What happened…',
          true,
        );
      case 'pupilAtRisk':
        return choice('Do you think a pupil is at risk of harm?', PUPIL_AT_RISK);
      case 'evidence': {
        const fresh = await this.openDraft(ctx, s);
        // A draft created just now holds nothing yet: no need to look.
        const received = fresh ? 0 : (await this.evidence(ctx, s)).length;
        const askedBy = s.answers.category ? screenshotsAskedBy(this.policy(ctx), s.answers.category) : undefined;
        return buildEvidenceStepCard({
          progress,
          question: 'Screenshots',
          hints: [
            `Paste or attach screenshots here, one or several.${askedBy ? ` Your school's policy asks for them (${askedBy}).` : ''}`,
            'On a phone, "Upload screenshots" lets you use the camera or your photos.',
            'When you have finished, press Done (or type done).',
          ],
          received,
          max: MAX_IMAGES_PER_REPORT,
          uploadUrl: await this.deps.evidence.uploadLink(this.owner(ctx, s)),
        });
      }
      case 'summary':
        return buildSummaryCard(await this.summaryData(ctx, s));
    }
  }

  private async summaryData(ctx: TurnContext, s: ReportState) {
    const a = s.answers;
    const evidence = isIndecent(s) ? [] : s.draftOpened ? await this.evidence(ctx, s) : [];
    const what = a.whatHappened ?? '';
    const facts = [
      { title: 'Type', value: a.category ? INCIDENT_CATEGORIES[a.category] : '' },
      { title: 'Who is affected', value: a.affected ? AFFECTED[a.affected] : '' },
      { title: 'Who is responsible', value: a.responsible ? RESPONSIBLE[a.responsible] : '' },
      ...(a.responsible === 'staff' ? [{ title: 'Who it is about', value: a.subject?.name ?? 'Not said' }] : []),
      { title: 'Platform', value: a.platform === 'other' && a.platformOther ? `Other: ${a.platformOther}` : a.platform ? PLATFORMS[a.platform] : '' },
      { title: 'Where', value: a.where ?? '' },
      { title: 'When', value: a.when ? describeWhen(a.when) : '' },
      { title: 'What happened', value: what.length > 300 ? what.slice(0, 300) + '…' : what },
      { title: 'Pupil at risk', value: a.pupilAtRisk ? PUPIL_AT_RISK[a.pupilAtRisk] : '' },
      { title: 'Screenshots', value: isIndecent(s) ? 'None (never for this kind of report)' : String(evidence.length) },
    ];
    const fields = ORDER.filter((x) => x !== 'summary' && x !== 'platformOther' && this.applies(x, s)).map((x) => ({ value: x, title: FIELD_LABELS[x]! }));
    const policy = this.policy(ctx);
    const named = a.responsible === 'staff' && a.subject ? (await this.deps.members(getActor(ctx).school.id)).find((m) => m.aadObjectId === a.subject!.aadObjectId) : undefined;
    const routing = routeIncident(a as IncidentAnswers, policyRoutes(policy, a as IncidentAnswers), { subjectIsHead: named !== undefined && isHead(named) });
    if (named) routing.subject = { aadObjectId: named.aadObjectId, name: named.name };
    const routeNote = `When you send it: ${whoIsTold({ kind: 'incident', routing }, policy.terms, { tense: 'future' })}`;
    return { facts, fields, routeNote };
  }

  /** Make sure the draft row exists; true when it was created just now (so it holds no evidence). */
  private async openDraft(ctx: TurnContext, s: ReportState): Promise<boolean> {
    if (s.draftOpened) return false;
    const fresh = await this.deps.evidence.openDraft(this.owner(ctx, s), { noImages: isIndecent(s) });
    s.draftOpened = true;
    if (!fresh) this.forgetEvidence(ctx);
    return fresh;
  }

  /** The draft's evidence, read once per turn (the turn may announce uploads, count, then summarise). */
  private evidence(ctx: TurnContext, s: ReportState): Promise<EvidenceRecord[]> {
    let listed = ctx.turnState.get(EVIDENCE_THIS_TURN) as Promise<EvidenceRecord[]> | undefined;
    if (!listed) {
      listed = this.deps.evidence.list(this.owner(ctx, s));
      ctx.turnState.set(EVIDENCE_THIS_TURN, listed);
      // A failed read is not kept: the next caller in the turn asks again.
      listed.catch(() => this.forgetEvidence(ctx));
    }
    return listed;
  }

  /** The evidence changed in this turn: the next reading goes to storage. */
  private forgetEvidence(ctx: TurnContext): void {
    ctx.turnState.delete(EVIDENCE_THIS_TURN);
  }

  // ---- answering ----

  /** Screenshots sent from the upload page since the last turn are announced here. */
  protected override async beforeTurn(ctx: TurnContext, s: ReportState): Promise<void> {
    if (!s.draftOpened || isIndecent(s)) return;
    const uploads = (await this.evidence(ctx, s)).filter((v) => v.source === 'upload').length;
    if (uploads > s.uploadsAnnounced) {
      const n = uploads - s.uploadsAnnounced;
      s.uploadsAnnounced = uploads;
      await ctx.sendActivity(`${n} screenshot${n === 1 ? '' : 's'} received from the upload page.`);
    }
  }

  protected async answer(dc: DialogContext, s: ReportState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const a = ctx.activity;
    const submit: IncidentSubmit | undefined = isIncidentSubmit(a.value) ? a.value : undefined;
    if (submit && submit.step !== s.step) {
      return this.retry(ctx, s, 'That card is from an earlier question. Please answer this one:');
    }
    if (!submit && s.step !== 'evidence' && hasAttachments(a)) {
      return this.imagesAtWrongStep(ctx, s);
    }
    switch (s.step) {
      case 'category':
        return this.onChoice(ctx, s, INCIDENT_CATEGORIES, submit, async (v) => {
          const wasIndecent = isIndecent(s);
          const policy = this.policy(ctx);
          s.answers.category = v;
          s.noImages = screenshotsForbidden(policy, v);
          if (s.noImages) {
            const lines = adviceAfterReport(policy, { category: v } as IncidentAnswers);
            await ctx.sendActivity(lines.length ? lines.join('\n\n') : NO_IMAGES_FALLBACK);
            if (s.draftOpened) await this.deps.evidence.openDraft(this.owner(ctx, s), { noImages: true });
          } else if (wasIndecent && s.draftOpened) {
            await this.deps.evidence.openDraft(this.owner(ctx, s), { noImages: false });
          }
          this.forgetEvidence(ctx);
        });
      case 'affected':
        return this.onChoice(ctx, s, AFFECTED, submit, (v) => void (s.answers.affected = v));
      case 'responsible':
        return this.onChoice(ctx, s, RESPONSIBLE, submit, (v) => {
          s.answers.responsible = v;
          if (v !== 'staff') delete s.answers.subject;
        });
      case 'subject':
        return this.onSubject(ctx, s, submit);
      case 'platform':
        return this.onChoice(ctx, s, PLATFORMS, submit, (v) => {
          s.answers.platform = v;
          if (v !== 'other') delete s.answers.platformOther;
        });
      case 'platformOther':
        return this.onText(ctx, s, checkText(submit?.value ?? a.text, 200), (v) => (s.answers.platformOther = v));
      case 'where':
        return this.onText(ctx, s, checkWhere(submit?.value ?? a.text), (v) => (s.answers.where = v));
      case 'when': {
        const checked =
          submit?.action === 'ongoing'
            ? ({ ok: true, value: 'ongoing' } as const)
            : checkWhen(submit ? { date: submit.date, time: submit.time, text: submit.value } : { text: a.text }, this.deps.clock());
        return this.onText(ctx, s, checked, (v) => (s.answers.when = v));
      }
      case 'whatHappened':
        return this.onText(ctx, s, checkText(submit?.value ?? a.text), (v) => (s.answers.whatHappened = v));
      case 'pupilAtRisk':
        return this.onChoice(ctx, s, PUPIL_AT_RISK, submit, (v) => void (s.answers.pupilAtRisk = v));
      case 'evidence':
        return this.onEvidence(ctx, s, submit);
      case 'summary':
        return this.onSummary(dc, s, submit);
    }
  }

  private async onChoice<K extends string>(
    ctx: TurnContext,
    s: ReportState,
    choices: Record<K, string>,
    submit: IncidentSubmit | undefined,
    apply: (v: K) => Promise<void> | void,
  ): Promise<DialogTurnResult> {
    const raw = submit ? submit.value : ctx.activity.text;
    // Own keys only: a forged value such as "constructor" is in every object's prototype chain.
    const v = submit ? (raw && Object.hasOwn(choices, raw) ? (raw as K) : undefined) : matchChoice(raw, choices);
    if (!v) return this.retry(ctx, s, 'Sorry, I did not catch that. Please choose one of the options (or type its number).');
    await apply(v);
    return this.advance(ctx, s);
  }

  private async onText(ctx: TurnContext, s: ReportState, checked: Checked<string>, apply: (v: string) => void): Promise<DialogTurnResult> {
    if (!checked.ok) return this.retry(ctx, s, checked.message);
    apply(checked.value);
    return this.advance(ctx, s);
  }

  /** A member of the school's staff chosen in the picker (or typed by full name), or nothing said. */
  private async onSubject(ctx: TurnContext, s: ReportState, submit: IncidentSubmit | undefined): Promise<DialogTurnResult> {
    const typed = submit ? undefined : normaliseText(ctx.activity.text);
    if (submit?.action === 'skip' || (submit?.action === 'answer' && !submit.value) || (typed !== undefined && NOT_SAYING_WORDS.has(typed))) {
      delete s.answers.subject;
      return this.advance(ctx, s);
    }
    const actor = getActor(ctx);
    const staff = schoolStaff(await this.deps.members(actor.school.id));
    const hit = submit?.value
      ? staff.find((m) => m.aadObjectId === submit.value)
      : (() => {
          const same = staff.filter((m) => normaliseText(m.name) === typed);
          return same.length === 1 ? same[0] : undefined;
        })();
    if (!hit) return this.retry(ctx, s, "I could not find that person among your school's staff. Choose them from the list, or press \"I'd rather not say / don't know\".");
    s.answers.subject = { aadObjectId: hit.aadObjectId, name: hit.name };
    return this.advance(ctx, s);
  }

  /** Next question, or back to the summary when changing one answer. */
  private async advance(ctx: TurnContext, s: ReportState): Promise<DialogTurnResult> {
    const next = this.nextAfter(s.step, s);
    if (s.editing && next !== 'platformOther' && next !== 'subject') {
      while (s.history.length && s.history.pop() !== 'summary');
      s.editing = false;
      s.step = 'summary';
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    return this.goTo(ctx, s, next);
  }

  private async imagesAtWrongStep(ctx: TurnContext, s: ReportState): Promise<DialogTurnResult> {
    if (isIndecent(s)) {
      return this.retry(
        ctx,
        s,
        'I have not opened or saved what you sent. For this kind of report, please do not send images: describe what you saw in words only. ' +
          'Do not forward, copy or delete them.',
      );
    }
    return this.retry(ctx, s, 'I have not saved that yet: I will ask for screenshots in a moment. Please answer this question first.');
  }

  /** Screenshots arrive here, several per message or one by one, until "done". */
  private async onEvidence(ctx: TurnContext, s: ReportState, submit: IncidentSubmit | undefined): Promise<DialogTurnResult> {
    const a = ctx.activity;
    if (submit?.action === 'done' || (!submit && DONE_WORDS.has(normaliseText(a.text)) && !a.attachments?.length)) {
      return this.goTo(ctx, s, 'summary');
    }
    const { images, other } = incomingImages(a);
    if (images.length === 0 && other.length === 0) {
      return this.retry(ctx, s, 'Paste or attach a screenshot, or press Done if you have none.');
    }
    const fresh = await this.openDraft(ctx, s);
    const received: string[] = [];
    const refused: string[] = other.map((name) => `"${shortName(name)}" was not saved: it is not a picture.`);
    if (images.length) {
      // How many the draft holds already: usually read for this turn already (uploads from the page).
      const [held] = await Promise.all([fresh ? 0 : this.evidence(ctx, s).then((l) => l.length), ctx.sendActivity({ type: ActivityTypes.Typing })]);
      const results = await this.deps.evidence.receiveFromChat(this.owner(ctx, s), images, this.deps.bearer(ctx), held);
      this.forgetEvidence(ctx);
      for (const r of results) {
        if (r.ok) received.push(`Screenshot ${r.number} received (${describeImage(r.record)}).`);
        else refused.push(`"${shortName(r.originalName)}" was not saved: ${r.text}.`);
      }
      this.deps.log.info({ draftId: s.draftId, received: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length }, 'evidence from chat');
    }
    // A reply must stay well inside Teams' message size, however many files one message carried.
    const lines = [...received, ...refused.slice(0, MAX_REFUSALS_LISTED)];
    if (refused.length > MAX_REFUSALS_LISTED) {
      lines.push(`${refused.length - MAX_REFUSALS_LISTED} more files were not saved either. Please send at most ${MAX_IMAGES_PER_REPORT} screenshots, and only pictures.`);
    }
    lines.push('Send more, or press **Done** (or type done) when you have finished.');
    await ctx.sendActivity(lines.join('\n\n'));
    return Dialog.EndOfTurn;
  }

  private async onSummary(dc: DialogContext, s: ReportState, submit: IncidentSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const typed = normaliseText(ctx.activity.text);
    if (submit?.action === 'submit' || (!submit && SUBMIT_WORDS.has(typed))) return this.submit(dc, s);
    let field: string | undefined;
    if (submit?.action === 'edit') field = submit.field;
    else {
      const m = /^(?:change|edit)\s+(.+)$/.exec(typed);
      if (m) field = (Object.keys(FIELD_LABELS) as IncidentStep[]).find((k) => k.toLowerCase() === m[1].replace(/\s+/g, '') || FIELD_LABELS[k]!.toLowerCase() === m[1]);
    }
    if (field && Object.hasOwn(FIELD_LABELS, field) && this.applies(field as IncidentStep, s)) {
      s.editing = true;
      return this.goTo(ctx, s, field as IncidentStep);
    }
    return this.retry(
      ctx,
      s,
      submit?.action === 'edit' ? 'Choose the answer you want to change first.' : 'Press **Send report** to send it, choose an answer to change, or type **cancel**.',
    );
  }

  /** Save the case (once, even if Send is pressed twice), then tell the reporter what happens next. */
  private async submit(dc: DialogContext, s: ReportState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const actor = getActor(ctx);
    // The typing indicator goes out while the report is saved (the DSL's alert should not wait for it);
    // it is only a courtesy, so a failure to show it never fails the report.
    const typing = ctx.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
    const answers = s.answers as IncidentAnswers;
    const o = this.owner(ctx, s);
    const evidence = isIndecent(s) || !s.draftOpened ? [] : await this.evidence(ctx, s);
    const policy = this.policy(ctx);
    const { case: saved, duplicate, nobodyToAlert } = await this.deps.cases.submitIncident({
      school: actor.school,
      submitter: actor.member,
      submissionId: s.draftId,
      answers,
      evidence,
      policy,
    });
    if (s.draftOpened) await this.deps.evidence.markSubmitted(o);
    await typing;
    this.deps.log.info({ caseId: saved.id, draftId: s.draftId, duplicate, evidence: evidence.length }, 'incident submitted');
    if (nobodyToAlert) this.deps.log.warn({ caseId: saved.id, nobodyToAlert }, 'nobody in the directory to alert');
    // Where screenshots are forbidden, the policy's lines are what not to do: shown as a warning.
    const advice = adviceAfterReport(policy, answers);
    const card = buildSubmittedCard({
      reference: saved.reference,
      whoIsTold: whoIsTold(saved, policy.terms, { nobody: nobodyToAlert }),
      guidance: isIndecent(s) ? advice : [],
      advice: isIndecent(s) ? [] : advice,
    });
    await ctx.sendActivity({ text: `Report sent. Your reference is ${saved.reference}.`, attachments: [CardFactory.adaptiveCard(card.content)] });
    return dc.endDialog({ reference: saved.reference, caseId: saved.id });
  }

  /** Cancelled: nothing is kept, screenshots included, and the upload page stops accepting files. */
  protected override async onCancelled(ctx: TurnContext, s: ReportState): Promise<void> {
    if (!s.draftOpened) return;
    try {
      await this.deps.evidence.openDraft(this.owner(ctx, s), { noImages: true });
    } catch (e) {
      this.deps.log.warn({ draftId: s.draftId, errorName: (e as Error).name }, 'could not discard draft evidence');
    }
  }
}
