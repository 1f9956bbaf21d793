import { CardFactory } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../dialog-sdk.js';
import type { CaseService } from '../../domain/cases/case-service.js';
import { incidentCategoryLabel } from '../../domain/cases/incident.js';
import { STATUS_LABELS, type CaseSummary } from '../../domain/cases/types.js';
import { buildMySubmissionsCard } from './my-submissions-card.js';
import { describeDay } from '../../domain/time.js';
import { getActor } from '../turn-context-keys.js';
import type { Member } from '../../domain/directory/directory.js';
import type { CardAttachment } from '../card.js';

export const MY_SUBMISSIONS_DIALOG = 'mySubmissions';

function kindLabel(c: Pick<CaseSummary, 'kind' | 'category'>): string {
  if (c.kind === 'incident') return `Incident: ${incidentCategoryLabel(c.category)}`;
  if (c.kind === 'accountRequest') return 'School account request';
  if (c.kind === 'postProposal') return 'Post for a school account';
  return 'Family relationship declaration';
}

/** "My submissions": the person's own cases, newest first, with their status. One step. */
export class MySubmissionsDialog extends Dialog {
  constructor(
    private readonly cases: Pick<CaseService, 'mySubmissions'>,
    /** A further card after the list (the declarations, with Withdraw), when there is one. */
    private readonly more?: (m: Member) => Promise<CardAttachment | undefined>,
    /** A kind's own words for where a submission stands ("Awaiting line manager (Rachel Moore)"), when it has them. */
    private readonly statusOf?: (m: Member, c: CaseSummary) => Promise<string | undefined>,
    /** Whether a submission offers "Add screenshots" (an open incident report that takes them). */
    private readonly canAddScreenshots?: (m: Member, c: CaseSummary) => Promise<boolean>,
  ) {
    super(MY_SUBMISSIONS_DIALOG);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { member } = getActor(dc.context);
    const { items } = await this.cases.mySubmissions(member);
    const card = buildMySubmissionsCard({
      count: items.length,
      empty: items.length === 0,
      items: await Promise.all(
        items.map(async (c) => ({
          reference: c.reference,
          kind: kindLabel(c),
          date: describeDay(c.createdAt),
          status: (await this.statusOf?.(member, c)) ?? STATUS_LABELS[c.status],
          addScreenshots: (await this.canAddScreenshots?.(member, c)) ?? false,
          caseId: c.id,
          schoolId: c.schoolId,
        })),
      ),
    });
    await dc.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card.content)] });
    const more = await this.more?.(member);
    if (more) await dc.context.sendActivity({ attachments: [CardFactory.adaptiveCard(more.content)] });
    return dc.endDialog();
  }
}
