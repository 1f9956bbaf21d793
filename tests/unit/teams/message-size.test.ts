import { afterAll, describe, expect, it } from 'vitest';
import type { Activity } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { pino } from 'pino';
import type { DialogTestClient } from 'botbuilder-testing';
import { TEAMS_MAX_MESSAGE_BYTES, messageBytes } from '../../../src/domain/message-size.js';
import { RequestAccountDialog } from '../../../src/teams/account-requests/request-account-dialog.js';
import { MySubmissionsDialog } from '../../../src/teams/my-submissions/my-submissions-dialog.js';
import { dialogClient, submit, type Say } from '../../support/dialog-harness.js';
import { BIG_SCHOOL, schoolMembers, trustSchools } from '../../support/large-directory.js';
import { buildChain } from '../../../src/domain/account-requests/approval-chain.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';

/** The longest chain a policy sets (line manager, senior manager, head): the biggest approval cards. */
const LONGEST_CHAIN = ['lineManager', 'seniorManager', 'head'] as const;
const { profiles, baseline } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
import { accountRequestFacts, type AccountRequestAnswers } from '../../../src/domain/account-requests/account-request.js';
import type { SubmitResult } from '../../../src/domain/account-requests/account-request-service.js';
import type { CaseRecord, CaseSummary, PersonRef } from '../../../src/domain/cases/types.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import { buildAccountNoticeCard, buildApprovalCard } from '../../../src/teams/account-requests/account-request-cards.js';
import { buildCaseNoticeCard, buildDslAlertCard, buildReceiptCard } from '../../../src/teams/alerts/alert-cards.js';
import { buildSchoolChoiceCard } from '../../../src/teams/school-choice-card.js';
import { buildWelcomeCard } from '../../../src/teams/menu-card.js';
import { buildAskAnswerCard } from '../../../src/teams/ask/ask-card.js';
import { shorten } from '../../../src/domain/policy/ask.js';
import {
  buildAcknowledgementCard,
  buildDecisionNoticeCard,
  buildDeclarationFormCard,
  buildDeclarationSentCard,
  buildDeclarationSummaryCard,
  buildMyDeclarationsCard,
  buildWithdrawConfirmCard,
} from '../../../src/teams/declarations/declaration-cards.js';
import { CARDS_PER_MESSAGE } from '../../../src/domain/cases/outbox-dispatcher.js';
import type { CardAttachment } from '../../../src/teams/card.js';
import { makeClient as makeReportClient, image } from '../incident/report-dialog-harness.js';
import { INCIDENT_CATEGORIES } from '../../../src/domain/cases/incident.js';

/**
 * Every message of every flow, built against a real-sized directory (one school of 1,500 staff; a trust of
 * 50 schools), stays under Teams' message size limit. The size is that of the whole outgoing activity as
 * JSON (envelope, text and every attachment), which is what the Bot Connector receives.
 */
const MEMBERS = schoolMembers(BIG_SCHOOL.id, 1500);
const REQUESTER = MEMBERS[700];
const CLOCK = () => new Date('2026-03-14T15:00:00Z');
/** A thorough answer, as a teacher writes one for the leadership team (about 600 characters). */
const LONG = 'We would like to share the weekly work of the eco club with families, so that children can show what they have made and parents can see it too. '.repeat(4).trim();
const ids = (from: number, n: number) => MEMBERS.slice(from, from + n).map((m) => m.aadObjectId).join(',');
const FORM = {
  platform: 'instagram', accountName: 'Greenfield Academy Eco Club and Allotment', department: 'Science faculty', aim: LONG, content: LONG, audience: 'families,staff,pupils', pupilAgeFrom: 13, pupilAgeTo: 18,
  contributors: 'staff', openness: 'closed', promotion: LONG, administrators: ids(600, 10), moderators: ids(800, 10), vetting: 'The head of science and the eco club lead',
  host: 'thirdParty', hostName: 'Meta', lineManager: REQUESTER.lineManager!, consent: LONG, security: LONG, goLive: '2026-04-20', reviewDate: '2027-04-20', exitStrategy: LONG, successMeasures: LONG,
};
const PAGES = {
  about: ['platform', 'platformOther', 'accountName', 'department', 'aim', 'content', 'audience', 'pupilAgeFrom', 'pupilAgeTo', 'otherSchools', 'audienceOther', 'contributors', 'contributorsOther', 'openness', 'promotion'],
  people: ['administrators', 'moderators', 'vetting', 'host', 'hostName', 'lineManager', 'consent', 'security'],
  dates: ['goLive', 'reviewDate', 'exitStrategy', 'successMeasures'],
};
const page = (p: keyof typeof PAGES, over: Record<string, unknown> = {}) =>
  submit({ verb: 'requestAccount', step: p, action: 'next', ...Object.fromEntries(Object.entries({ ...FORM, ...over }).filter(([k]) => PAGES[p].includes(k))) });

const sizes: Array<{ flow: string; what: string; bytes: number }> = [];

/** Every activity the bot sent for one input, whole. */
async function replies(client: DialogTestClient, input: Say): Promise<Partial<Activity>[]> {
  const out: Partial<Activity>[] = [];
  let reply: Partial<Activity> | undefined = await client.sendActivity(input as never);
  while (reply) {
    if (reply.type !== 'typing') out.push(reply);
    reply = client.getNextReply();
  }
  return out;
}

/** A proactive message as the delivery sends it: the activity with its conversation reference applied. */
function proactive(cards: CardAttachment[], text?: string): Partial<Activity> {
  return {
    type: 'message',
    text,
    textFormat: 'markdown',
    attachments: cards.map((c) => CardFactory.adaptiveCard(c.content)),
    attachmentLayout: cards.length > 1 ? 'list' : undefined,
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/uk/00000000-0000-4000-8000-00000000a001/',
    conversation: { id: `a:1${'x'.repeat(120)}`, isGroup: false, conversationType: 'personal', tenantId: '00000000-0000-4000-8000-00000000a001', name: '' },
    from: { id: '28:00000000-0000-4000-8000-0000000000b0', name: 'Safer Social' },
    recipient: { id: `29:1${'y'.repeat(120)}`, name: REQUESTER.name, aadObjectId: REQUESTER.aadObjectId },
  };
}

function check(flow: string, what: string, activity: Partial<Activity>): void {
  const bytes = messageBytes(activity);
  sizes.push({ flow, what, bytes });
  expect.soft(bytes, `${flow}: ${what} is ${bytes} bytes`).toBeLessThan(TEAMS_MAX_MESSAGE_BYTES);
}

class FakeRequests {
  private record(requester: PersonRef, answers: AccountRequestAnswers): CaseRecord {
    return {
      schoolId: BIG_SCHOOL.id, id: 'a'.repeat(16), reference: 'GA-2026-0001', kind: 'accountRequest', category: answers.platform, status: 'awaitingApproval',
      routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] }, submitter: requester, answers: { ...answers },
      stage: { round: 1, chain: buildChain(MEMBERS, requester, answers.lineManager, LONGEST_CHAIN), decisions: [] }, createdAt: CLOCK().toISOString(), updatedAt: CLOCK().toISOString(),
    };
  }
  async previewChain(requester: Member, lm: PersonRef) {
    return buildChain(MEMBERS, requester, lm, LONGEST_CHAIN);
  }
  async submit(input: { requester: Member; answers: AccountRequestAnswers }): Promise<SubmitResult> {
    return { kind: 'created', case: this.record(input.requester, input.answers) };
  }
  async resubmit(actor: Member, _caseId: string, answers: AccountRequestAnswers): Promise<SubmitResult> {
    return { kind: 'created', case: this.record(actor, answers) };
  }
  async forRequester(): Promise<CaseRecord> {
    throw new Error('not found');
  }
}

const actor = { tenantId: 't', aadObjectId: REQUESTER.aadObjectId, school: BIG_SCHOOL, member: REQUESTER };

describe(`every message stays under Teams' limit (${TEAMS_MAX_MESSAGE_BYTES} bytes) with 1,500 staff and 50 schools`, () => {
  it('request an account: every card, a correction included, and the answer after confirm', async () => {
    const dialog = new RequestAccountDialog({ requests: new FakeRequests(), policies, members: async () => MEMBERS, clock: CLOCK, log: pino({ level: 'silent' }) });
    const client = dialogClient({ requestAccount: dialog }, 'requestAccount', actor);
    const turns: Array<[string, Say]> = [
      ['about card', 'request account'],
      ['people card', page('about')],
      ['people card with a problem shown', page('people', { moderators: MEMBERS[800].aadObjectId })],
      ['dates card', page('people')],
      ['summary', page('dates')],
      ['sent', submit({ verb: 'requestAccount', step: 'summary', action: 'confirm' })],
    ];
    const pickers: any[] = [];
    for (const [what, input] of turns) {
      const out = await replies(client, input);
      expect(out.length, what).toBeGreaterThan(0);
      for (const a of out) check('account request', what, a);
      if (what.startsWith('people card')) pickers.push(out[0].attachments![0].content.body.find((b: any) => b.id === 'moderators'));
    }
    // The picker searches the staff; its static choices are a few likely people, never the whole list.
    for (const p of pickers) expect(p['choices.data']).toEqual({ type: 'Data.Query', dataset: `staff.${BIG_SCHOOL.id}` });
    expect(pickers[0].choices.length).toBe(1 + 10); // the line manager, already filled in, and ten likely people
    expect(pickers[0].choices.map((c: any) => c.value)).toEqual(expect.arrayContaining([REQUESTER.aadObjectId, REQUESTER.lineManager]));
    // After a correction the one moderator still chosen is still shown by name.
    expect(pickers[1].choices.find((c: any) => c.value === MEMBERS[800].aadObjectId)?.title).toContain(MEMBERS[800].name);
  });

  it('the approver\'s card and the requester\'s notices', () => {
    const answers: AccountRequestAnswers = {
      platform: 'instagram', accountName: FORM.accountName, department: FORM.department, aim: LONG, content: LONG, audience: ['families', 'staff', 'pupils'], pupilAgeFrom: 13, pupilAgeTo: 18,
      contributors: ['staff'], openness: 'closed', promotion: LONG, vetting: FORM.vetting, host: 'thirdParty', hostName: 'Meta', consent: LONG, security: LONG, goLive: '2026-04-20', reviewDate: '2027-04-20',
      exitStrategy: LONG, successMeasures: LONG,
      administrators: MEMBERS.slice(600, 610).map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
      moderators: MEMBERS.slice(800, 810).map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
      lineManager: { aadObjectId: MEMBERS[1].aadObjectId, name: MEMBERS[1].name },
    } as AccountRequestAnswers;
    const chain = buildChain(MEMBERS, { aadObjectId: REQUESTER.aadObjectId, name: REQUESTER.name }, answers.lineManager, LONGEST_CHAIN).map((s) => ({ title: s.role, value: `${s.approver?.name ?? ''}: approved Sun 22 Nov, 10:42` }));
    for (const state of ['pending', 'done'] as const) {
      const card = buildApprovalCard({
        caseId: 'a'.repeat(16), schoolId: BIG_SCHOOL.id, round: 3, step: 2, reference: 'GA-2026-0001', requesterName: REQUESTER.name, submittedAt: 'Sun 22 Nov, 10:42',
        statement: 'As senior manager, you are asked to approve the request before it goes on to the next approver.', facts: accountRequestFacts(answers), chain, state, policyLines: [LONG.slice(0, 500), LONG.slice(0, 500)],
        stateText: `Rejected by ${MEMBERS[0].name}, Sun 22 Nov, 10:42. ${LONG}`, caseUrl: `https://teams.microsoft.com/l/entity/${'0'.repeat(36)}/cases?context=${'%7B'.repeat(20)}`, refreshUserIds: [`29:1${'z'.repeat(120)}`],
      });
      check('account request', `approval card (${state})`, proactive([card]));
    }
    const notice = buildAccountNoticeCard({ title: 'Request GA-2026-0001: changes asked for', text: LONG, reason: `Changes wanted: ${'x'.repeat(4000)}`, reference: 'GA-2026-0001', resubmit: { verb: 'menu', choice: 'requestAccount', caseId: 'a'.repeat(16) } });
    check('account request', 'notice to the requester', proactive([notice]));
  });

  it('alerts, notices and receipts: eight alerts in one message to a DSL of a school with many deputies', () => {
    // Teams user ids as Teams issues them (29: and about 90 characters); a school with a DSL and 24 deputies.
    const refreshUserIds = Array.from({ length: 25 }, (_, i) => `29:1${String(i).padStart(92, 'q')}`);
    const alert = (n: number) =>
      buildDslAlertCard({
        caseId: String(n).padStart(16, 'a'), schoolId: BIG_SCHOOL.id, reference: `GA-2026-${String(n).padStart(4, '0')}`, category: 'Radicalisation or extremism concern (Prevent)', severity: 'high',
        raisedAt: 'Sun 22 Nov, 10:42', caseUrl: `https://teams.microsoft.com/l/entity/${'0'.repeat(36)}/cases?context=${'%7B'.repeat(20)}`, refreshUserIds,
      });
    check('alerts', `${CARDS_PER_MESSAGE} DSL alerts in one message`, proactive(Array.from({ length: CARDS_PER_MESSAGE }, (_, i) => alert(i)), 'New safeguarding concerns.'));
    const notice = buildCaseNoticeCard({ title: 'A concern about the headteacher', reference: 'GA-2026-0001', kindLabel: 'Incident report', category: 'Misuse of social media by a member of staff', severity: 'high', raisedAt: 'Sun 22 Nov, 10:42', caseUrl: 'https://x.test/', note: LONG });
    check('alerts', `${CARDS_PER_MESSAGE} notices in one message`, proactive(Array.from({ length: CARDS_PER_MESSAGE }, () => notice)));
    check('alerts', 'receipt', proactive([buildReceiptCard({ reference: 'GA-2026-0001', kindLabel: 'Incident report', raisedAt: 'Sun 22 Nov, 10:42', next: LONG })]));
  });

  it('declare a family relationship: form, summary, sent, the acknowledgement card, notices and the list to withdraw from', () => {
    const choices = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Choice number ${i}`, value: `choice${i}` }));
    const form = buildDeclarationFormCard({
      headTitle: 'Principal', intro: LONG, declaration: LONG, errors: ['Please give the pupil\'s name.', 'Please choose the relationship.'], relationshipChoices: choices(12), platformChoices: choices(14), relativesChoices: choices(3),
      pupilName: 'Alexandra Abernethy-Clarke', yearGroup: 'Year 11', relationship: 'niece', relationshipOther: '', platforms: 'choice1,choice2', platformsOther: '', otherRelatives: 'yes', otherRelativesDetail: LONG, anythingElse: LONG, confirmed: 'true',
    });
    check('declaration', 'form', proactive([form]));
    const facts = Array.from({ length: 9 }, (_, i) => ({ title: `Question ${i}`, value: LONG.slice(0, 300) }));
    check('declaration', 'summary', proactive([buildDeclarationSummaryCard({ facts, declaration: LONG, routeNote: LONG })]));
    check('declaration', 'sent', proactive([buildDeclarationSentCard({ reference: 'GA-2026-0001', whoIsTold: LONG, contactLine: LONG })]));
    for (const state of ['pending', 'discussionRequested', 'acknowledged', 'withdrawn'] as const) {
      const card = buildAcknowledgementCard({ caseId: 'a'.repeat(16), schoolId: BIG_SCHOOL.id, reference: 'GA-2026-0001', declarerName: REQUESTER.name, declaredAt: 'Sun 22 Nov, 10:42', facts, policyNote: LONG, state, stateText: LONG, note: 'n'.repeat(4000), caseUrl: 'https://x.test/' });
      check('declaration', `acknowledgement card (${state})`, proactive([card]));
    }
    check('declaration', 'decision notice', proactive([buildDecisionNoticeCard({ title: 'Declaration acknowledged', reference: 'GA-2026-0001', text: LONG, note: 'n'.repeat(4000) })]));
    const items = Array.from({ length: 30 }, (_, i) => ({ caseId: String(i).padStart(16, 'b'), reference: `GA-2026-${String(i).padStart(4, '0')}`, pupil: 'Alexandra Abernethy-Clarke', relationship: 'Niece or nephew', status: 'Acknowledged' }));
    check('declaration', 'my declarations (30 standing)', proactive([buildMyDeclarationsCard({ schoolId: BIG_SCHOOL.id, items, message: 'GA-2026-0001 has been withdrawn.' })]));
    check('declaration', 'withdraw confirmation', proactive([buildWithdrawConfirmCard({ caseId: 'a'.repeat(16), schoolId: BIG_SCHOOL.id, reference: 'GA-2026-0001', text: LONG })]));
  });

  it('report an incident: every step, the summary and the answer after sending', async () => {
    const { client } = makeReportClient({ member: REQUESTER, school: BIG_SCHOOL, members: MEMBERS });
    const turns: Array<[string, Say]> = [
      ['category', 'report'], ['affected', INCIDENT_CATEGORIES.cyberbullying], ['responsible', 'me'], ['who is it (people search)', 'a member of staff'],
      ['platform', submit({ verb: 'incident', step: 'subject', action: 'answer', value: MEMBERS[800].aadObjectId })], ['where', 'facebook'],
      ['when', `https://www.facebook.com/groups/${'g'.repeat(400)}`], ['what happened', 'today 9:15am'], ['pupil at risk', LONG.repeat(6)],
      ['screenshots', 'no'], ['screenshot received', image('https://smba.example/shot1')], ['summary', 'done'],
      ['sent', submit({ verb: 'incident', step: 'summary', action: 'submit' })],
    ];
    const picker: any[] = [];
    for (const [what, input] of turns) {
      for (const a of await replies(client, input)) {
        check('incident', what, a);
        if (what.startsWith('who is it')) picker.push(a.attachments![0].content.body.find((b: any) => b.id === 'value'));
      }
    }
    // The person is searched for; the card offers a few likely colleagues, never the whole staff.
    expect(picker[0]['choices.data']).toEqual({ type: 'Data.Query', dataset: `staff.${BIG_SCHOOL.id}` });
    expect(picker[0].choices.length).toBeLessThanOrEqual(10);
  });

  it('my submissions: a full page for someone with many submissions', async () => {
    const mine: CaseSummary[] = Array.from({ length: 10 }, (_, i) => ({ id: String(i).padStart(16, 'c'), reference: `GA-2026-${String(i).padStart(4, '0')}`, kind: 'incident', category: 'staffMisuse', status: 'inProgress', severity: 'high', createdAt: CLOCK().toISOString() }) as unknown as CaseSummary);
    const client = dialogClient({ mySubmissions: new MySubmissionsDialog({ mySubmissions: async () => ({ items: mine }) }, async () => buildMyDeclarationsCard({ schoolId: BIG_SCHOOL.id, message: '', items: [] }), async () => `Awaiting line manager (${MEMBERS[1].name})`) }, 'mySubmissions', actor);
    for (const a of await replies(client, 'my submissions')) check('my submissions', 'list', a);
  });

  it('the welcome card, and the school choice in a trust of 50 schools', () => {
    check('welcome', 'menu', proactive([buildWelcomeCard({ firstName: 'Wilhelmina', schoolName: BIG_SCHOOL.name, reportingRule: 'x'.repeat(300) })]));
    check('school choice', '50 schools', proactive([buildSchoolChoiceCard(trustSchools(50))]));
  });

  it('ask the policy: the biggest answer any school\'s policy can give (its three longest clauses, every flow, the longest question)', () => {
    const { clauses } = readPolicyFiles('config/policies');
    for (const file of clauses) {
      const longest = [...file.clauses].sort((a, b) => b.text.length - a.text.length).slice(0, 3);
      const answer = {
        covered: true as const,
        policyName: 'Wilhelmina Greenfield-Ashworth Academy policy',
        askWho: 'Executive Headteacher',
        flows: ['report', 'declare', 'requestAccount'] as const,
        clauses: longest.map((c) => ({ id: c.id, cite: `Wilhelmina Greenfield-Ashworth Academy policy, “${c.heading ?? c.label}”`, heading: c.heading, ...shorten(c.text) })),
      };
      check('ask the policy', `${file.schoolId}: three longest clauses`, proactive([buildAskAnswerCard(file.schoolId, 'q'.repeat(600), { ...answer, flows: [...answer.flows] })]));
    }
  });

  // PRINT_SIZES=1 prints every size, for the record of a change.
  afterAll(() => {
    if (process.env.PRINT_SIZES) console.log(sizes.map((s) => `${s.flow} | ${s.what} | ${(s.bytes / 1024).toFixed(1)} KB`).join('\n'));
  });
});
