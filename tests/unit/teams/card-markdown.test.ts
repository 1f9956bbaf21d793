import { describe, expect, it } from 'vitest';
import type { CardAttachment } from '../../../src/teams/card.js';
import { escapeMarkdown } from '../../../src/teams/markdown.js';
import { buildCaseNoticeCard, buildDslAlertCard, buildReceiptCard } from '../../../src/teams/alerts/alert-cards.js';
import { buildWelcomeCard } from '../../../src/teams/menu-card.js';
import { buildSchoolChoiceCard } from '../../../src/teams/school-choice-card.js';
import { buildMySubmissionsCard } from '../../../src/teams/my-submissions/my-submissions-card.js';
import {
  buildChoiceStepCard,
  buildEvidenceStepCard,
  buildSubmittedCard,
  buildSummaryCard,
  buildTextStepCard,
  buildWhenStepCard,
  buildSubjectStepCard,
} from '../../../src/teams/incident/incident-cards.js';
import {
  buildAccountFormCard,
  buildAccountNoticeCard,
  buildAccountSentCard,
  buildAccountSummaryCard,
  buildApprovalCard,
} from '../../../src/teams/account-requests/account-request-cards.js';
import {
  buildAcknowledgementCard,
  buildDecisionNoticeCard,
  buildDeclarationFormCard,
  buildDeclarationSentCard,
  buildDeclarationSummaryCard,
  buildMyDeclarationsCard,
  buildWithdrawConfirmCard,
} from '../../../src/teams/declarations/declaration-cards.js';
import * as alerts from '../../../src/teams/alerts/alert-cards.js';
import * as menu from '../../../src/teams/menu-card.js';
import * as schoolChoice from '../../../src/teams/school-choice-card.js';
import * as mySubmissions from '../../../src/teams/my-submissions/my-submissions-card.js';
import * as incidentCards from '../../../src/teams/incident/incident-cards.js';
import * as accountCards from '../../../src/teams/account-requests/account-request-cards.js';
import * as declarationCards from '../../../src/teams/declarations/declaration-cards.js';
import { cardProblems } from '../../support/adaptive-card.js';
import { cardStrings, liveMarkup, unescapeMarkdown } from '../../support/markdown.js';

/** What someone might type into a reason, a name or an answer to make another person's card lie: inline markup… */
const INLINE =
  '**URGENT** [Click to approve](https://evil.example/a_b) _now_ `run` <b>bold</b> <https://evil.example> ' +
  'www.evil.example &#91;x&#93;(https://evil.example) ~~old~~ | cell';
/** …and markup that starts lines (headings, lists, quotes, underlines), which needs line breaks. */
const BLOCK = 'Fine\n# Heading\n- item\n+ item\n1. first\n2) second\n> quote\n===\nend';
/** Inline markup can only break the template's own bold if the text spans lines; BLOCK has no "*" or "_" to add any. */
const MAY_BREAK_TEMPLATE = new Set(['strong', 'emphasis']);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Builder = { name: string; build: (data: any) => CardAttachment; data: Record<string, unknown> };

const facts = [{ title: 'Platform', value: 'Instagram' }, { title: 'Proposed name', value: 'Westbrook Eco Club' }];
const choices = [{ title: 'Instagram', value: 'instagram' }, { title: 'Other', value: 'other' }];
const formData = {
  progress: '1 of 3', intro: 'Editing SM-2026-0007. Changes asked for: add a moderator', hasErrors: true,
  errors: { platform: '', accountName: 'Please give the proposed name.', vetting: 'Please say who will vet contributors.', exitStrategy: 'Please give the exit strategy.' },
  platformChoices: choices, groupChoices: choices, opennessChoices: choices, hostChoices: choices,
  staffChoices: [{ title: 'Rachel Moore (Deputy Head)', value: 'rachel' }], staffDataset: 'staff.westbrook', today: '2026-03-14',
  platform: 'instagram', platformOther: 'Mastodon', accountName: 'Westbrook Eco Club', department: 'Science', aim: 'Share projects',
  content: 'Photos', audience: 'families', otherSchools: 'Newall Green', audienceOther: 'Governors', contributors: 'staff',
  contributorsOther: 'Parents', openness: 'closed', promotion: 'Newsletter', vetting: 'Rachel Moore', host: 'thirdParty', hostName: 'Meta',
  consent: 'Letters home', security: 'Private account', goLive: '2026-04-20', reviewDate: '2027-04-20', exitStrategy: 'Archive it', successMeasures: 'Families engaged',
};
const ackData = {
  caseId: 'c1', schoolId: 'westbrook', reference: 'SM-2026-0009', declarerName: 'Priya Shah', declaredAt: 'Sun 22 Nov, 10:42',
  facts: [{ title: 'Pupil', value: 'Tom Shah' }, { title: 'Relationship', value: 'Nephew' }], policyNote: 'Contact is allowed once acknowledged.',
  stateText: 'Acknowledged by Sam Head at Mon 23 Nov, 09:00', note: 'Discussed, agreed protocols', caseUrl: 'https://app.example/tab/index.html#/case/c1',
};

/** Every card builder, with data as the app fills it in. */
const BUILDERS: Builder[] = [
  { name: 'DSL alert', build: buildDslAlertCard, data: { caseId: 'c1', schoolId: 'westbrook', reference: 'SM-2026-0042', category: 'Trolling', severity: 'high', raisedAt: 'Sun 22 Nov, 10:42', caseUrl: 'https://app.example/c', acknowledgedBy: 'Dev Patel', acknowledgedAt: 'Sun 22 Nov, 10:45', refreshUserIds: ['29:a'] } },
  { name: 'case notice', build: buildCaseNoticeCard, data: { title: 'New case', reference: 'SM-2026-0001', kindLabel: 'Incident report', category: 'Trolling', severity: 'medium', raisedAt: 'now', caseUrl: 'https://app.example/c', note: 'Open the Cases tab.' } },
  { name: 'receipt', build: buildReceiptCard, data: { reference: 'SM-2026-0001', kindLabel: 'Incident report', raisedAt: 'now', next: 'The DSL has been alerted now.' } },
  { name: 'welcome', build: buildWelcomeCard, data: { firstName: 'Sam', schoolName: 'Westbrook Primary School', reportingRule: 'Quote' } },
  { name: 'school choice', build: (d) => buildSchoolChoiceCard(d.schools), data: { schools: [{ id: 'a', name: 'A School', referencePrefix: 'A', headTitle: 'Headteacher' }] } },
  { name: 'my submissions', build: buildMySubmissionsCard, data: { count: 1, empty: false, items: [{ reference: 'SM-2026-0001', kind: 'Incident', date: '1 March 2026', status: 'Awaiting line manager (Rachel Moore)' }] } },
  { name: 'choice step', build: buildChoiceStepCard, data: { step: 'platform', progress: 'Question 4 of 9', question: 'Where did it happen?', hints: ['A hint'], choices, selected: 'other', canGoBack: true } },
  { name: 'text step', build: buildTextStepCard, data: { step: 'where', progress: 'Question 5 of 9', question: 'Where exactly?', hints: ['Paste the link'], placeholder: 'https://…', value: 'facebook group', multiline: false, maxLength: 4000 } },
  { name: 'subject step', build: buildSubjectStepCard, data: { progress: 'q', question: 'Who is it?', hints: ['A hint'], staffChoices: choices, staffDataset: 'staff.westbrook', selected: '' } },
  { name: 'when step', build: buildWhenStepCard, data: { step: 'when', progress: 'q', question: 'When?', hints: ['Or type it'], max: '2026-03-14', date: '2026-03-01', time: '10:00' } },
  { name: 'evidence step', build: buildEvidenceStepCard, data: { progress: 'q', question: 'Screenshots', hints: ['Paste them'], received: 1, max: 10, uploadUrl: 'https://app.example/upload/x' } },
  { name: 'incident summary', build: buildSummaryCard, data: { facts: [{ title: 'Where', value: 'facebook group' }, { title: 'What happened', value: 'A post' }], fields: [{ value: 'where', title: 'Where' }], routeNote: 'It goes to the SLT.' } },
  { name: 'report sent', build: buildSubmittedCard, data: { reference: 'SM-2026-0001', whoIsTold: 'The DSL has been alerted now.', guidance: ['Do not view the images again.'], advice: ['Keep the evidence.'] } },
  { name: 'account form: about', build: (d) => buildAccountFormCard('about', d), data: formData },
  { name: 'account form: people', build: (d) => buildAccountFormCard('people', d), data: formData },
  { name: 'account form: dates', build: (d) => buildAccountFormCard('dates', d), data: formData },
  { name: 'account summary', build: buildAccountSummaryCard, data: { facts, chain: [{ title: 'Line manager', value: 'Rachel Moore' }], resubmitting: false } },
  { name: 'account sent', build: buildAccountSentCard, data: { title: 'Request sent', reference: 'SM-2026-0007', whoIsAsked: 'Your line manager (Rachel Moore) has been asked to approve it first.' } },
  ...(['pending', 'done'] as const).map((state) => ({
    name: `approval card (${state})`,
    build: buildApprovalCard,
    data: {
      caseId: 'c1', schoolId: 'westbrook', round: 1, step: 0, reference: 'SM-2026-0007', requesterName: 'Priya Shah', submittedAt: 'Sun 22 Nov, 10:42',
      statement: 'You approve the aim of the account.', facts, chain: [{ title: 'Line manager', value: 'Rachel Moore: waiting' }], state,
      stateText: 'Rejected by Rachel Moore, Mon 23 Nov. Not now', caseUrl: 'https://app.example/c', refreshUserIds: ['29:r'],
    },
  })),
  { name: 'account notice', build: buildAccountNoticeCard, data: { title: 'Request SM-2026-0007 rejected', text: 'Rachel Moore rejected your request for "Eco Club".', reason: 'Reason: not now', reference: 'SM-2026-0007' } },
  { name: 'account notice (resubmit)', build: buildAccountNoticeCard, data: { title: 'Changes asked for', text: 'Rachel Moore asks for changes.', reason: 'Changes wanted: a second moderator', reference: 'SM-2026-0007', resubmit: { verb: 'menu', choice: 'requestAccount', caseId: 'c1' } } },
  {
    name: 'declaration form',
    build: buildDeclarationFormCard,
    data: {
      headTitle: 'Headteacher', declaration: 'I confirm that this is true.', errors: ['Please give the year group or class.'], relationshipChoices: choices, platformChoices: choices, relativesChoices: choices,
      pupilName: 'Tom Shah', yearGroup: 'Year 5', relationship: 'other', relationshipOther: 'Godson', platforms: 'instagram', platformsOther: 'Mastodon',
      otherRelatives: 'yes', otherRelativesDetail: 'Sister in Year 2', anythingElse: 'We are neighbours', confirmed: 'true',
    },
  },
  { name: 'declaration summary', build: buildDeclarationSummaryCard, data: { facts: [{ title: 'Pupil', value: 'Tom Shah' }], declaration: 'I confirm that this is true.', routeNote: 'The Headteacher is asked to acknowledge it.' } },
  { name: 'declaration sent', build: buildDeclarationSentCard, data: { reference: 'SM-2026-0009', whoIsTold: 'The Headteacher has been asked to acknowledge it.', reportingRule: 'Quote' } },
  ...(['pending', 'discussionRequested', 'acknowledged', 'withdrawn'] as const).map((state) => ({ name: `acknowledgement card (${state})`, build: buildAcknowledgementCard, data: { ...ackData, state } })),
  { name: 'declaration decision', build: buildDecisionNoticeCard, data: { title: 'Declaration SM-2026-0009 acknowledged', reference: 'SM-2026-0009', text: 'Sam Head acknowledged your declaration.', note: 'Note of the discussion: agreed' } },
  { name: 'my declarations', build: buildMyDeclarationsCard, data: { schoolId: 'westbrook', message: 'Withdrawn.', items: [{ caseId: 'c1', reference: 'SM-2026-0009', pupil: 'Tom Shah', relationship: 'Nephew', status: 'Acknowledged' }] } },
  { name: 'withdraw confirm', build: buildWithdrawConfirmCard, data: { caseId: 'c1', schoolId: 'westbrook', reference: 'SM-2026-0009', reportingRule: 'Quote' } },
];

/** Fields that steer the template (enums, ids) or must stay well-formed for the card to be valid (URLs, dates); none is typed text. */
const STEERING = new Set(['severity', 'state', 'caseId', 'schoolId', 'step', 'verb', 'choice', 'caseUrl', 'uploadUrl', 'staffDataset', 'today', 'max', 'date', 'time', 'goLive', 'reviewDate', 'confirmed', 'refreshUserIds']);

/** Paths of every string in the data a person could have typed (or that is built from what they typed). */
function textPaths(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v === 'string') return STEERING.has(String(path.find((p) => typeof p === 'string' && STEERING.has(p)) ?? '')) ? [] : [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => textPaths(x, [...path, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => textPaths(x, [...path, k]));
  return [];
}

function withValue(data: unknown, path: (string | number)[], value: string): any {
  const copy = structuredClone(data) as any;
  let o = copy;
  for (const p of path.slice(0, -1)) o = o[p];
  o[path[path.length - 1]] = value;
  return copy;
}

const sum = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] + (b[k] ?? 0)]));
const markupOf = (card: CardAttachment) =>
  cardStrings(card.content).filter((s) => s.markdown).reduce((acc, s) => sum(acc, liveMarkup(s.text)), liveMarkup(''));

describe('what people type reaches Markdown in cards only as text', () => {
  it('covers every card builder at the Teams edge', () => {
    const modules: object[] = [alerts, menu, schoolChoice, mySubmissions, incidentCards, accountCards, declarationCards];
    const exported = modules.flatMap((m) => Object.entries(m).filter(([k, v]) => /^build\w+Card$/.test(k) && typeof v === 'function').map(([, v]) => v));
    const tested = new Set(BUILDERS.map((b) => b.build));
    // Builders wrapped in a lambda (school choice, account form) are checked by name.
    const wrapped = [buildSchoolChoiceCard, buildAccountFormCard];
    expect(exported.filter((f) => !tested.has(f as never) && !wrapped.includes(f as never))).toEqual([]);
  });

  for (const b of BUILDERS) {
    const paths = textPaths(b.data);
    it(`${b.name}: an injection in any of its ${paths.length} text fields adds no link, emphasis or other markup, and reads as typed`, () => {
      const base = b.build(b.data);
      const baseMarkup = markupOf(base);
      const baseProblems = cardProblems(base.content);
      expect(paths.length).toBeGreaterThan(0);
      let shownAsMarkdown = 0;
      for (const path of paths) {
        // Where does this field land? A unique word for it tells.
        const marker = `Zq${path.join('')}Marker`.replace(/[^A-Za-z0-9]/g, '');
        const marked = cardStrings(b.build(withValue(b.data, path, marker)).content).filter((s) => s.text.includes(marker));
        for (const injection of [INLINE, BLOCK]) {
          const where = `${b.name} ${path.join('.')} ${injection === INLINE ? 'inline' : 'block'}`;
          const card = b.build(withValue(b.data, path, injection));
          const strings = cardStrings(card.content);
          const markup = markupOf(card);
          for (const [kind, n] of Object.entries(baseMarkup)) {
            if (injection === BLOCK && MAY_BREAK_TEMPLATE.has(kind)) expect(markup[kind], `${where}: ${kind}`).toBeLessThanOrEqual(n);
            else expect(markup[kind], `${where}: ${kind}`).toBe(n);
          }
          expect(cardProblems(card.content), where).toEqual(baseProblems);
          expect(strings.filter((s) => /[\u0001\u0002]/.test(s.text)), where).toEqual([]);
          for (const m of marked) {
            const now = strings.find((s) => s.path === m.path);
            expect(now, `${where} → ${m.path}`).toBeDefined();
            if (m.markdown) {
              shownAsMarkdown++;
              // Escaped, and still the same words to a person.
              expect(now!.text, `${where} → ${m.path}`).not.toContain(injection);
              expect(unescapeMarkdown(now!.text), `${where} → ${m.path}`).toContain(injection);
            } else {
              // Input values, choices, labels, URLs and action data are not Markdown: exactly as typed.
              expect(now!.text, `${where} → ${m.path}`).toContain(injection);
            }
          }
        }
      }
      if (b.name !== 'school choice') expect(shownAsMarkdown, `${b.name}: no text field reached Markdown`).toBeGreaterThan(0);
    });
  }

  it('the form cards prefill inputs with what was typed, unescaped', () => {
    const decl = buildDeclarationFormCard({ ...(BUILDERS.find((b) => b.name === 'declaration form')!.data as any), pupilName: INLINE });
    const input = (decl.content.body as Array<Record<string, unknown>>).find((x) => x.id === 'pupilName')!;
    expect(input.value).toBe(INLINE);
    const form = buildAccountFormCard('about', { ...formData, accountName: INLINE } as any);
    const name = cardStrings(form.content).find((s) => s.path.endsWith('.value') && s.text.startsWith('**URGENT'));
    expect(name?.text).toBe(INLINE);
  });

  it('keeps the template\'s own formatting (the reference in bold, advice as a list)', () => {
    const sent = buildSubmittedCard({ reference: 'SM-2026-0001', whoIsTold: 'w', guidance: [], advice: ['Keep the evidence.'] });
    const texts = cardStrings(sent.content).filter((s) => s.markdown).map((s) => s.text);
    expect(texts).toContain('Your reference is **SM-2026-0001**.');
    expect(texts).toContain('- Keep the evidence.');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['[Click to approve](https://evil.example)', '\\[Click to approve\\](https:\u200B//evil.example)'],
    ['**URGENT**', '\\*\\*URGENT\\*\\*'],
    ['snake_case and a\\b', 'snake\\_case and a\\\\b'],
    ['# Heading', '\\# Heading'],
    ['- item\n  + item\n10. ten\n3) three', '\\- item\n  \\+ item\n10\\. ten\n3\\) three'],
    ['<at>Sam</at> &amp; &#91;', '\\<at\\>Sam\\</at\\> \\&amp; \\&#91;'],
    ['see www.example.com', 'see www\u200B.example.com'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
    expect(unescapeMarkdown(expected)).toBe(input);
  });

  it('leaves ordinary sentences alone (nothing for a client that shows backslashes to show)', () => {
    for (const s of ['Rachel Moore (Deputy Head) approved it on Sun 22 Nov, 10:42.', 'Year 5, or 5B!', 'Smith & Jones: well-known, 3.5 stars', "Priya's nephew - at school"]) {
      expect(escapeMarkdown(s)).toBe(s);
    }
  });
});
