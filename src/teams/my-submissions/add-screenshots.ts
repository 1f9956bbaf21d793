import type { AppServices } from '../../services.js';
import type { CaseSummary } from '../../domain/cases/types.js';
import { isOpen } from '../../domain/cases/types.js';
import type { Member } from '../../domain/directory/directory.js';
import { CaseNotFoundError, InvalidChangeError } from '../../domain/cases/errors.js';
import { screenshotsForbidden } from '../../domain/cases/report-advice.js';
import { MAX_IMAGES_PER_REPORT } from '../../evidence/evidence-service.js';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import { cardShell, renderCard, type CardAttachment } from '../card.js';
import type { InvokeHandler } from '../bot.js';

/** The verb of "Add screenshots" on a report in My submissions. */
export const ADD_SCREENSHOTS_VERB = 'addScreenshots';

const linkTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Add screenshots to ${reference}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: 'Open the upload page to use your camera or photos. It takes up to ${room} more, for 30 minutes. Each one goes on the report as it arrives, and whoever is handling it is told.', wrap: true },
  ],
  [{ type: 'Action.OpenUrl', title: 'Upload screenshots', url: '${url}' }],
);

export function buildAddScreenshotsCard(data: { reference: string; url: string; room: number }): CardAttachment {
  return renderCard(linkTemplate, data);
}

/** Whether My submissions offers "Add screenshots" on this report: the reporter's open incident of a kind that takes them. */
export function addScreenshotsOffered(services: Pick<AppServices, 'policies'>): (m: Member, c: CaseSummary) => Promise<boolean> {
  return async (m, c) => c.kind === 'incident' && isOpen(c.status) && !screenshotsForbidden(await services.policies.forSchool(m.schoolId), c.category);
}

/** "Add screenshots" pressed: a fresh upload link for that report (only the reporter's own, open, with room left). */
export function addScreenshotsInvokeHandlers(services: AppServices): Record<string, InvokeHandler> {
  const stale = 'This card is out of date or damaged. Type "my submissions" for the latest.';
  return {
    [ADD_SCREENSHOTS_VERB]: async (ctx) => {
      const data = actionData(ctx);
      if (!data) return cardError(stale);
      const actor = await actorFor(services.directory, ctx, data.schoolId);
      if (!actor) return cardError('That report could not be found.');
      try {
        const { reference, held, category } = await services.cases.canAddEvidence(actor, data.caseId);
        if (screenshotsForbidden(await services.policies.forSchool(actor.schoolId), category)) return cardError(`${reference} must not hold images: describe what you saw in words only.`);
        const room = MAX_IMAGES_PER_REPORT - held;
        if (room <= 0) return cardError(`${reference} already holds ${MAX_IMAGES_PER_REPORT} screenshots, the most a report can hold.`);
        const url = await services.evidence.additionLink({ schoolId: actor.schoolId, aad: actor.aadObjectId }, data.caseId, room);
        services.log.info({ caseId: data.caseId }, 'addition link handed out');
        return cardResponse(buildAddScreenshotsCard({ reference, url, room }));
      } catch (e) {
        if (e instanceof CaseNotFoundError) return cardError('That report could not be found.');
        if (e instanceof InvalidChangeError) return cardError(`Not now: ${e.message}.`);
        throw e;
      }
    },
  };
}
