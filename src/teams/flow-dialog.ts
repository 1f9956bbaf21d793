import { Dialog, DialogReason, type DialogContext, type DialogInstance, type DialogTurnResult } from './dialog-sdk.js';
import type { TurnContext } from 'botbuilder';
import { parseCommand } from './commands.js';
import { UNFINISHED_FLOW_MAX_AGE_MS } from '../domain/retention.js';
import { weekdayAndDate } from '../domain/time.js';

/** What every guided flow keeps between turns (in conversation state, so it survives a restart). */
export interface FlowState<Step extends string = string> {
  step: Step;
  /** Steps answered before this one, for "back". */
  history: Step[];
  /** Changing one answer from the summary: return to the summary after it. */
  editing: boolean;
  /** When the flow began (ISO); an unfinished flow ends itself after UNFINISHED_FLOW_MAX_AGE_MS. */
  startedAt?: string;
}

/**
 * Shared base of the guided flows: one question per step, "back" to the previous question at any step
 * (typed or the card's Back button). "cancel" and "help" are handled for every flow by RootDialog, which
 * calls `repromptDialog` after help; that asks the current question again.
 */
export abstract class FlowDialog<Step extends string, S extends FlowState<Step>> extends Dialog {
  /** The state a new run of the flow starts with. */
  protected abstract initialState(dc: DialogContext, options: unknown): Promise<S> | S;
  /** Show the question of `state.step`. */
  protected abstract ask(ctx: TurnContext, state: S): Promise<void>;
  /** Handle the user's answer to `state.step`: move on, or say what was wrong and ask again. */
  protected abstract answer(dc: DialogContext, state: S): Promise<DialogTurnResult>;
  /** Called before any step's answer (e.g. to report uploads that arrived elsewhere). */
  protected async beforeTurn(_ctx: TurnContext, _state: S): Promise<void> {}
  /** The flow ended without finishing (cancel). */
  protected async onCancelled(_ctx: TurnContext, _state: S): Promise<void> {}

  /** What the person is doing, for the message when an unfinished flow is cleared ("report", "declaration"…). */
  protected readonly unfinishedName: string = 'form';
  /** The clock (tests move it). */
  now: () => Date = () => new Date();

  override async beginDialog(dc: DialogContext, options?: unknown): Promise<DialogTurnResult> {
    const state = await this.initialState(dc, options);
    state.startedAt ??= this.now().toISOString();
    dc.activeDialog!.state = state;
    await this.ask(dc.context, state);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const a = dc.context.activity;
    if (a.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as S;
    if (state.startedAt && this.now().getTime() - Date.parse(state.startedAt) > UNFINISHED_FLOW_MAX_AGE_MS) {
      // Nothing unfinished is kept for ever (src/domain/retention.ts): clear it, say so, start afresh.
      await this.onCancelled(dc.context, state);
      await dc.context.sendActivity(
        `You started this ${this.unfinishedName} on ${weekdayAndDate(state.startedAt)} and did not send it. ` +
          `Unfinished answers and screenshots are cleared after ${UNFINISHED_FLOW_MAX_AGE_MS / 86_400_000} days so that nothing sensitive is kept, so nothing was sent. ` +
          'Type **menu** to start again.',
      );
      return dc.endDialog();
    }
    await this.beforeTurn(dc.context, state);
    if (parseCommand(a.text, a.value) === 'back') {
      await this.back(dc.context, state);
      return Dialog.EndOfTurn;
    }
    return this.answer(dc, state);
  }

  override async repromptDialog(ctx: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(ctx, instance.state as S);
  }

  override async endDialog(ctx: TurnContext, instance: DialogInstance, reason: DialogReason): Promise<void> {
    if (reason === DialogReason.cancelCalled) await this.onCancelled(ctx, instance.state as S);
  }

  /** Move to `next` and ask it; remembers where we were for "back". */
  protected async goTo(ctx: TurnContext, state: S, next: Step): Promise<DialogTurnResult> {
    state.history.push(state.step);
    state.step = next;
    await this.ask(ctx, state);
    return Dialog.EndOfTurn;
  }

  /** Back to the previous question (or stay, at the first). */
  protected async back(ctx: TurnContext, state: S): Promise<void> {
    const previous = state.history.pop();
    if (previous === undefined) {
      await ctx.sendActivity('This is the first question. Type **cancel** to stop.');
    } else {
      state.step = previous;
      state.editing = false;
    }
    await this.ask(ctx, state);
  }

  /** Say what was wrong and ask the same question again. */
  protected async retry(ctx: TurnContext, state: S, message: string): Promise<DialogTurnResult> {
    await ctx.sendActivity(message);
    await this.ask(ctx, state);
    return Dialog.EndOfTurn;
  }
}
