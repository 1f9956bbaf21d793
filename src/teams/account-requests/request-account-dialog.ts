import { randomBytes } from 'node:crypto';
import { CardFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../dialog-sdk.js';
import type { Logger } from '../../log.js';
import type { AppServices } from '../../services.js';
import type { Member } from '../../domain/directory/directory.js';
import { InvalidChangeError, type Clock } from '../../domain/cases/case-service.js';
import type { CaseRecord } from '../../domain/cases/types.js';
import {
  FORM_FIELDS,
  FORM_PAGES,
  GROUPS,
  MAX_NAMED,
  HOSTS,
  OPENNESS,
  accountRequestFacts,
  answersToForm,
  checkAccountRequest,
  errorsUpTo,
  pageOf,
  schoolStaff,
  type AccountRequestAnswers,
  type FieldErrors,
  type FormField,
  type FormPage,
} from '../../domain/account-requests/account-request.js';
import { ACCOUNT_PLATFORMS } from '../../domain/account-requests/minimum-age.js';
import { londonDate } from '../../domain/time.js';
import { currentStep, stageText } from '../../domain/account-requests/approval-chain.js';
import { accountPolicyOf, type AccountPolicy } from '../../domain/account-requests/account-policy.js';
import type { PolicyService } from '../../domain/policy/policy-service.js';
import { answersOf, stageOf, type AccountRequestService } from '../../domain/account-requests/account-request-service.js';
import {
  buildAccountFormCard,
  buildAccountSentCard,
  buildAccountSummaryCard,
  isRequestAccountSubmit,
  type RequestAccountSubmit,
  type RequestStep,
} from './account-request-cards.js';
import { chainRows, staffDataset, staffTitle } from './account-request-actions.js';
import { pickerSuggestions } from '../../domain/account-requests/people-suggestions.js';
import { normaliseText } from '../commands.js';
import { FlowDialog, type FlowState } from '../flow-dialog.js';
import { getActor } from '../turn-context-keys.js';

export const REQUEST_ACCOUNT_DIALOG = 'requestAccount';

export interface RequestAccountDeps {
  requests: Pick<AccountRequestService, 'submit' | 'resubmit' | 'forRequester' | 'previewChain'>;
  /** The requester's school's own policy: its approvers, minimums and clauses. */
  policies: Pick<PolicyService, 'of'>;
  /** Everyone in the school's directory (the pickers list its staff). */
  members: (schoolId: string) => Promise<Member[]>;
  clock: Clock;
  log: Logger;
  newSubmissionId?: () => string;
}

interface RequestState extends FlowState<RequestStep> {
  submissionId: string;
  /** The form's values as submitted (strings), kept across its three cards and for "edit". */
  form: Partial<Record<FormField, string>>;
  /** Problems with the last submitted card, shown under their fields once. */
  errors: FieldErrors;
  answers?: AccountRequestAnswers;
  /** Editing a request an approver sent back ("ask for changes"). */
  resubmit?: { caseId: string; reference: string; changes: string };
}

const PAGE_ORDER: FormPage[] = ['about', 'people', 'dates'];
const CONFIRM_WORDS = new Set(['confirm', 'yes', 'send', 'submit', 'resubmit']);
const EDIT_WORDS = new Set(['edit', 'change', 'change answers']);
const choices = (o: Record<string, string>) => Object.entries(o).map(([value, title]) => ({ value, title }));
const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const isFormPage = (s: RequestStep): s is FormPage => s !== 'summary';

/**
 * Request an official school social-media account (spec flow 2): the business case on three cards (a
 * teacher fills it in once, on a laptop, and wants to see it whole), each problem shown under its field, a
 * summary naming who will approve, in the order the school's own policy sets, then the case is saved and the
 * first approver gets their card. Minimums, the minimum age and the review and monitoring duties are checked
 * and shown with the school's own clauses (account-policy.ts), and without any where its policy is silent.
 * "Edit and resubmit" on an approver's request for changes reopens it.
 */
export class RequestAccountDialog extends FlowDialog<RequestStep, RequestState> {
  protected override readonly unfinishedName = 'account request';
  constructor(private readonly deps: RequestAccountDeps) {
    super(REQUEST_ACCOUNT_DIALOG);
  }

  protected async initialState(dc: DialogContext): Promise<RequestState> {
    const actor = getActor(dc.context);
    const s: RequestState = {
      step: 'about',
      history: [],
      editing: false,
      submissionId: this.deps.newSubmissionId?.() ?? randomBytes(12).toString('hex'),
      form: { lineManager: actor.member.lineManager ?? '' },
      errors: {},
    };
    const caseId = (dc.context.activity.value as { caseId?: unknown } | undefined)?.caseId;
    if (typeof caseId === 'string' && /^[0-9a-f]{16}$/.test(caseId)) {
      const c = await this.deps.requests.forRequester(actor.member, caseId).catch(() => undefined);
      if (c && c.status === 'changesRequested') {
        s.form = answersToForm(answersOf(c));
        s.resubmit = { caseId: c.id, reference: c.reference, changes: lastReason(c) };
      } else {
        await dc.context.sendActivity(c ? `${c.reference} is not waiting for changes, so there is nothing to resubmit. Here is a new request instead.` : 'That request could not be found. Here is a new request instead.');
      }
    }
    return s;
  }

  // ---- asking ----

  protected async ask(ctx: TurnContext, s: RequestState): Promise<void> {
    const card = isFormPage(s.step) ? await this.formCard(ctx, s, s.step) : await this.summaryCard(ctx, s);
    s.errors = {};
    await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  }

  /** The requester's school's rules for accounts. */
  private policy(ctx: TurnContext): AccountPolicy {
    return accountPolicyOf(this.deps.policies.of(getActor(ctx).school));
  }

  private async formCard(ctx: TurnContext, s: RequestState, page: FormPage) {
    const actor = getActor(ctx);
    const policy = this.policy(ctx);
    const n = policy.minimumNamed;
    const least = n.administrators === n.moderators ? `at least ${n.administrators} of each` : `at least ${n.administrators} administrators and ${n.moderators} moderators`;
    const staff = schoolStaff(await this.deps.members(actor.school.id));
    const chosen = (['administrators', 'moderators', 'lineManager'] as const).flatMap((f) => (s.form[f] ?? '').split(',').slice(0, MAX_NAMED));
    const values: Record<string, unknown> = {};
    for (const f of FORM_FIELDS) values[f] = s.form[f] ?? '';
    for (const f of ['pupilAgeFrom', 'pupilAgeTo'] as const) if (/^\d+$/.test(s.form[f] ?? '')) values[f] = Number(s.form[f]);
    const errors: Record<string, string> = {};
    for (const f of FORM_FIELDS) errors[f] = s.errors[f] ?? '';
    return buildAccountFormCard(page, {
      ...values,
      progress: `${PAGE_ORDER.indexOf(page) + 1} of ${PAGE_ORDER.length}`,
      intro: s.resubmit && page === 'about' ? `Editing ${s.resubmit.reference}. Changes asked for: ${s.resubmit.changes}` : '',
      hasErrors: Object.keys(s.errors).length > 0,
      errors,
      platformChoices: choices(ACCOUNT_PLATFORMS),
      groupChoices: choices(GROUPS),
      opennessChoices: choices(OPENNESS),
      hostChoices: choices(HOSTS),
      staffChoices: pickerSuggestions(staff, actor.member, chosen).map((m) => ({ value: m.aadObjectId, title: staffTitle(m) })),
      staffDataset: staffDataset(actor.school.id),
      today: londonDate(this.deps.clock()),
      peopleNote: `Administrators and moderators must be staff of the school: ${least}, so that the account is covered during absences.${policy.namedCitation ? ` ${policy.namedCitation}` : ''}`,
      lineManagerLabel: policy.chain[0] === 'lineManager' ? 'Your line manager (the first to approve)' : 'Your line manager',
      datesNote: 'Plan from the outset how long the account will last and how you will judge it.',
    });
  }

  private async summaryCard(ctx: TurnContext, s: RequestState) {
    const actor = getActor(ctx);
    const chain = await this.deps.requests.previewChain(actor.member, s.answers!.lineManager);
    const policy = this.policy(ctx);
    return buildAccountSummaryCard({
      facts: accountRequestFacts(s.answers!),
      chain: chainRows(chain, -1, policy.terms),
      policyLines: [policy.approvalNote, ...policy.duties].filter(Boolean),
      resubmitting: !!s.resubmit,
    });
  }

  // ---- answering ----

  protected async answer(dc: DialogContext, s: RequestState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const submit = isRequestAccountSubmit(ctx.activity.value) ? ctx.activity.value : undefined;
    if (submit && submit.step !== s.step) return this.retry(ctx, s, 'That card is from an earlier step. Please use this one:');
    return isFormPage(s.step) ? this.onPage(dc, s, s.step, submit) : this.onSummary(dc, s, submit);
  }

  /** Keep this card's values; show its problems under their fields, or move on to the next card. */
  private async onPage(dc: DialogContext, s: RequestState, page: FormPage, submit: RequestAccountSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    if (!submit) return this.retry(ctx, s, 'Please fill in the form and press **Next** (or type **back** or **cancel**).');
    for (const f of FORM_PAGES[page]) {
      const v = submit[f];
      s.form[f] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    }
    const actor = getActor(ctx);
    const checked = checkAccountRequest(s.form, { staff: schoolStaff(await this.deps.members(actor.school.id)), today: londonDate(this.deps.clock()), policy: this.policy(ctx) });
    const errors = checked.ok ? {} : errorsUpTo(checked.errors, page);
    if (Object.keys(errors).length) {
      s.errors = errors;
      const first = PAGE_ORDER.find((p) => Object.keys(errors).some((f) => pageOf(f as FormField) === p))!;
      if (first !== page) s.step = first; // e.g. a colleague chosen earlier has left the directory
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    const next = PAGE_ORDER[PAGE_ORDER.indexOf(page) + 1];
    if (next) return this.goTo(ctx, s, next);
    s.answers = (checked as { ok: true; answers: AccountRequestAnswers }).answers;
    return this.goTo(ctx, s, 'summary');
  }

  /** Confirm, edit (back to the first card, filled in) or ask again. */
  private async onSummary(dc: DialogContext, s: RequestState, submit: RequestAccountSubmit | undefined): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const typed = normaliseText(ctx.activity.text);
    if (submit?.action === 'confirm' || (!submit && CONFIRM_WORDS.has(typed))) return this.submit(dc, s);
    if (submit?.action === 'edit' || (!submit && EDIT_WORDS.has(typed))) {
      s.history = [];
      s.step = 'about';
      await this.ask(ctx, s);
      return Dialog.EndOfTurn;
    }
    return this.retry(ctx, s, 'Press **Confirm** to send it, **Edit** to change it, or type **cancel**.');
  }

  /** Save it (once, even if Confirm is pressed twice) and say who approves it first. */
  private async submit(dc: DialogContext, s: RequestState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const actor = getActor(ctx);
    let c: CaseRecord;
    try {
      const r = s.resubmit
        ? await this.deps.requests.resubmit(actor.member, s.resubmit.caseId, s.answers!)
        : await this.deps.requests.submit({ school: actor.school, requester: actor.member, submissionId: s.submissionId, answers: s.answers! });
      c = r.case;
      this.deps.log.info({ caseId: c.id, submissionId: s.submissionId, result: r.kind, resubmit: !!s.resubmit }, 'account request submitted');
    } catch (e) {
      if (!(e instanceof InvalidChangeError)) throw e;
      await ctx.sendActivity(`${e.message} Nothing was saved.`);
      return dc.endDialog();
    }
    const st = stageOf(c);
    const first = st.chain[currentStep(st.chain)];
    const card = buildAccountSentCard({
      title: s.resubmit ? 'Request resubmitted' : 'Request sent',
      reference: c.reference,
      whoIsAsked: first ? whoIsAsked(first, this.policy(ctx)) : '',
    });
    await ctx.sendActivity({ text: `${s.resubmit ? 'Request resubmitted' : 'Request sent'}. Your reference is ${c.reference}.`, attachments: [CardFactory.adaptiveCard(card.content)] });
    return dc.endDialog({ reference: c.reference, caseId: c.id });
  }
}

/** "Your line manager (Rachel Moore) has been asked to approve it first."; the senior team: "The SLT (any one member) …". */
function whoIsAsked(first: Parameters<typeof stageText>[0], policy: AccountPolicy): string {
  const who = stageText(first, policy.terms).replace(/^Awaiting /, '');
  const lead = first!.role === 'lineManager' ? `Your ${who}` : `The ${who}`;
  return `${capitalise(lead)} has been asked to approve it${policy.chain.length > 1 ? ' first' : ''}.`;
}

function lastReason(c: CaseRecord): string {
  const d = stageOf(c).decisions;
  return d[d.length - 1]?.reason ?? '';
}

/** The dialog as the app builds it (src/teams/flows.ts). */
export function createRequestAccountDialog(services: Pick<AppServices, 'accountRequests' | 'directory' | 'policies' | 'clock' | 'log'>): RequestAccountDialog {
  return new RequestAccountDialog({
    requests: services.accountRequests,
    policies: services.policies,
    members: (schoolId) => services.directory.members(schoolId),
    clock: services.clock,
    log: services.log,
  });
}
