import { describe, expect, it } from 'vitest';
import { nobodyToldText } from '../../../src/domain/cases/nobody-told.js';
import type { Routing } from '../../../src/domain/cases/types.js';

const routing = (safeguarding: boolean, aboutHead: boolean): Routing => ({ safeguarding, aboutHead, severity: 'high' }) as Routing;

describe('what the reporter is told when a school has nobody in a role', () => {
  it.each([
    [routing(true, false), ['dsl'], ['No designated safeguarding lead is set up', 'Tell your designated safeguarding lead or the Head in person now.'], ['alerted now', 'chair']],
    [routing(false, true), ['chair'], ['No chair of governors is set up', 'the Head will not see it', 'Tell the chair of governors in person now.'], ['alerted now', 'has been told']],
    [routing(true, true), ['chair'], ['The designated safeguarding lead has been alerted now.', 'No chair of governors is set up', 'Tell the chair of governors'], ['chair of governors has been told']],
    [routing(true, true), ['dsl'], ['The chair of governors has been told, and the Head will not see this report.', 'No designated safeguarding lead', 'Tell the designated safeguarding lead in person'], ['alerted now', 'or the Head']],
    [routing(true, true), ['dsl', 'chair'], ['No designated safeguarding lead and no chair of governors is set up', 'Tell the designated safeguarding lead and the chair of governors in person now.'], ['alerted now', 'has been told']],
  ] as const)('%o missing %o', (r, missing, says, never) => {
    const text = nobodyToldText(r, missing, 'Head');
    for (const s of says) expect(text).toContain(s);
    for (const s of never) expect(text).not.toContain(s);
  });
});
