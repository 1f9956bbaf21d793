import { randomBytes } from 'node:crypto';
import { CardFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../dialog-sdk.js';
import type { Logger } from '../../log.js';
import type { AppServices } from '../../services.js';
import { STATUS_LABELS, type CaseRecord } from '../../domain/cases/types.js';
import { isHead } from '../../domain/directory/directory.js';
import type { DeclarationService } from '../../domain/declarations/declaration-service.js';
import type { PolicyService } from '../../domain/policy/policy-service.js';
import { declarationWording, type DeclarationWording } from '../../domain/declarations/declaration-policy.js';
import {
  CONNECTED_PLATFORMS,
  OTHER_RELATIVES,
  RELATIONSHIPS,
  checkDeclarationForm,
  declarationFacts,
  type DeclarationAnswers,
} from '../../domain/declarations/declaration.js';
import {
  buildDeclarationFormCard,
  buildDeclarationSentCard,
  buildDeclarationSummaryCard,
  isDeclareSubmit,
  type DeclareSubmit,
} from './declaration-cards.js';
import { normaliseText } from '../commands.js';
import { FlowDialog, type FlowState } from '../flow-dialog.js';
import { getActor } from '../turn-context-keys.js';

export const DECLARE_RELATIONSHIP_DIALOG = 'declareRelationship';

export interface DeclareDeps {
  declarations: Pick<DeclarationService, 'declare' | 'existingFor'>;
  /** The declarer's school's own policy: what it says about family relationships, in its words. */
  policies: Pick<PolicyService, 'of'>;
  log: Logger;
  newSubmissionId?: () => string;
}

type DeclareStep = 'form' | 'summary';

/** The form's input ids: kept as submitted, so the form can be shown again filled in. */
const FORM_FIELDS = ['pupilName', 'yearGroup', 'relationship', 'relationshipOther', 'platforms', 'platformsOther', 'otherRelatives', 'otherRelativesDetail', 'anythingElse', 'confirmed'] as const;

interface DeclareState extends FlowState<DeclareStep> {
  submissionId: string;
  form: Partial<Record<(typeof FORM_FIELDS)[number], string>>;
  /** Problems with the last submitted form, shown on it once. */
  errors: string[];
  answers?: DeclarationAnswers;
}

const CONFIRM_WORDS = new Set(['confirm', 'yes', 'send', 'submit']);
const EDIT_WORDS = new Set(['edit', 'change', 'change answers']);
const choices = (o: Record<string, string>) => Object.entries(o).map(([value, title]) => ({ value, title }));

/**
 * Declare a family relationship with a pupil (spec flow 3): one form, a summary to confirm, edit ("back"
 * works too) or cancel, then the case is saved and the headteacher — or the chair of governors for the
 * headteacher's own — is asked to acknowledge it. What the form, the declaration and the "sent" card say
 * about the duty to declare and about contact comes from the declarer's own school's policy
 * (declaration-policy.ts): a policy that asks for no declaration, or makes no exception for family, is
 * told as such, and the relationship can still be recorded. The pupil's name is never logged.
 */
export class DeclareRelationshipDialog extends FlowDialog<DeclareStep, DeclareState> {
  protected override readonly unfinishedName = 'declaration';
  constructor(private readonly deps: DeclareDeps) {
    super(DECLARE_RELATIONSHIP_DIALOG);
  }

  protected initialState(): DeclareState {
    return { step: 'form', history: [], editing: false, submissionId: this.deps.newSubmissionId?.() ?? randomBytes(12).toString('hex'), form: {}, errors: [] };
  }

  // ---- asking ----

  protected async ask(ctx: TurnContext, s: DeclareState): Promise<void> {
    const w = this.wording(ctx);
    const card =
      s.step === 'form'
        ? buildDeclarationFormCard({
            headTitle: this.deps.policies.of(getActor(ctx).school).terms.headTitle,
            intro: w.intro,
            declaration: w.declaration,
            errors: s.errors,
            relationshipChoices: choices(RELATIONSHIPS),
            platformChoices: choices(CONNECTED_PLATFORMS),
            relativesChoices: choices(OTHER_RELATIVES),
            pupilName: s.form.pupilName ?? '',
            yearGroup: s.form.yearGroup ?? '',
            relationship: s.form.relationship ?? '',
            relationshipOther: s.form.relationshipOther ?? '',
            platforms: s.form.platforms ?? '',
            platformsOther: s.form.platformsOther ?? '',
            otherRelatives: s.form.otherRelatives ?? '',
            otherRelativesDetail: s.form.otherRelativesDetail ?? '',
            anythingElse: s.form.anythingElse ?? '',
            confirmed: s.form.confirmed === 'true' ? 'true' : 'false',
          })
        : buildDeclarationSummaryCard({
            facts: declarationFacts(s.answers!),
            declaration: w.declaration,
            routeNote: `When you confirm, ${w.acknowledger} is asked to acknowledge it.`,
          });
    s.errors = [];
    await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  }

  /** What the declarer's school's policy says, in its words; the chair acknowledges the head's own. */
  private wording(ctx: TurnContext): DeclarationWording {
    const a = getActor(ctx);
    return declarationWording(this.deps.policies.of(a.school), { aboutHead: isHead(a.member) });
  }

  // ---- answering ----

  protected async answer(dc: DialogContext, s: DeclareState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const submit = isDeclareSubmit(ctx.activity.value) ? ctx.activity.value : undefined;
    if (submit && submit.step !== s.step) return this.retry(ctx, s, 'That card is from an earlier step. Please use this one:');
    return s.step === 'form' ? this.onForm(dc, s, submit) : this.onSummary(dc, s, submit);
  }

  /** Check the whole form; say every problem at once, or move to the summary. */
  private async onForm(dc: DialogContext, s: DeclareState, submit: DeclareSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    if (!submit) return this.retry(ctx, s, 'Please fill in the form and press **Next** (or type **cancel** to stop).');
    s.form = {};
    for (const f of FORM_FIELDS) if (typeof submit[f] === 'string' || typeof submit[f] === 'boolean') s.form[f] = String(submit[f]);
    const checked = checkDeclarationForm(submit);
    if (!checked.ok) {
      s.errors = checked.errors;
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    const existing = await this.deps.declarations.existingFor(getActor(ctx).member, checked.answers);
    if (existing) return this.alreadyDeclared(dc, existing);
    s.answers = checked.answers;
    return this.goTo(ctx, s, 'summary');
  }

  /** Confirm, edit (back to the filled-in form) or ask again. */
  private async onSummary(dc: DialogContext, s: DeclareState, submit: DeclareSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const typed = normaliseText(ctx.activity.text);
    if (submit?.action === 'confirm' || (!submit && CONFIRM_WORDS.has(typed))) return this.submit(dc, s);
    if (submit?.action === 'edit' || (!submit && EDIT_WORDS.has(typed))) {
      await this.back(ctx, s);
      return Dialog.EndOfTurn;
    }
    return this.retry(ctx, s, 'Press **Confirm** to send it, **Edit** to change it, or type **cancel**.');
  }

  /** Save it (once, even if Confirm is pressed twice) and tell the staff member what happens next. */
  private async submit(dc: DialogContext, s: DeclareState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const actor = getActor(ctx);
    const r = await this.deps.declarations.declare({ school: actor.school, declarer: actor.member, submissionId: s.submissionId, answers: s.answers! });
    this.deps.log.info({ caseId: r.case.id, submissionId: s.submissionId, result: r.kind }, 'family declaration submitted');
    if (r.kind === 'duplicate') return this.alreadyDeclared(dc, r.case);
    const w = this.wording(ctx);
    const card = buildDeclarationSentCard({ reference: r.case.reference, whoIsTold: `${capitalise(w.acknowledger)} has been asked to acknowledge it.`, contactLine: w.contactLine });
    await ctx.sendActivity({ text: `Declaration sent. Your reference is ${r.case.reference}.`, attachments: [CardFactory.adaptiveCard(card.content)] });
    return dc.endDialog({ reference: r.case.reference, caseId: r.case.id });
  }

  private async alreadyDeclared(dc: DialogContext, c: CaseRecord): Promise<DialogTurnResult> {
    await dc.context.sendActivity(
      `You have already declared this relationship: **${c.reference}** (${STATUS_LABELS[c.status]}). Nothing new was saved. ` +
        'Type **my submissions** to see it, or withdraw it there if it no longer applies.',
    );
    return dc.endDialog({ reference: c.reference, caseId: c.id, duplicate: true });
  }
}

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The dialog as the app builds it (src/teams/flows.ts). */
export function createDeclareRelationshipDialog(services: Pick<AppServices, 'declarations' | 'policies' | 'log'>): DeclareRelationshipDialog {
  return new DeclareRelationshipDialog({ declarations: services.declarations, policies: services.policies, log: services.log });
}
