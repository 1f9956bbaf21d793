import type { TurnContext } from 'botbuilder';
import type { Logger } from '../../log.js';
import type { DirectoryService } from '../../domain/directory/directory-service.js';
import type { AskFeedbackStore } from '../../domain/policy/ask-feedback.js';
import type { Clock } from '../../domain/cases/case-service.js';
import type { InvokeHandler } from '../bot.js';
import { actorFor, cardError } from '../card-actions.js';
import { ASK_FEEDBACK_VERB, type AskFeedbackData } from './ask-card.js';

const SCHOOL_ID = /^[a-z0-9-]{2,40}$/;
const CLAUSE_ID = /^[\w.()~/-]{1,120}$/;

export interface AskActionDeps {
  directory: Pick<DirectoryService, 'member'>;
  feedback: AskFeedbackStore;
  clock: Clock;
  log: Logger;
}

/** The feedback a "Was this helpful?" press sends, when well formed. */
function feedbackData(ctx: TurnContext): { schoolId: string; clauseIds: string[]; helpful: boolean; question?: string } | undefined {
  const d = (ctx.activity.value as { action?: { data?: Partial<AskFeedbackData> } } | undefined)?.action?.data;
  if (!d || typeof d !== 'object') return undefined;
  const { schoolId, clauseIds, helpful, question, keepQuestion } = d;
  if (typeof schoolId !== 'string' || !SCHOOL_ID.test(schoolId) || (helpful !== 'yes' && helpful !== 'no') || typeof clauseIds !== 'string') return undefined;
  const ids = clauseIds ? clauseIds.split(',') : [];
  if (ids.length > 3 || !ids.every((id) => CLAUSE_ID.test(id))) return undefined;
  const keep = keepQuestion === 'true' && typeof question === 'string' && question.trim() !== '';
  return { schoolId, clauseIds: ids, helpful: helpful === 'yes', ...(keep ? { question: question.trim() } : {}) };
}

/** "Was this helpful?": recorded for the presser's own school; the answer card stays as it is. */
export function askInvokeHandlers(deps: AskActionDeps): Record<string, InvokeHandler> {
  return {
    [ASK_FEEDBACK_VERB]: async (ctx) => {
      const f = feedbackData(ctx);
      if (!f) return cardError('This card is damaged. Please ask your question again.');
      if (!(await actorFor(deps.directory, ctx, f.schoolId))) return cardError('This answer belongs to another school.', 403);
      await deps.feedback.record({ ...f, at: deps.clock().toISOString() });
      deps.log.info({ schoolId: f.schoolId, clauses: f.clauseIds.length, helpful: f.helpful, keptQuestion: f.question !== undefined }, 'answer feedback recorded');
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Thank you: your answer has been recorded.' as unknown as Record<string, unknown> };
    },
  };
}
