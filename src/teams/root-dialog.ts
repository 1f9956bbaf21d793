import {
  ComponentDialog,
  DialogTurnStatus,
  WaterfallDialog,
  type Dialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './dialog-sdk.js';
import { CardFactory, MessageFactory } from 'botbuilder';
import { normaliseText, parseCommand, type Command } from './commands.js';
import { buildWelcomeCard, HELP_TEXT, MENU_LABELS } from './menu-card.js';
import { firstName } from '../domain/directory/directory.js';
import { getActor } from './turn-context-keys.js';
import type { PolicyService } from '../domain/policy/policy-service.js';
import { reportingRuleQuote } from '../domain/cases/report-advice.js';
import { answerQuestion, type PolicyAsk } from '../domain/policy/ask.js';
import { MAX_KEPT_QUESTION } from '../domain/policy/ask-feedback.js';
import { buildAskAnswerCard } from './ask/ask-card.js';

export const ROOT_DIALOG = 'root';
const ROOT_WATERFALL = 'root-waterfall';

/**
 * The flows the menu can start, by command. The app registers every one (src/teams/flows.ts); a dialog
 * test registers the flow it tests, and any other choice shows the menu.
 */
export type FlowRegistry = Partial<Record<'report' | 'requestAccount' | 'declare' | 'proposePost' | 'mySubmissions', Dialog>>;

interface RootOptions {
  command?: Command;
}

/**
 * Routes a menu choice to its flow, and handles the commands that work at any step: "cancel" (ends the
 * flow, nothing saved) and "help" (explains, then repeats the current question).
 */
export class RootDialog extends ComponentDialog {
  constructor(
    private readonly flows: FlowRegistry,
    /** Each school's policy, for the reporting rule the menu quotes (none: the menu quotes nothing). */
    private readonly policies?: Pick<PolicyService, 'of'>,
    /** Each school's policy text, searchable: free text outside a flow is a question for it (none: the menu). */
    private readonly ask?: Pick<PolicyAsk, 'forSchool'>,
  ) {
    super(ROOT_DIALOG);
    for (const d of Object.values(flows)) if (d) this.addDialog(d);
    this.addDialog(new WaterfallDialog(ROOT_WATERFALL, [this.startFlowStep.bind(this), this.afterFlowStep.bind(this)]));
    this.initialDialogId = ROOT_WATERFALL;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const a = dc.context.activity;
    if (a.type !== 'message') return undefined;
    const command = parseCommand(a.text, a.value);
    if (command === 'cancel') {
      await dc.cancelAllDialogs();
      await dc.context.sendActivity('Cancelled. Nothing was saved.');
      await sendWelcome(dc, this.policies);
      return { status: DialogTurnStatus.complete };
    }
    if (command === 'help') {
      await dc.context.sendActivity(MessageFactory.text(HELP_TEXT));
      await dc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    // "Ask about the policy" pressed on an earlier card while a flow waits: answer, then ask the flow's question again.
    // (Typed text mid-flow is the flow's answer, never a question.)
    const asked = askedOnCard(a.value);
    if (asked !== undefined && this.ask && this.policies) {
      await this.answer(dc, asked);
      await dc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return undefined;
  }

  /** Answer a question from the member's own school's policy (or say it is not covered, and who to ask). */
  private async answer(dc: DialogContext, question: string): Promise<void> {
    if (!question) {
      await dc.context.sendActivity('Type your question in the box first, then press Ask.');
      return;
    }
    const actor = getActor(dc.context);
    const answer = answerQuestion(this.policies!.of(actor.school), this.ask!.forSchool(actor.school.id), question);
    const card = buildAskAnswerCard(actor.school.id, question, answer);
    await dc.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
  }

  /** Start the flow the user chose, or show the menu. */
  private async startFlowStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const command = (step.options as RootOptions | undefined)?.command;
    const flow = command && Object.hasOwn(MENU_LABELS, command) ? this.flows[command as keyof FlowRegistry] : undefined;
    if (flow) return step.beginDialog(flow.id);
    const question = this.ask && this.policies && !command ? questionOf(step.context.activity) : undefined;
    if (question !== undefined) await this.answer(step, question);
    else await sendWelcome(step, this.policies);
    return step.endDialog();
  }

  /** A flow has finished; the conversation is ready for the next choice. */
  private async afterFlowStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}

/** The question of an "Ask about the policy" submit (empty when the box was left empty); undefined for anything else. */
function askedOnCard(value: unknown): string | undefined {
  const v = value as { verb?: unknown; question?: unknown } | undefined;
  if (!v || typeof v !== 'object' || v.verb !== 'ask') return undefined;
  return typeof v.question === 'string' ? v.question.replace(/\s+/g, ' ').trim().slice(0, MAX_KEPT_QUESTION) : '';
}

/** Outside a flow, a question is the "Ask" box's text, or any typed text that is not a command. */
function questionOf(a: { type?: string; text?: string; value?: unknown }): string | undefined {
  if (a.type !== 'message') return undefined;
  const asked = askedOnCard(a.value);
  if (asked !== undefined) return asked;
  if (a.value !== undefined && a.value !== null) return undefined;
  if (!normaliseText(a.text) || parseCommand(a.text, a.value) !== undefined) return undefined;
  return (a.text ?? '').replace(/<at>[^<]*<\/at>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_KEPT_QUESTION);
}

export async function sendWelcome(dc: DialogContext, policies?: Pick<PolicyService, 'of'>): Promise<void> {
  const actor = getActor(dc.context);
  const reportingRule = policies ? reportingRuleQuote(policies.of(actor.school)) : undefined;
  const card = buildWelcomeCard({ firstName: firstName(actor.member.name), schoolName: actor.school.name, reportingRule });
  await dc.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
}
