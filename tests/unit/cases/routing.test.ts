import { describe, expect, it } from 'vitest';
import { routeIncident } from '../../../src/domain/cases/routing.js';
import type { IncidentAnswers, IncidentCategory } from '../../../src/domain/cases/incident.js';

type A = Pick<IncidentAnswers, 'category' | 'affected' | 'responsible' | 'pupilAtRisk'>;
const base: A = { category: 'other', affected: 'me', responsible: 'unknown', pupilAtRisk: 'no' };

// [answers, queue, safeguarding, aboutHead, severity]
const TABLE: Array<[Partial<A>, 'dsl' | 'slt' | 'chair' | 'head', boolean, boolean, 'high' | 'medium' | 'low']> = [
  // every category, about nobody in particular, no pupil at risk
  [{ category: 'cyberbullying' }, 'slt', false, false, 'medium'],
  [{ category: 'trolling' }, 'slt', false, false, 'medium'],
  [{ category: 'staffMisuse' }, 'slt', false, false, 'medium'],
  [{ category: 'disparaging' }, 'slt', false, false, 'low'],
  [{ category: 'pupilContact' }, 'dsl', true, false, 'medium'],
  [{ category: 'indecentImagesOfChildren' }, 'dsl', true, false, 'high'],
  [{ category: 'inappropriateImages' }, 'slt', false, false, 'medium'],
  [{ category: 'radicalisation' }, 'dsl', true, false, 'high'],
  [{ category: 'dataBreach' }, 'slt', false, false, 'medium'],
  [{ category: 'media' }, 'slt', false, false, 'low'],
  [{ category: 'other' }, 'slt', false, false, 'low'],
  // bullying involving a pupil is safeguarding
  [{ category: 'cyberbullying', affected: 'pupil' }, 'dsl', true, false, 'medium'],
  [{ category: 'trolling', responsible: 'pupil' }, 'dsl', true, false, 'medium'],
  [{ category: 'disparaging', affected: 'pupil' }, 'slt', false, false, 'low'],
  // pupil at risk: yes / unsure / no
  [{ category: 'media', pupilAtRisk: 'yes' }, 'dsl', true, false, 'high'],
  [{ category: 'media', pupilAtRisk: 'unsure' }, 'dsl', true, false, 'medium'],
  [{ category: 'media', pupilAtRisk: 'no' }, 'slt', false, false, 'low'],
  [{ category: 'cyberbullying', pupilAtRisk: 'yes' }, 'dsl', true, false, 'high'],
  // the headteacher route: the chair, whatever else
  [{ category: 'staffMisuse', responsible: 'headteacher' }, 'chair', false, true, 'medium'],
  [{ category: 'other', responsible: 'headteacher' }, 'chair', false, true, 'medium'],
  [{ category: 'indecentImagesOfChildren', responsible: 'headteacher' }, 'chair', true, true, 'high'],
  [{ category: 'disparaging', responsible: 'headteacher', pupilAtRisk: 'yes' }, 'chair', true, true, 'high'],
  [{ category: 'cyberbullying', responsible: 'headteacher', affected: 'pupil' }, 'chair', true, true, 'medium'],
  // responsible people other than the head do not change the queue
  [{ category: 'staffMisuse', responsible: 'staff' }, 'slt', false, false, 'medium'],
  [{ category: 'disparaging', responsible: 'parent' }, 'slt', false, false, 'low'],
  [{ category: 'disparaging', responsible: 'public' }, 'slt', false, false, 'low'],
  // an allegation: a member of staff, and a pupil affected or at risk (KCSIE): the head manages it
  [{ category: 'staffMisuse', responsible: 'staff', affected: 'pupil' }, 'head', true, false, 'high'],
  [{ category: 'cyberbullying', responsible: 'staff', pupilAtRisk: 'unsure' }, 'head', true, false, 'high'],
  [{ category: 'staffMisuse', responsible: 'staff', affected: 'colleague' }, 'slt', false, false, 'medium'],
];

describe('routeIncident: the routing table', () => {
  it.each(TABLE)('%j → %s (safeguarding %s, about head %s, %s)', (answers, queue, safeguarding, aboutHead, severity) => {
    const r = routeIncident({ ...base, ...answers });
    expect({ queue: r.queue, safeguarding: r.safeguarding, aboutHead: r.aboutHead, severity: r.severity }).toEqual({ queue, safeguarding, aboutHead, severity });
  });

  it('covers every category', () => {
    const covered = new Set(TABLE.map(([a]) => a.category));
    const all: IncidentCategory[] = ['cyberbullying', 'trolling', 'staffMisuse', 'disparaging', 'pupilContact', 'indecentImagesOfChildren', 'inappropriateImages', 'radicalisation', 'dataBreach', 'media', 'other'];
    expect(all.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('gives reasons a DSL can read', () => {
    expect(routeIncident({ ...base, category: 'indecentImagesOfChildren', pupilAtRisk: 'yes', responsible: 'headteacher' }).reasons).toEqual([
      'indecent images of children',
      'a pupil may be at risk',
      'concerns the headteacher',
    ]);
    expect(routeIncident({ ...base, category: 'trolling', affected: 'pupil', pupilAtRisk: 'unsure' }).reasons).toEqual([
      'the reporter is unsure whether a pupil is at risk',
      'bullying involving a pupil',
    ]);
    expect(routeIncident(base).reasons).toEqual([]);
  });
});
