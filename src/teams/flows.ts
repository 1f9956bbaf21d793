import type { AppServices } from '../services.js';
import type { FlowRegistry } from './root-dialog.js';
import { ReportIncidentDialog } from './incident/report-incident-dialog.js';
import { MySubmissionsDialog } from './my-submissions/my-submissions-dialog.js';
import { addScreenshotsOffered } from './my-submissions/add-screenshots.js';
import { attachmentBearer } from '../evidence/teams-attachments.js';
import { createDeclareRelationshipDialog } from './declarations/declare-relationship-dialog.js';
import { myDeclarationsFor } from './declarations/declaration-actions.js';
import { createRequestAccountDialog } from './account-requests/request-account-dialog.js';
import { accountStatusFor } from './account-requests/account-request-actions.js';
import { createProposePostDialog } from './posts/propose-post-dialog.js';
import { postStatusFor } from './posts/post-actions.js';

/** The conversational flows the menu starts. Each flow's dialog lives in its own file. */
export function createFlows(services: AppServices): Required<FlowRegistry> {
  return {
    report: new ReportIncidentDialog({
      cases: services.cases,
      policies: services.policies,
      evidence: services.evidence,
      bearer: (ctx) => attachmentBearer(ctx, services.config),
      clock: services.clock,
      log: services.log,
      members: (schoolId) => services.directory.members(schoolId),
    }),
    mySubmissions: new MySubmissionsDialog(services.cases, myDeclarationsFor(services.declarations), async (m, s) => (await accountStatusFor(services)(m, s)) ?? postStatusFor(services)(m, s), addScreenshotsOffered(services)),
    declare: createDeclareRelationshipDialog(services),
    requestAccount: createRequestAccountDialog(services),
    proposePost: createProposePostDialog(services, (ctx) => attachmentBearer(ctx, services.config)),
  };
}
