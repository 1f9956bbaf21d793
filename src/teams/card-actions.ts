import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { DirectoryService } from '../domain/directory/directory-service.js';
import type { Member } from '../domain/directory/directory.js';
import type { CardAttachment } from './card.js';

/** The plumbing every card action shares (alerts, declarations, account requests): read, resolve, answer. */

const CASE_ID = /^[0-9a-f]{16}$/;
const SCHOOL_ID = /^[a-z0-9-]{2,40}$/;

/** What every card action names: a case and the school it belongs to. */
export interface CaseActionData {
  caseId: string;
  schoolId: string;
}

/**
 * The data of an Action.Execute (`activity.value.action.data`) when it names a well-formed case and school,
 * with whatever `more` reads from the rest of it; undefined for a damaged or forged card (or when `more`
 * refuses the rest).
 */
export function actionData<E extends object = Record<never, never>>(
  ctx: TurnContext,
  more?: (d: Record<string, unknown>) => E | undefined,
): (CaseActionData & E) | undefined {
  const d = (ctx.activity.value as { action?: { data?: unknown } } | undefined)?.action?.data;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return undefined;
  const { caseId, schoolId } = d as Record<string, unknown>;
  if (typeof caseId !== 'string' || typeof schoolId !== 'string' || !CASE_ID.test(caseId) || !SCHOOL_ID.test(schoolId)) return undefined;
  const extra = more ? more(d as Record<string, unknown>) : ({} as E);
  return extra ? { ...extra, caseId, schoolId } : undefined;
}

/** The member of the card's school who pressed the button; undefined when they are not one. */
export async function actorFor(directory: Pick<DirectoryService, 'member'>, ctx: TurnContext, schoolId: string): Promise<Member | undefined> {
  const aad = ctx.activity.from?.aadObjectId;
  return aad ? directory.member(schoolId, aad) : undefined;
}

/** Answer the action with a card (it replaces the one pressed). */
export function cardResponse(card: Pick<CardAttachment, 'content'>): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card.content };
}

/** Answer a bad action with an Adaptive Card error response, never a thrown exception. */
export function cardError(message: string, statusCode = 400): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } as unknown as Record<string, unknown> };
}
