import { describe, expect, it } from 'vitest';
import { expectValidCard } from '../../support/adaptive-card.js';
import { buildCaseNoticeCard, buildDslAlertCard, buildReceiptCard, ALERT_VERBS } from '../../../src/teams/alerts/alert-cards.js';
import { buildWelcomeCard } from '../../../src/teams/menu-card.js';
import { buildSchoolChoiceCard } from '../../../src/teams/school-choice-card.js';


const alertData = {
  caseId: '0123456789abcdef',
  schoolId: 'westbrook',
  reference: 'SM-2026-0042',
  category: 'Indecent or inappropriate images',
  severity: 'high' as const,
  raisedAt: 'Sun 22 Nov, 10:42',
  caseUrl: 'https://example.test/tab/index.html#/case/0123456789abcdef',
  refreshUserIds: ['29:a', '29:b'],
};

describe('cards are valid Adaptive Cards 1.5 with the right verbs and data', () => {
  it('DSL alert: acknowledge is an Action.Execute carrying the case, refresh lists the DSLs', () => {
    const { content } = buildDslAlertCard(alertData);
    const card = expectValidCard(content);
    const ack = (content.actions as any[]).find((a) => a.type === 'Action.Execute');
    expect(ack).toMatchObject({ verb: ALERT_VERBS.acknowledge, data: { caseId: alertData.caseId, schoolId: 'westbrook' } });
    expect(content.refresh).toEqual({ action: { type: 'Action.Execute', verb: ALERT_VERBS.refresh, data: { caseId: alertData.caseId, schoolId: 'westbrook' } }, userIds: ['29:a', '29:b'] });
    expect(card.getActionCount()).toBe(2);
    expect(JSON.stringify(content)).toContain('Not yet acknowledged');
  });

  it('DSL alert once acknowledged: who and when, no acknowledge button', () => {
    const { content } = buildDslAlertCard({ ...alertData, acknowledgedBy: 'Dev Patel', acknowledgedAt: 'Sun 22 Nov, 10:45' });
    expectValidCard(content);
    expect(JSON.stringify(content)).toContain('Acknowledged by Dev Patel at Sun 22 Nov, 10:45');
    expect((content.actions as any[]).map((a) => a.type)).toEqual(['Action.OpenUrl']);
  });

  it('notice, receipt, welcome and school choice', () => {
    expectValidCard(buildCaseNoticeCard({ title: 'New case', reference: 'SM-2026-0001', kindLabel: 'Incident report', category: 'Trolling', severity: 'medium', raisedAt: 'now', caseUrl: 'https://x.test/', note: 'n' }).content);
    expectValidCard(buildReceiptCard({ reference: 'SM-2026-0001', kindLabel: 'Incident report', raisedAt: 'now', next: 'The DSL has been alerted now.' }).content);
    const welcome = buildWelcomeCard({ firstName: 'Sam', schoolName: 'Westbrook Primary School', reportingRule: '"Any misuse should be reported." (Westbrook policy)' }).content;
    expectValidCard(welcome);
    expect((welcome.actions as any[]).map((a) => a.data)).toEqual([
      { verb: 'menu', choice: 'report' },
      { verb: 'menu', choice: 'requestAccount' },
      { verb: 'menu', choice: 'declare' },
      { verb: 'menu', choice: 'proposePost' },
      { verb: 'menu', choice: 'mySubmissions' },
    ]);
    const choice = buildSchoolChoiceCard([{ id: 'a', name: 'A School', referencePrefix: 'A', headTitle: 'Headteacher' }, { id: 'b', name: 'B Academy', referencePrefix: 'B', headTitle: 'Principal' }]).content;
    expectValidCard(choice);
    expect((choice.actions as any[]).map((a) => a.data)).toEqual([{ verb: 'chooseSchool', schoolId: 'a' }, { verb: 'chooseSchool', schoolId: 'b' }]);
  });
});
