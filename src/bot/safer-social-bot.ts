import {
  ActivityHandler,
  CardFactory,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type ConversationState,
  type SearchInvokeResponse,
  type SearchInvokeValue,
  type StatePropertyAccessor,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from '../dialogs/sdk.js';
import type { Logger } from '../log.js';
import type { DirectoryService } from '../domain/directory-service.js';
import { refFingerprint, type ConversationRef, type ConversationRefRepository } from '../storage/conversation-refs.js';
import { parseCommand } from './commands.js';
import { ROOT_DIALOG, type RootDialog } from '../dialogs/root-dialog.js';
import { setActor } from '../dialogs/turn-context-keys.js';
import { buildSchoolChoiceCard, type SchoolChoiceSubmit } from '../cards/school-choice.js';

const tenantOf = (ctx: TurnContext): string =>
  (ctx.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? ctx.activity.conversation?.tenantId ?? '';

/** Handlers for `adaptiveCard/action` invokes (Action.Execute), keyed by verb; added by the alert and approval flows. */
export type InvokeHandler = (ctx: TurnContext) => Promise<AdaptiveCardInvokeResponse>;
/** Handlers for `application/search` invokes (Data.Query in a card), keyed by the dataset's prefix ("staff" for "staff.<schoolId>"). */
export type SearchHandler = (ctx: TurnContext, query: { queryText: string; dataset: string; skip: number; top: number }) => Promise<SearchInvokeResponse>;

export interface BotDeps {
  conversationState: ConversationState;
  rootDialog: RootDialog;
  refs: ConversationRefRepository;
  directory: DirectoryService;
  log: Logger;
  invokeHandlers?: Record<string, InvokeHandler>;
  searchHandlers?: Record<string, SearchHandler>;
}

/**
 * Thin: resolves who is speaking, keeps their conversation reference for proactive alerts, and hands the
 * turn to the dialogs or the card-action handlers. No business rules here.
 */
export class SaferSocialBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly refSeen: StatePropertyAccessor<string>;
  private readonly schoolChoice: StatePropertyAccessor<string>;
  private readonly welcomed: StatePropertyAccessor<boolean>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: BotDeps) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.refSeen = deps.conversationState.createProperty<string>('refFingerprint');
    this.schoolChoice = deps.conversationState.createProperty<string>('schoolId');
    this.welcomed = deps.conversationState.createProperty<boolean>('welcomed');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(deps.rootDialog);

    // Every activity keeps the person's reference current, installs and card actions included: a
    // reinstall can move their service URL, and alerts must follow it before they next type.
    this.onTurn(async (ctx, next) => {
      await this.rememberRef(ctx);
      await next();
    });
    this.onMessage(async (ctx, next) => {
      if (await this.resolveActor(ctx)) await this.runDialogs(ctx);
      await next();
    });
    // Teams sends both an installationUpdate and a conversationUpdate when the app is added: welcome once.
    this.onInstallationUpdateAdd(async (ctx, next) => {
      await this.welcomeOnce(ctx);
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      const botAdded = (ctx.activity.membersAdded ?? []).some((m) => m.id === ctx.activity.recipient.id);
      if (botAdded) await this.welcomeOnce(ctx);
      await next();
    });
    this.onInstallationUpdateRemove(async (ctx, next) => {
      await this.welcomed.set(ctx, false);
      await next();
    });
  }

  private async welcomeOnce(ctx: TurnContext): Promise<void> {
    if (await this.welcomed.get(ctx, false)) return;
    if (await this.resolveActor(ctx)) {
      await this.runDialogs(ctx);
      await this.welcomed.set(ctx, true);
    }
  }

  override async run(ctx: TurnContext): Promise<void> {
    await super.run(ctx);
    await this.deps.conversationState.saveChanges(ctx, false);
  }

  protected override async onAdaptiveCardInvoke(ctx: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const verb = (ctx.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? '';
    const handler = this.deps.invokeHandlers?.[verb];
    if (!handler) {
      return {
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'This card action is not recognised. Please use the latest card.' },
      };
    }
    return handler(ctx);
  }

  protected override async onSearchInvoke(ctx: TurnContext, value: SearchInvokeValue): Promise<SearchInvokeResponse> {
    const dataset = typeof value.dataset === 'string' ? value.dataset : '';
    const handler = this.deps.searchHandlers?.[dataset.split('.')[0]];
    if (!handler) {
      return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'This search is not recognised.' } };
    }
    const skip = Math.max(0, Math.min(1000, Number(value.queryOptions?.skip) || 0));
    const top = Math.max(1, Math.min(50, Number(value.queryOptions?.top) || 15));
    return handler(ctx, { queryText: String(value.queryText ?? '').slice(0, 100), dataset, skip, top });
  }

  /** Save the sender's 1:1 conversation reference when it differs from the one last saved from this conversation. */
  private async rememberRef(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const aad = a.from?.aadObjectId;
    // Only 1:1 chats are where we reach a person privately; an uninstall leaves nothing to reach.
    if (!aad || !a.conversation?.id || !a.serviceUrl || !a.recipient?.id) return;
    if (a.conversation.conversationType && a.conversation.conversationType !== 'personal') return;
    if (a.type === 'installationUpdate' && String(a.action ?? '').startsWith('remove')) return;
    const ref: Omit<ConversationRef, 'updatedAt'> = {
      tenantId: tenantOf(ctx),
      aadObjectId: aad,
      userId: a.from.id,
      userName: a.from.name,
      conversationId: a.conversation.id,
      serviceUrl: a.serviceUrl,
      channelId: a.channelId,
      botId: a.recipient.id,
      botName: a.recipient.name,
    };
    const fp = refFingerprint(ref);
    if ((await this.refSeen.get(ctx)) !== fp) {
      await this.deps.refs.save({ ...ref, updatedAt: new Date().toISOString() });
      await this.refSeen.set(ctx, fp);
    }
  }

  /** Who this is; false when they must pick a school first. */
  private async resolveActor(ctx: TurnContext): Promise<boolean> {
    const a = ctx.activity;
    const aad = a.from?.aadObjectId;
    const tenantId = tenantOf(ctx);
    if (!aad) {
      await ctx.sendActivity('Safer Social works only inside Microsoft Teams with a school account.');
      return false;
    }

    const chosen = (a.value as SchoolChoiceSubmit | undefined)?.verb === 'chooseSchool' ? (a.value as SchoolChoiceSubmit).schoolId : undefined;
    if (chosen) {
      const school = await this.deps.directory.school(chosen);
      // Only someone in no school yet may pick one: a forged or replayed choice adds nobody to another school.
      if (school && (await this.deps.directory.resolve(aad, a.from.name ?? '')).kind === 'chooseSchool') {
        await this.deps.directory.enrol(school.id, aad, a.from.name ?? '');
        await this.schoolChoice.set(ctx, school.id);
        a.value = undefined;
        a.text = 'help';
      }
    }
    const r = await this.deps.directory.resolve(aad, a.from.name ?? '', await this.schoolChoice.get(ctx));
    if (r.kind === 'member') {
      setActor(ctx, { tenantId, aadObjectId: aad, school: r.school, member: r.member });
      return true;
    }
    if (r.kind === 'chooseSchool') {
      await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(buildSchoolChoiceCard(r.schools).content)] });
      return false;
    }
    await ctx.sendActivity('Safer Social has not been set up for a school yet. Please ask your IT administrator.');
    return false;
  }

  private async runDialogs(ctx: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(ctx);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      const command = ctx.activity.type === 'message' ? parseCommand(ctx.activity.text, ctx.activity.value) : undefined;
      await dc.beginDialog(ROOT_DIALOG, { command });
    }
  }
}
