import { describe, expect, it } from 'vitest';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../../src/domain/cases/incident.js';

/** The statutory advice on indecent images of children (the baseline; Westbrook's policy says nothing of it). */
const INDECENT_IMAGES_GUIDANCE = 'Do not look at the images again. (Sharing nudes and semi-nudes';
import { answer, image, makeClient, play, say, submit, typedAnswers, type Turn } from './report-dialog-harness.js';

const back = submit({ verb: 'nav', nav: 'back' });
const cancel = submit({ verb: 'nav', nav: 'cancel' });
const send = submit({ verb: 'incident', step: 'summary', action: 'submit' });
const done = submit({ verb: 'incident', step: 'evidence', action: 'done' });
const edit = (field: string) => submit({ verb: 'incident', step: 'summary', action: 'edit', field });

describe('report an incident: every category family', () => {
  // Westbrook's policy: "Any misuse of social media should be reported to the Headteacher" (its senior team
  // includes the head); the statutory baseline adds the DSL for safeguarding and the DPO for a data breach.
  const expectations: Record<IncidentCategory, string> = {
    cyberbullying: 'it goes to the senior School Staff.',
    trolling: 'it goes to the senior School Staff.',
    staffMisuse: 'it goes to the senior School Staff.',
    disparaging: 'it goes to the senior School Staff.',
    pupilContact: 'the designated safeguarding lead is alerted at once.',
    indecentImagesOfChildren: 'the designated safeguarding lead is alerted at once; it goes to the Headteacher.',
    inappropriateImages: 'it goes to the senior School Staff.',
    radicalisation: 'the designated safeguarding lead is alerted at once; it goes to the Headteacher.',
    dataBreach: 'it goes to the senior School Staff and the data protection officer.',
    media: 'it goes to the senior School Staff.',
    other: 'it goes to the senior School Staff.',
  };
  for (const category of Object.keys(INCIDENT_CATEGORIES) as IncidentCategory[]) {
    it(`${category}: typed answers → summary → sent with the routing note`, async () => {
      const { client, cases, evidence } = makeClient();
      const turns: Turn[] = [...typedAnswers(INCIDENT_CATEGORIES[category])];
      if (category !== 'indecentImagesOfChildren') turns.push(['done', ['Check your report', expectations[category]]]);
      turns.push([send, ['Report sent', 'SM-2026-0001']]);
      await play(client, turns);
      expect(cases.submitted).toHaveLength(1);
      expect(cases.submitted[0].answers).toMatchObject({
        category,
        affected: 'me',
        responsible: 'unknown',
        platform: 'facebook',
        where: 'https://www.facebook.com/groups/example',
        when: '2026-03-14T09:15',
        whatHappened: 'A post calling me names.',
        pupilAtRisk: 'no',
      });
      expect(cases.submitted[0].submissionId).toBe('draft1');
      if (category === 'indecentImagesOfChildren') expect(evidence.links).toBe(0);
    });
  }

  it('a pupil at risk goes to the DSL whatever the category, and says so after submit', async () => {
    const { client } = makeClient();
    await play(client, [...typedAnswers('Content that disparages the school, staff, pupils or parents', 'unknown', 'yes'), ['done', 'the designated safeguarding lead is alerted at once'], [send, 'The designated safeguarding lead has been alerted now']]);
  });

  it('cyberbullying of a pupil is a safeguarding concern', async () => {
    const { client, cases } = makeClient();
    await play(client, [
      ['report', 'What do you want to report?'],
      [answer('category', 'cyberbullying'), 'Who is affected?'],
      [answer('affected', 'pupil'), 'Who is responsible'],
      [answer('responsible', 'pupil'), 'Where did it happen?'],
      [answer('platform', 'other'), 'Which app or website?'],
      ['Discord', 'Where exactly?'],
      [answer('where', 'Year 6 gaming server'), 'When did it happen?'],
      [submit({ verb: 'incident', step: 'when', action: 'ongoing' }), 'What happened?'],
      [answer('whatHappened', 'Messages to a pupil.'), 'pupil is at risk'],
      [answer('pupilAtRisk', 'unsure'), 'Screenshots'],
      [done, ['Other: Discord', 'Ongoing', 'the designated safeguarding lead is alerted at once']],
      [send, 'SM-2026-0001'],
    ]);
    expect(cases.submitted[0].answers).toMatchObject({ platform: 'other', platformOther: 'Discord', when: 'ongoing', pupilAtRisk: 'unsure' });
  });
});

describe('report an incident: the headteacher route', () => {
  it('a concern about the headteacher goes to the chair of governors, and the reporter is told the head will not see it', async () => {
    const { client, cases } = makeClient();
    await play(client, [
      ...typedAnswers('staff misuse', 'the headteacher'),
      ['done', ['it goes to the chair of governors, and the Headteacher will not see it']],
      [send, ['The chair of governors has been told, and the Headteacher will not see this report']],
    ]);
    expect(cases.submitted[0].answers.responsible).toBe('headteacher');
  });
});

describe('report an incident: indecent images of children', () => {
  it('never asks for screenshots, gives the guidance, refuses an image without downloading it', async () => {
    const { client, cases, evidence } = makeClient();
    await play(client, [
      ['report', 'What do you want to report?'],
      [answer('category', 'indecentImagesOfChildren'), [INDECENT_IMAGES_GUIDANCE, 'Who is affected?']],
      [answer('affected', 'pupil'), 'Who is responsible'],
      [answer('responsible', 'unknown'), 'Where did it happen?'],
      [answer('platform', 'snapchat'), 'Where exactly?'],
      [answer('where', 'a group chat'), 'When did it happen?'],
      ['yesterday', 'What happened?'],
      [image('https://smba.trafficmanager.net/emea/v3/attachments/x/views/original'), ['I have not opened or saved what you sent', 'What happened?', 'Describe what you saw in words only']],
      [answer('whatHappened', 'A pupil showed me a picture on their phone.'), 'pupil is at risk'],
      [answer('pupilAtRisk', 'yes'), ['Check your report', 'None (never for this kind of report)', 'the designated safeguarding lead is alerted at once']],
      [send, ['SM-2026-0001', INDECENT_IMAGES_GUIDANCE]],
    ]);
    expect(evidence.downloads).toHaveLength(0);
    expect(evidence.links).toBe(0);
    expect(cases.submitted[0].evidence).toEqual([]);
    expect(cases.submitted[0].answers.when).toBe('2026-03-13');
  });

  it('changing the category to indecent images from the summary discards screenshots already received', async () => {
    const { client, cases, evidence } = makeClient();
    await play(client, [
      ...typedAnswers('trolling'),
      [image('https://smba.trafficmanager.net/a/views/original'), 'Screenshot 1 received'],
      ['done', 'Check your report'],
      [edit('category'), 'What do you want to report?'],
      [answer('category', 'indecentImagesOfChildren'), [INDECENT_IMAGES_GUIDANCE, 'Check your report', 'None (never for this kind of report)']],
      [send, 'SM-2026-0001'],
    ]);
    expect(evidence.drafts.get('draft1')).toEqual({ noImages: true });
    expect(cases.submitted[0].evidence).toEqual([]);
  });
});

describe('report an incident: screenshots', () => {
  it('acknowledges each screenshot, gives the reason for each refusal, and submits what was received', async () => {
    const { client, cases, evidence } = makeClient();
    await play(client, [
      ...typedAnswers('cyberbullying'),
      [image('https://smba.trafficmanager.net/a/views/original', 'one.png'), ['Screenshot 1 received (PNG, 2 KB)', 'press **Done**']],
      [
        { type: 'message', attachments: [
          { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'two.jpg', content: { downloadUrl: 'https://x.sharepoint.com/two', fileType: 'jpg' } },
          { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'notes.png', content: { downloadUrl: 'https://x.sharepoint.com/bad', fileType: 'png' } },
        ] },
        ['Screenshot 2 received', '"notes.png" was not saved: it is not a picture'],
      ],
      ['what now?', 'Paste or attach a screenshot, or press Done'],
      [done, ['Check your report', '"Screenshots","value":"2"']],
      [send, 'SM-2026-0001'],
    ]);
    expect(evidence.downloads.map((d) => d.shape)).toEqual(['inline', 'file', 'file']);
    expect(cases.submitted[0].evidence.map((e) => e.originalName)).toEqual(['one.png', 'two.jpg']);
    expect(evidence.submitted.has('draft1')).toBe(true);
  });

  it('offers the upload page and announces screenshots that arrived from it at the next turn', async () => {
    const { client, evidence } = makeClient();
    await play(client, typedAnswers('trolling'));
    expect(evidence.links).toBe(1);
    evidence.add('a.png', 'upload');
    evidence.add('b.png', 'upload');
    await play(client, [['done', ['2 screenshots received from the upload page', 'Check your report', '"value":"2"']]]);
  });

  it('asks for screenshots later when one is sent at an earlier question', async () => {
    const { client, evidence } = makeClient();
    await play(client, [
      ['report', 'What do you want to report?'],
      [image('https://smba.trafficmanager.net/a/views/original'), ['I will ask for screenshots in a moment', 'What do you want to report?']],
    ]);
    expect(evidence.downloads).toHaveLength(0);
  });
});

describe('report an incident: back, cancel, edit, validation', () => {
  it('goes back one question at a time, keeping the earlier answer selected', async () => {
    const { client } = makeClient();
    await play(client, [
      ['report', 'What do you want to report?'],
      [back, ['This is the first question', 'What do you want to report?']],
      [answer('category', 'trolling'), 'Who is affected?'],
      [answer('affected', 'colleague'), 'Who is responsible'],
      [back, ['Who is affected?', '"value":"colleague"']],
      ['back', ['What do you want to report?', '"value":"trolling"']],
      [answer('category', 'media'), 'Who is affected?'],
    ]);
  });

  it('cancels at any step, saves nothing, and discards screenshots', async () => {
    const { client, cases, evidence } = makeClient();
    await play(client, [
      ...typedAnswers('trolling'),
      [image('https://smba.trafficmanager.net/a/views/original'), 'Screenshot 1 received'],
      [cancel, ['Cancelled. Nothing was saved.', 'What do you need to do?']],
    ]);
    expect(cases.submitted).toHaveLength(0);
    expect(evidence.records).toHaveLength(0);
    expect(evidence.drafts.get('draft1')).toEqual({ noImages: true });
  });

  it('cancel typed at the first question', async () => {
    const { client, cases } = makeClient();
    await play(client, [['report', 'What do you want to report?'], ['cancel', 'Cancelled. Nothing was saved.']]);
    expect(cases.submitted).toHaveLength(0);
  });

  it('help repeats the current question', async () => {
    const { client } = makeClient();
    await play(client, [['report', 'What do you want to report?'], [answer('category', 'trolling'), 'Who is affected?'], ['help', ['type **back**', 'Who is affected?']]]);
  });

  it('changes one answer from the summary and returns to the summary', async () => {
    const { client, cases } = makeClient();
    await play(client, [
      ...typedAnswers('trolling'),
      // The summary shows the address as typed, but not as a live link (a zero-width space after "https:" and "www").
      ['done', ['Check your report', '"title":"Where","value":"https:\u200B//www\u200B.facebook.com/groups/example"']],
      [edit('where'), ['Where exactly?', '"value":"https://www.facebook.com/groups/example"']],
      // Underscores are escaped, so Teams shows them rather than reading them as emphasis.
      ['@troll_account_99', ['Check your report', '"title":"Where","value":"@troll\\\\_account\\\\_99"']],
      [edit('platform'), 'Where did it happen?'],
      [answer('platform', 'other'), 'Which app or website?'],
      ['Kik', ['Check your report', 'Other: Kik']],
      ['change when', 'When did it happen?'],
      [submit({ verb: 'incident', step: 'when', action: 'answer', date: '2026-03-10', time: '18:45' }), ['Check your report', '10 March 2026, 18:45']],
      [submit({ verb: 'incident', step: 'summary', action: 'edit' }), 'Choose the answer you want to change first'],
      ['send', 'SM-2026-0001'],
    ]);
    expect(cases.submitted[0].answers).toMatchObject({ where: '@troll_account_99', platform: 'other', platformOther: 'Kik', when: '2026-03-10T18:45' });
  });

  it('tells the reporter to tell someone in person when the school has no DSL set up, never that one was alerted', async () => {
    const { client, cases } = makeClient();
    cases.nobodyToAlert = ['dsl'];
    await play(client, [
      ...typedAnswers('pupilContact'),
      ['done', 'Check your report'],
    ]);
    const reply = await say(client, send);
    expect(reply).toContain('No designated safeguarding lead is set up for your school');
    expect(reply).toContain('in person now');
    expect(reply).not.toContain('has been alerted');
    expect(cases.submitted).toHaveLength(1);
  });

  it('explains what was wrong at the step that failed', async () => {
    const { client } = makeClient();
    await play(client, [
      ['report', 'What do you want to report?'],
      ['banana', ['Please choose one of the options', 'What do you want to report?']],
      ['2', 'Who is affected?'],
      ['1', 'Who is responsible'],
      ['6', 'Where did it happen?'],
      ['x', 'Where exactly?'],
      ['https://exa mple.com/x', 'That link does not look right'],
      ['http://localhost', 'That link does not look right'],
      ['www.tiktok.com/@someone', 'When did it happen?'],
      ['next tuesday', 'Please give the date'],
      ['20/03/2026', 'That is in the future'],
      ['31/02/2026', 'Please give the date'],
      ['13/03/2026 25:00', 'Please give the date'],
      ['13/03/2026 4pm', 'What happened?'],
      ['x'.repeat(4001), 'That is 4,001 characters. The limit is 4,000'],
      ['   ', 'Please write an answer'],
      ['x'.repeat(4000), 'pupil is at risk'],
      [answer('category', 'trolling'), 'That card is from an earlier question'],
    ]);
  });
});

describe('my submissions', () => {
  it('shows the person\'s own cases with reference, kind, date and status', async () => {
    const { client, cases } = makeClient({ command: 'mySubmissions' });
    cases.mine = [
      { schoolId: 'westbrook', id: 'b'.repeat(16), reference: 'SM-2026-0002', kind: 'incident', category: 'trolling', status: 'inProgress', createdAt: '2026-03-12T10:00:00Z', updatedAt: '2026-03-12T10:00:00Z', severity: 'medium', safeguarding: false, aboutHead: false, queue: 'slt', submitterAad: 'aad-staff' },
      { schoolId: 'westbrook', id: 'a'.repeat(16), reference: 'SM-2026-0001', kind: 'incident', category: 'cyberbullying', status: 'closed', createdAt: '2026-01-05T10:00:00Z', updatedAt: '2026-01-06T10:00:00Z', severity: 'medium', safeguarding: false, aboutHead: false, queue: 'slt', submitterAad: 'aad-staff' },
    ];
    const got = await say(client, 'my submissions');
    expect(got).toContain('My submissions');
    expect(got.indexOf('SM-2026-0002')).toBeLessThan(got.indexOf('SM-2026-0001'));
    expect(got).toContain('In progress');
    expect(got).toContain('Incident: Trolling');
    expect(got).toContain('12 March 2026');
  });

  it('says so when there is nothing yet', async () => {
    const { client } = makeClient({ command: 'mySubmissions' });
    expect(await say(client, 'my submissions')).toContain('You have not sent anything yet');
  });
});

describe('an unfinished report is not kept for ever', () => {
  it('clears a report left unfinished for more than 7 days, says so, and sends nothing', async () => {
    const { client, cases, evidence, report } = makeClient();
    await say(client, 'report');
    await say(client, answer('category', 'pupilContact'));
    const started = Date.now();
    // Six days later the flow carries on as normal.
    report.now = () => new Date(started + 6 * 86_400_000);
    expect(await say(client, answer('affected', 'me'))).not.toMatch(/cleared/);
    // Eight days after it began, the next answer finds it cleared.
    report.now = () => new Date(started + 8 * 86_400_000);
    const reply = await say(client, answer('responsible', 'pupil'));
    expect(reply).toMatch(/did not send it/);
    expect(reply).toMatch(/cleared after 7 days/);
    expect(cases.submitted).toHaveLength(0);
    // The flow is over: the next message is not taken as an answer to it.
    expect(await say(client, 'hello')).not.toMatch(/did not send it/);
    expect([...evidence.submitted]).toEqual([]);
  });
});

describe('report an incident: who it is about', () => {
  const skip = submit({ verb: 'incident', step: 'subject', action: 'skip' });
  const upTo = (responsible: string): Turn[] => [
    ['report', 'What do you want to report?'],
    [answer('category', 'staffMisuse'), 'Who is affected?'],
    [answer('affected', 'pupil'), 'Who is responsible'],
    [answer('responsible', responsible), responsible === 'staff' ? 'Who is it? (optional)' : 'Where did it happen?'],
  ];
  const rest: Turn[] = [
    [answer('platform', 'facebook'), 'Where exactly?'],
    [answer('where', 'A staff group'), 'When did it happen?'],
    [submit({ verb: 'incident', step: 'when', action: 'ongoing' }), 'What happened?'],
    [answer('whatHappened', 'Messages to a pupil.'), 'pupil is at risk'],
    [answer('pupilAtRisk', 'yes'), 'Screenshots'],
  ];

  it('asks who it is when a member of staff is responsible, with a people search, and never sends the whole staff list', async () => {
    const { client } = makeClient();
    await play(client, upTo('staff').slice(0, -1));
    const card = await say(client, answer('responsible', 'staff'));
    expect(card).toContain('Who is it? (optional)');
    expect(card).toContain('"type":"Data.Query","dataset":"staff.westbrook"');
    expect(card).toContain("I'd rather not say / don't know");
    // Westbrook's few people are offered before any search; the reporter is not among them.
    expect(card).toContain('Dev Patel (Designated safeguarding lead)');
    expect(card).not.toContain('aad-staff');
  });

  it('keeps the person chosen on the report, says they are not told, and names them on the summary', async () => {
    const { client, cases } = makeClient();
    await play(client, [
      ...upTo('staff'),
      [answer('subject', 'aad-dsl'), 'Where did it happen?'],
      ...rest,
      [done, ['Who it is about', 'Dev Patel', 'The person you named is not told and cannot see it.']],
      [send, 'SM-2026-0001'],
    ]);
    expect(cases.submitted[0].answers.subject).toEqual({ aadObjectId: 'aad-dsl', name: 'Dev Patel' });
  });

  it('naming the head sends it to the chair and tells the reporter the head will not see it', async () => {
    const { client, cases } = makeClient();
    await play(client, [...upTo('staff'), [answer('subject', 'aad-head'), 'Where did it happen?'], ...rest, [done, ['it goes to the chair of governors, and the Headteacher will not see it']]]);
    await say(client, send);
    expect(cases.submitted[0].answers.subject?.aadObjectId).toBe('aad-head');
  });

  it('can be skipped ("I\'d rather not say / don\'t know", or typed), refuses someone not on the staff, and is not asked when staff are not responsible', async () => {
    const a = makeClient();
    await play(a.client, [...upTo('staff'), [answer('subject', 'aad-somebody-else'), 'could not find that person'], [skip, 'Where did it happen?'], ...rest, [done, ['Not said', '!The person you named']], [send, 'SM-2026-0001']]);
    expect(a.cases.submitted[0].answers.subject).toBeUndefined();
    const b = makeClient();
    await play(b.client, [...upTo('staff'), ["don't know", 'Where did it happen?']]);
    const c = makeClient();
    await play(c.client, [...upTo('staff'), ['priya shah', 'Where did it happen?'], ...rest, [done, 'Priya Shah']]);
    const d = makeClient();
    await play(d.client, [...upTo('parent'), ...rest, [done, '!Who it is about']]);
  });

  it('forgets the person named when the answer changes to someone who is not staff', async () => {
    const { client, cases } = makeClient();
    await play(client, [
      ...upTo('staff'),
      [answer('subject', 'aad-dsl'), 'Where did it happen?'],
      ...rest,
      [done, 'Dev Patel'],
      [edit('responsible'), 'Who is responsible'],
      [answer('responsible', 'public'), ['Check your report', '!Dev Patel']],
      [send, 'SM-2026-0001'],
    ]);
    expect(cases.submitted[0].answers.subject).toBeUndefined();
  });
});
