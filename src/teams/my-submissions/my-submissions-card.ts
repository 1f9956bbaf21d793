import { cardShell, renderCard, type CardAttachment } from '../card.js';

export interface MySubmissionsCardData {
  count: number;
  /** `addScreenshots`: offer "Add screenshots" (the verb's data names the case and school). */
  items: Array<{ reference: string; kind: string; date: string; status: string; addScreenshots?: boolean; caseId?: string; schoolId?: string }>;
  empty: boolean;
}

const template = cardShell([
  { type: 'TextBlock', text: 'My submissions', weight: 'Bolder', size: 'Medium', wrap: true },
  { type: 'TextBlock', $when: '${empty}', text: 'You have not sent anything yet. Type **report** to report an incident.', wrap: true },
  {
    $data: '${items}',
    type: 'Container',
    separator: true,
    items: [
      { type: 'TextBlock', text: '**${reference}** · ${status}', wrap: true },
      { type: 'TextBlock', text: '${kind} · ${date}', wrap: true, isSubtle: true, spacing: 'None' },
      {
        type: 'ActionSet',
        $when: '${addScreenshots}',
        actions: [{ type: 'Action.Execute', title: 'Add screenshots', verb: 'addScreenshots', data: { caseId: '${caseId}', schoolId: '${schoolId}' } }],
      },
    ],
  },
]);

/** The person's own cases, newest first: reference, kind, date and status (no content). */
export function buildMySubmissionsCard(data: MySubmissionsCardData): CardAttachment {
  return renderCard(template, data);
}
