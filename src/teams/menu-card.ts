import { cardShell, renderCard, type CardAttachment } from './card.js';

/** The menu choices: the card's submit data and the typed commands share this type. */
export type MenuChoice = 'report' | 'requestAccount' | 'declare' | 'proposePost' | 'mySubmissions' | 'help' | 'cancel';
export interface MenuSubmit {
  verb: 'menu';
  choice: MenuChoice;
}

/** "Ask about the policy": the card's `question` input is merged into this. */
export interface AskSubmit {
  verb: 'ask';
  question?: string;
}

export const MENU_LABELS: Record<Exclude<MenuChoice, 'help' | 'cancel'>, string> = {
  report: 'Report an incident',
  requestAccount: 'Request a school social-media account',
  declare: 'Declare a family relationship with a pupil',
  proposePost: 'Propose a post',
  mySubmissions: 'My submissions',
};

export interface WelcomeCardData {
  firstName: string;
  schoolName: string;
  /** The school's own rule on reporting misuse, quoted with its clause; none where its policy has none. */
  reportingRule?: string;
}

const submit = (title: string, choice: MenuChoice, style?: string) => ({
  type: 'Action.Submit',
  title,
  ...(style ? { style } : {}),
  data: { verb: 'menu', choice } satisfies MenuSubmit,
});

const welcomeTemplate = cardShell(
  [
    { type: 'TextBlock', text: 'Safer Social', weight: 'Bolder', size: 'Large', wrap: true },
    { type: 'TextBlock', text: 'Hello ${firstName}. What do you need to do?', wrap: true },
    {
      type: 'TextBlock',
      text: '${reportingRule}',
      $when: '${reportingRule != \'\'}',
      wrap: true,
      isSubtle: true,
      size: 'Small',
    },
    {
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: 'Ask about the policy', weight: 'Bolder', wrap: true },
        { type: 'Input.Text', id: 'question', placeholder: 'For example: can I accept a friend request from a parent?', maxLength: 300 },
        { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Ask about the policy', data: { verb: 'ask' } satisfies AskSubmit }] },
      ],
    },
    {
      type: 'TextBlock',
      text: 'Everything you send here goes only to the people at ${schoolName} who need to act on it.',
      wrap: true,
      isSubtle: true,
      size: 'Small',
    },
  ],
  [
    submit(MENU_LABELS.report, 'report', 'positive'),
    submit(MENU_LABELS.requestAccount, 'requestAccount'),
    submit(MENU_LABELS.declare, 'declare'),
    submit(MENU_LABELS.proposePost, 'proposePost'),
    submit(MENU_LABELS.mySubmissions, 'mySubmissions'),
  ],
);

/** The welcome/menu card: the four flows (report, request an account, declare, propose a post) and "my submissions". */
export function buildWelcomeCard(data: WelcomeCardData): CardAttachment {
  return renderCard(welcomeTemplate, { ...data, reportingRule: data.reportingRule ?? '' });
}

export const HELP_TEXT =
  'You can type **report**, **request account**, **declare**, **propose a post**, or **my submissions** at any time, or pick from the menu. ' +
  'Type any other question (when you are not in the middle of something) and I will answer it from your school\'s policy. ' +
  'While answering questions you can type **back** to change the last answer, or **cancel** to stop (nothing is saved until you confirm).';
