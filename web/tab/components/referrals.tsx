import { useState } from 'react';
import { Badge, Button, Field, Input, Select, Text, Textarea, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { londonDateTime } from '../../../src/domain/time.js';
import { formatDateTime } from '../format.js';
import type { CaseDetail } from '../types.js';

const useCaseStyles = makeStyles({
  panel: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`, marginBottom: tokens.spacingVerticalL },
  action: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalM },
  detail: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 },
  // A long body name must not widen the form past a phone's screen.
  select: { minWidth: 0, maxWidth: '100%', width: '100%' },
});

const STATE_COLOUR = { met: 'success', open: 'warning', overdue: 'danger' } as const;

/** The statutory deadlines a case owes and the referrals recorded: on the case page and in the print view. */
export function ReferralList({ r }: { r: CaseDetail['referrals'] }) {
  const s = useCaseStyles();
  return (
    <>
      {r.deadlines.length > 0 && (
        <ul aria-label="Referrals owed" data-testid="referral-deadlines">
          {r.deadlines.map((x) => (
            <li key={x.body} data-deadline-state={x.state}>
              <Badge appearance="tint" color={STATE_COLOUR[x.state]}>{x.stateLabel}</Badge> <Text>{x.text}</Text>
            </li>
          ))}
        </ul>
      )}
      {r.recorded.length > 0 ? (
        <ul aria-label="Referrals made" data-testid="referrals-recorded">
          {r.recorded.map((x, i) => (
            <li key={i}>
              <Text>{x.bodyLabel}: reference {x.reference}, made by {x.referredBy}, {formatDateTime(x.at)}. Recorded by {x.recordedBy}, {formatDateTime(x.recordedAt)}.</Text>
              {x.note && <p className={s.detail}>{x.note}</p>}
            </li>
          ))}
        </ul>
      ) : <p><Text>No referral outside the school is recorded.</Text></p>}
    </>
  );
}

/** The case page's "Referrals" section, with the form to record one. */
export function ReferralsSection({ d, busy, act }: { d: CaseDetail; busy: boolean; act: (path: string, body: unknown, done: string) => Promise<boolean> }) {
  const s = useCaseStyles();
  const [body, setBody] = useState('');
  const [reference, setReference] = useState('');
  const [at, setAt] = useState(() => londonDateTime(new Date()));
  const [note, setNote] = useState('');
  return (
    <section className={s.panel} aria-labelledby="referrals-title">
      <Title3 as="h2" id="referrals-title">Referrals</Title3>
      <ReferralList r={d.referrals} />
      <form className={s.action} aria-label="Record a referral" onSubmit={async (e) => {
        e.preventDefault();
        if (await act('referrals', { body, reference, at, note: note || undefined }, 'Referral recorded.')) {
          setBody('');
          setReference('');
          setNote('');
        }
      }}>
        <Field label="Referred to" required>
          <Select className={s.select} select={{ className: s.select }} value={body} onChange={(_, v) => setBody(v.value)}>
            <option value="">Choose a body</option>
            {d.referrals.bodies.map((b) => <option key={b.value} value={b.value}>{b.label}</option>)}
          </Select>
        </Field>
        <Field label="Their reference number" required>
          <Input value={reference} onChange={(_, v) => setReference(v.value)} maxLength={100} />
        </Field>
        <Field label="When the referral was made (UK time)" required>
          <Input type="datetime-local" value={at} onChange={(_, v) => setAt(v.value)} />
        </Field>
        <Field label="Note">
          <Textarea value={note} onChange={(_, v) => setNote(v.value)} maxLength={4000} resize="vertical" />
        </Field>
        <Button type="submit" disabled={busy || !body || !reference.trim() || !at}>Record referral</Button>
      </form>
    </section>
  );
}
