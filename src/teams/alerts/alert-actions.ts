import type { DirectoryService } from '../../domain/directory/directory-service.js';
import type { CaseService } from '../../domain/cases/case-service.js';
import { NotAllowedError, CaseNotFoundError } from '../../domain/cases/case-service.js';
import type { OutboxRenderer } from '../outbox-renderer.js';
import type { CaseRepository } from '../../storage/case-repository.js';
import { ALERT_VERBS } from './alert-cards.js';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import type { InvokeHandler } from '../bot.js';

interface Deps {
  cases: CaseService;
  caseRepo: Pick<CaseRepository, 'get'>;
  directory: DirectoryService;
  renderer: Pick<OutboxRenderer, 'dslAlert'>;
}

/**
 * Acknowledge and refresh for the DSL alert card (Universal Actions). The other DSLs' cards are updated
 * by the acknowledgement itself (src/teams/alerts/alert-card-updates.ts), as when it is made in the tab.
 */
export function alertInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  const acknowledge: InvokeHandler = async (ctx) => {
    const data = actionData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Please open the case in the Cases tab.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError('Only a designated safeguarding lead of this school can acknowledge this alert.');
    try {
      const { case: c } = await deps.cases.acknowledgeAlert(actor, data.caseId, 'card');
      return cardResponse((await deps.renderer.dslAlert(c)).card!);
    } catch (e) {
      if (e instanceof NotAllowedError) return cardError('Only a designated safeguarding lead of this school can acknowledge this alert.');
      if (e instanceof CaseNotFoundError) return cardError('That case could not be found.');
      throw e;
    }
  };

  const refresh: InvokeHandler = async (ctx) => {
    const data = actionData(ctx);
    if (!data) return cardError('This card is out of date or damaged.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError('You cannot see this alert.');
    const d = await deps.caseRepo.get(data.schoolId, data.caseId);
    if (!d) return cardError('That case could not be found.');
    try {
      await deps.cases.getVisible(actor, data.caseId);
    } catch {
      return cardError('You cannot see this alert.');
    }
    return cardResponse((await deps.renderer.dslAlert(d.case)).card!);
  };

  return { [ALERT_VERBS.acknowledge]: acknowledge, [ALERT_VERBS.refresh]: refresh };
}
