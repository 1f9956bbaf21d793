import {
  ActivityHandler,
  ActivityTypes,
  CardFactory,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type ConversationState,
  type SearchInvokeResponse,
  type SearchInvokeValue,
  type StatePropertyAccessor,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from './dialog-sdk.js';
import type { Logger } from '../log.js';
import type { DirectoryService } from '../domain/directory/directory-service.js';
import { refFingerprint, type ConversationRef, type ConversationRefRepository } from '../storage/conversation-refs.js';
import { parseCommand } from './commands.js';
import { ROOT_DIALOG, type RootDialog } from './root-dialog.js';
import { setActor } from './turn-context-keys.js';
import { buildSchoolChoiceCard, type SchoolChoiceSubmit } from './school-choice-card.js';
import { buildPersonalChatPointer } from './personal-chat-card.js';
import { admitNewcomer, type EnrolmentRequest, type EnrolmentService, type RosterEntry } from '../domain/directory/enrolment.js';
import type { Member, School } from '../domain/directory/directory.js';
import { checkTenant, isPersonalChat, tenantOf } from './admission.js';

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
  enrolment: EnrolmentService;
  /** Deep link to the 1:1 chat with the bot, offered in channels and group chats (none without an app id). */
  personalChatUrl?: string;
  /** Teams' roster entry of the sender, asked only for someone not yet in the directory. */
  roster?: (ctx: TurnContext) => Promise<RosterEntry>;
  invokeHandlers?: Record<string, InvokeHandler>;
  searchHandlers?: Record<string, SearchHandler>;
}

const TELL_DSL = 'If a child may be at risk, tell your designated safeguarding lead in person now.';
const NOT_SERVED = 'Safer Social is not available to your organisation.';
const NOT_STAFF_ACCOUNT = `Safer Social is for the school's own staff accounts; guest and visitor accounts cannot use it. ${TELL_DSL}`;
const NOT_STAFF_DOMAIN = `Safer Social is for staff, and this is not one of your school's staff accounts. If you work at the school, ask its administrators to add you. ${TELL_DSL}`;
const ROSTER_FAILED = `Safer Social could not check your account with Teams just now, so it cannot let you in yet. Please try again in a few minutes. ${TELL_DSL}`;

const teamsRoster = async (ctx: TurnContext): Promise<RosterEntry> => TeamsInfo.getMember(ctx, ctx.activity.from.id);

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
    // Every activity keeps a known person's reference current, installs and card actions included: a
    // reinstall can move their service URL, and alerts must follow it before they next type. (A message
    // saves it in resolveActor, once the person is known.)
    this.onTurn(async (ctx, next) => {
      if (ctx.activity.type !== ActivityTypes.Message) await this.rememberKnownRef(ctx);
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

  /**
   * Nothing is read or stored for an activity from outside the schools' tenants, or from a channel or group
   * chat (where a flow's questions and answers would be seen, and answered, by everyone in it): one short
   * reply where one can be given, and that is all. Card actions (invokes) carry their own checks.
   */
  override async run(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const tenant = checkTenant(a, await this.deps.directory.tenants());
    if (!tenant.ok) {
      this.deps.log.warn({ tenantId: tenant.tenantId, channelId: String(a.channelId ?? '').slice(0, 32), activityType: a.type }, 'activity from a tenant this deployment does not serve: refused');
      await this.refuseQuietly(ctx);
      return;
    }
    if (!isPersonalChat(a) && a.type !== ActivityTypes.Invoke) {
      if (a.type === ActivityTypes.Message || (a.type === ActivityTypes.InstallationUpdate && a.action === 'add')) {
        await ctx.sendActivity(buildPersonalChatPointer(this.deps.personalChatUrl));
      }
      return;
    }
    await super.run(ctx);
    await this.deps.conversationState.saveChanges(ctx, false);
  }

  /** A refused activity: a plain sentence where a reply is possible, an empty success for an invoke. */
  private async refuseQuietly(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    if (a.type === ActivityTypes.Invoke) {
      const body =
        a.name === 'adaptiveCard/action'
          ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: NOT_SERVED }
          : a.name === 'application/search'
            ? { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results: [] } }
            : undefined;
      await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
      return;
    }
    if (a.type === ActivityTypes.Message || (a.type === ActivityTypes.InstallationUpdate && a.action === 'add')) await ctx.sendActivity(NOT_SERVED);
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

  /** Who this is (enrolling a newcomer where the rules allow), and their conversation reference; false when the turn ends here. */
  private async resolveActor(ctx: TurnContext): Promise<boolean> {
    const a = ctx.activity;
    const aad = a.from?.aadObjectId;
    const tenantId = tenantOf(a); // one of the schools' tenants: run() refused any other
    if (!aad) {
      await ctx.sendActivity('Safer Social works only inside Microsoft Teams with a school account.');
      return false;
    }
    const r = await this.deps.directory.resolve(aad, { tenantId, preferredSchoolId: await this.schoolChoice.get(ctx) });
    const found = r.kind === 'member' ? r : r.kind === 'newcomer' ? await this.admit(ctx, aad, tenantId, r.schools) : undefined;
    if (r.kind === 'noSchool') await ctx.sendActivity('Safer Social has not been set up for a school yet. Please ask your IT administrator.');
    if (!found) return false;

    await this.rememberRef(ctx, tenantId, aad);
    setActor(ctx, { tenantId, aadObjectId: aad, school: found.school, member: found.member });
    return true;
  }

  /** An install, card action or conversation update from someone already in the directory: keep their reference current. */
  private async rememberKnownRef(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const aad = a.from?.aadObjectId;
    // An uninstall leaves nothing to reach.
    if (!aad || (a.type === ActivityTypes.InstallationUpdate && String(a.action ?? '').startsWith('remove'))) return;
    const tenantId = tenantOf(a);
    if ((await this.deps.directory.resolve(aad, { tenantId })).kind !== 'member') return;
    await this.rememberRef(ctx, tenantId, aad);
  }

  /**
   * Save the sender's conversation reference when it differs from the one last saved from this conversation.
   * Only 1:1 chats are where we reach a person privately, and run() lets no other kind through to here.
   */
  private async rememberRef(ctx: TurnContext, tenantId: string, aad: string): Promise<void> {
    const a = ctx.activity;
    if (!a.conversation?.id || !a.serviceUrl || !a.recipient?.id) return;
    const ref: Omit<ConversationRef, 'updatedAt'> = {
      tenantId,
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

  /**
   * Someone not in the directory (src/domain/directory/enrolment.ts): only here does the bot ask Teams who they are.
   * In a one-school tenant an admitted person joins as staff at once; in a trust their choice of school
   * waits for that school's administrators, and until then they are told so and nothing more.
   */
  private async admit(ctx: TurnContext, aad: string, tenantId: string, schools: School[]): Promise<{ school: School; member: Member } | undefined> {
    const a = ctx.activity;
    const request = await this.deps.enrolment.requestOf(aad);
    if (request) {
      await ctx.sendActivity(this.requestState(request, schools));
      return undefined;
    }
    let entry: RosterEntry;
    try {
      entry = await (this.deps.roster ?? teamsRoster)(ctx);
    } catch (e) {
      this.deps.log.warn({ aad, errorName: (e as Error)?.name, statusCode: (e as { statusCode?: unknown })?.statusCode }, 'roster lookup failed: newcomer not enrolled');
      await ctx.sendActivity(ROSTER_FAILED);
      return undefined;
    }
    const admission = admitNewcomer(entry, { aadObjectId: aad, tenantId }, schools);
    if (!admission.ok) {
      this.deps.log.info({ aad, tenantId, userRole: String(entry.userRole ?? '').slice(0, 16), reason: admission.reason }, 'newcomer not admitted');
      await ctx.sendActivity(admission.reason === 'notStaffDomain' ? NOT_STAFF_DOMAIN : NOT_STAFF_ACCOUNT);
      return undefined;
    }
    if (schools.length === 1) {
      const school = admission.schools[0];
      const member = await this.deps.directory.enrol(school.id, aad, a.from.name ?? '');
      this.deps.log.info({ aad, schoolId: school.id }, 'enrolled as staff');
      return { school, member };
    }
    const chosen = (a.value as SchoolChoiceSubmit | undefined)?.verb === 'chooseSchool' ? (a.value as SchoolChoiceSubmit).schoolId : undefined;
    const school = admission.schools.find((s) => s.id === chosen);
    if (!school) {
      await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(buildSchoolChoiceCard(admission.schools).content)] });
      return undefined;
    }
    const made = await this.deps.enrolment.request(school, { aadObjectId: aad, name: a.from.name ?? '', email: entry.email ?? entry.userPrincipalName });
    this.deps.log.info({ aad, schoolId: made.schoolId }, 'enrolment requested');
    await ctx.sendActivity(this.requestState(made, schools));
    return undefined;
  }

  private requestState(r: EnrolmentRequest, schools: School[]): string {
    const name = schools.find((s) => s.id === r.schoolId)?.name ?? 'the school';
    return r.state === 'refused'
      ? `${name}'s administrators did not confirm your request to join it. If you work there, please speak to them. ${TELL_DSL}`
      : `Your request to join ${name} has gone to its administrators. You can use Safer Social once one of them confirms it. ${TELL_DSL}`;
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
