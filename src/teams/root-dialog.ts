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
import { parseCommand, type Command } from './commands.js';
import { buildWelcomeCard, HELP_TEXT, MENU_LABELS } from './menu-card.js';
import { firstName } from '../domain/directory/directory.js';
import { getActor } from './turn-context-keys.js';
import type { PolicyService } from '../domain/policy/policy-service.js';
import { reportingRuleQuote } from '../domain/cases/report-advice.js';

export const ROOT_DIALOG = 'root';
const ROOT_WATERFALL = 'root-waterfall';

/**
 * The flows the menu can start, by command. The app registers every one (src/teams/flows.ts); a dialog
 * test registers the flow it tests, and any other choice shows the menu.
 */
export type FlowRegistry = Partial<Record<'report' | 'requestAccount' | 'declare' | 'mySubmissions', Dialog>>;

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
    return undefined;
  }

  /** Start the flow the user chose, or show the menu. */
  private async startFlowStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const command = (step.options as RootOptions | undefined)?.command;
    const flow = command && Object.hasOwn(MENU_LABELS, command) ? this.flows[command as keyof FlowRegistry] : undefined;
    if (flow) return step.beginDialog(flow.id);
    await sendWelcome(step, this.policies);
    return step.endDialog();
  }

  /** A flow has finished; the conversation is ready for the next choice. */
  private async afterFlowStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}

export async function sendWelcome(dc: DialogContext, policies?: Pick<PolicyService, 'of'>): Promise<void> {
  const actor = getActor(dc.context);
  const reportingRule = policies ? reportingRuleQuote(policies.of(actor.school)) : undefined;
  const card = buildWelcomeCard({ firstName: firstName(actor.member.name), schoolName: actor.school.name, reportingRule });
  await dc.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
}
