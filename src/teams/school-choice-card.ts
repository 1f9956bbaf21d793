import { cardShell, renderCard, type CardAttachment } from './card.js';
import type { School } from '../domain/directory/directory.js';

export interface SchoolChoiceSubmit {
  verb: 'chooseSchool';
  schoolId: string;
}

const template = cardShell(
  [
    { type: 'TextBlock', text: 'Which school do you work at?', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: 'We ask once, so that your reports go to the right people.', wrap: true, isSubtle: true },
  ],
  [{ $data: '${schools}', type: 'Action.Submit', title: '${name}', data: { verb: 'chooseSchool', schoolId: '${id}' } }],
);

/** Asked once of a new person in a trust's deployment (several schools). */
export function buildSchoolChoiceCard(schools: School[]): CardAttachment {
  return renderCard(template, { schools: schools.map((s) => ({ id: s.id, name: s.name })) });
}
