import { describe, expect, it } from 'vitest';
import { incidentRecipients } from '../../../src/domain/cases/recipients.js';
import { routeIncident } from '../../../src/domain/cases/routing.js';
import type { Member, Role } from '../../../src/domain/directory/directory.js';

const m = (id: string, ...roles: Role[]): Member => ({ schoolId: 'w', aadObjectId: id, name: id, roles });
const school = [
  m('staff', 'staff'),
  m('head', 'staff', 'slt', 'headteacher'),
  m('dsl', 'staff', 'slt', 'dsl'),
  m('deputy', 'staff', 'slt', 'deputyDsl'),
  m('chair', 'chair'),
  m('slt2', 'staff', 'slt'),
];
const who = (r: ReturnType<typeof incidentRecipients>) => r.map((x) => `${x.kind}:${x.recipient.aadObjectId}`).sort();

describe('incident recipients', () => {
  it.each([
    // [answers, expected recipients]
    [{ category: 'indecentImagesOfChildren', affected: 'pupil', responsible: 'unknown', pupilAtRisk: 'yes' }, ['dslAlert:deputy', 'dslAlert:dsl', 'receipt:staff']],
    [{ category: 'radicalisation', affected: 'pupil', responsible: 'public', pupilAtRisk: 'no' }, ['dslAlert:deputy', 'dslAlert:dsl', 'receipt:staff']],
    [{ category: 'trolling', affected: 'me', responsible: 'public', pupilAtRisk: 'no' }, ['receipt:staff', 'sltNotice:deputy', 'sltNotice:dsl', 'sltNotice:head', 'sltNotice:slt2']],
    [{ category: 'staffMisuse', affected: 'school', responsible: 'headteacher', pupilAtRisk: 'no' }, ['chairNotice:chair', 'receipt:staff']],
    [{ category: 'pupilContact', affected: 'me', responsible: 'headteacher', pupilAtRisk: 'no' }, ['chairNotice:chair', 'dslAlert:deputy', 'dslAlert:dsl', 'receipt:staff']],
  ] as const)('%o → %o', (answers, expected) => {
    expect(who(incidentRecipients(routeIncident(answers as never), school, 'staff'))).toEqual([...expected].sort());
  });

  it('never tells the headteacher about a case about the headteacher, even when the head is the DSL', () => {
    const headIsDsl = [m('head', 'slt', 'headteacher', 'dsl'), m('chair', 'chair'), m('staff', 'staff')];
    const r = incidentRecipients(routeIncident({ category: 'indecentImagesOfChildren', affected: 'pupil', responsible: 'headteacher', pupilAtRisk: 'yes' }), headIsDsl, 'staff');
    expect(r.some((x) => x.recipient.aadObjectId === 'head')).toBe(false);
    expect(who(r)).toEqual(['chairNotice:chair', 'receipt:staff']);
  });

  it('does not send an SLT member a notice about their own report, but still a receipt', () => {
    const r = incidentRecipients(routeIncident({ category: 'media', affected: 'school', responsible: 'public', pupilAtRisk: 'no' }), school, 'slt2');
    expect(who(r)).toEqual(['receipt:slt2', 'sltNotice:deputy', 'sltNotice:dsl', 'sltNotice:head']);
  });
});
