import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Field, Link, MessageBar, MessageBarBody, Select, Spinner, Text, Textarea, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { eventText, formatDateTime } from '../format.js';
import type { CaseDetail, Items, Me, Person } from '../types.js';
import { CaseFlags, SeverityBadge } from '../components/badges.js';
import { EvidenceGallery } from '../components/evidence-gallery.js';
import { AccountApproval } from '../components/account-approval.js';
import { ReferralsSection } from '../components/referrals.js';
import { RetentionReview } from '../components/retention-review.js';

export const useCaseStyles = makeStyles({
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, marginBottom: tokens.spacingVerticalM },
  layout: { display: 'grid', gap: tokens.spacingHorizontalL, gridTemplateColumns: 'minmax(0, 2fr) minmax(260px, 1fr)', '@media (max-width: 820px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  panel: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`, marginBottom: tokens.spacingVerticalL },
  dl: { display: 'grid', gridTemplateColumns: 'minmax(120px, 1fr) minmax(0, 2fr)', gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`, margin: 0, '@media (max-width: 480px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  dt: { fontWeight: tokens.fontWeightSemibold },
  dd: { margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  action: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginBottom: tokens.spacingVerticalL },
  timeline: { listStyleType: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  event: { borderLeft: `3px solid ${tokens.colorBrandStroke1}`, paddingLeft: tokens.spacingHorizontalS },
  when: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  detail: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 },
});

export function CaseView({ id, me }: { id: string; me: Me }) {
  const s = useCaseStyles();
  const [d, setD] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState('');
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [holdReason, setHoldReason] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setD(null);
    setError(null);
    get<CaseDetail>(`/api/tab/cases/${id}`).then(setD).catch((e: Error) => setError(e.message));
    get<Items<Person>>(`/api/tab/cases/${id}/assignees`).then((r) => setPeople(r.items)).catch(() => setPeople([]));
  }, [id]);

  const act = useCallback(async (path: string, body: unknown, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setD(await send<CaseDetail>('POST', `/api/tab/cases/${id}/${path}`, body));
      setNotice(done);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, [id]);

  if (!d) return error ? <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar> : <Spinner label="Opening the case…" />;
  const c = d.case;
  return (
    <article aria-labelledby="case-title">
      <p><Link href="#/cases">← All open cases</Link></p>
      <div className={s.head}>
        <Title2 as="h1" id="case-title">{c.reference}</Title2>
        <SeverityBadge severity={c.severity} />
        <Badge appearance="tint">{c.statusLabel}</Badge>
        <CaseFlags c={c} />
        <Button as="a" href={`#/case/${c.id}/print`} size="small">Print view for a referral</Button>
      </div>
      <p><Text>{c.kindLabel}: {c.categoryLabel}. Reported by {c.submitter}, {formatDateTime(c.createdAt)}. {c.assignee ? `Assigned to ${c.assignee.name}.` : 'Not assigned.'}</Text></p>
      {c.reasons.length > 0 && <p><Text>Why it was routed here: {c.reasons.join('; ')}.</Text></p>}
      {c.reporterTold && <p><Text>The reporter was told: {c.reporterTold}</Text></p>}
      {c.acknowledged && <p><Text>Safeguarding alert acknowledged by {c.acknowledged.by}, {formatDateTime(c.acknowledged.at)}.</Text></p>}
      {c.legalHold && (
        <MessageBar intent="warning"><MessageBarBody>Under a legal hold since {formatDateTime(c.legalHold.at)}, placed by {c.legalHold.by}: {c.legalHold.reason}. It is kept, whatever the retention schedule says, until the hold is lifted.</MessageBarBody></MessageBar>
      )}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}

      <div className={s.layout}>
        <div>
          <section className={s.panel} aria-labelledby="answers-title">
            <Title3 as="h2" id="answers-title">What was reported</Title3>
            <dl className={s.dl}>
              {d.answers.map((a) => (
                <div key={a.key} style={{ display: 'contents' }}>
                  <dt className={s.dt}>{a.label}</dt>
                  <dd className={s.dd}>{a.value}</dd>
                </div>
              ))}
            </dl>
            {c.outcome && <p><Text weight="semibold">Outcome: </Text><Text className={s.dd}>{c.outcome}</Text></p>}
          </section>
          <section className={s.panel} aria-labelledby="evidence-title">
            <Title3 as="h2" id="evidence-title">Evidence</Title3>
            <EvidenceGallery caseId={c.id} evidence={d.evidence} canDownload={d.can.downloadEvidence} />
          </section>
          <ReferralsSection d={d} busy={busy} act={act} />
          <RetentionReview caseId={c.id} onChanged={() => void get<CaseDetail>(`/api/tab/cases/${id}`).then(setD).catch(() => undefined)} />
          <section className={s.panel} aria-labelledby="chronology-title">
            <Title3 as="h2" id="chronology-title">Chronology</Title3>
            <Chronology d={d} />
          </section>
        </div>

        <aside className={s.panel} aria-labelledby="actions-title">
          <Title3 as="h2" id="actions-title">Actions</Title3>
          {c.kind === 'accountRequest' && (
            <div className={s.action}>
              <AccountApproval caseId={c.id} onDecided={() => void get<CaseDetail>(`/api/tab/cases/${id}`).then(setD).catch(() => undefined)} />
            </div>
          )}
          {d.can.acknowledge && (
            <div className={s.action}>
              <Button appearance="primary" disabled={busy} onClick={() => void act('acknowledge', {}, 'Alert acknowledged.')}>Acknowledge safeguarding alert</Button>
            </div>
          )}
          <div className={s.action}>
            <Field label="Assign to">
              <Select value={assignee} onChange={(_, v) => setAssignee(v.value)}>
                <option value="">Choose a person</option>
                {people.map((p) => <option key={p.aadObjectId} value={p.aadObjectId}>{p.name}{p.jobTitle ? ` (${p.jobTitle})` : ''}</option>)}
              </Select>
            </Field>
            <Button disabled={busy || !assignee} onClick={() => void act('assign', { assigneeAad: assignee }, 'Assigned.')}>Assign</Button>
          </div>
          {d.can.nextStatuses.length > 0 && (
            <div className={s.action}>
              <Field label="Change status">
                <Select value={status} onChange={(_, v) => setStatus(v.value)}>
                  <option value="">Choose a status</option>
                  {d.can.nextStatuses.map((x) => <option key={x.status} value={x.status}>{x.label}</option>)}
                </Select>
              </Field>
              {status === 'closed' && (
                <Field label="Outcome" required hint="What was decided and done. It is kept in the chronology and the reporter is told the case is closed.">
                  <Textarea value={outcome} onChange={(_, v) => setOutcome(v.value)} maxLength={4000} resize="vertical" />
                </Field>
              )}
              <Button disabled={busy || !status || (status === 'closed' && !outcome.trim())} onClick={async () => {
                if (await act('status', { status, outcome: outcome || undefined }, 'Status changed.')) { setStatus(''); setOutcome(''); }
              }}>Change status</Button>
            </div>
          )}
          {d.can.hold && (
            <div className={s.action}>
              <Field label={c.legalHold ? 'Why the legal hold can be lifted' : 'Legal hold: why this case must be kept'} hint={c.legalHold ? undefined : 'For example a claim, an investigation or a request from the police. The case is not destroyed on schedule until the hold is lifted.'}>
                <Textarea value={holdReason} onChange={(_, v) => setHoldReason(v.value)} maxLength={2000} resize="vertical" />
              </Field>
              <Button disabled={busy || !holdReason.trim()} onClick={async () => {
                if (await act('hold', { reason: holdReason, lift: Boolean(c.legalHold) }, c.legalHold ? 'Legal hold lifted.' : 'Legal hold placed.')) setHoldReason('');
              }}>{c.legalHold ? 'Lift the legal hold' : 'Place a legal hold'}</Button>
            </div>
          )}
          <div className={s.action}>
            <Field label="Add a note">
              <Textarea value={note} onChange={(_, v) => setNote(v.value)} maxLength={4000} resize="vertical" />
            </Field>
            <Button disabled={busy || !note.trim()} onClick={async () => { if (await act('notes', { text: note }, 'Note added.')) setNote(''); }}>Add note</Button>
          </div>
          {d.deliveries.length > 0 && (
            <>
              <Title3 as="h2">Who was told</Title3>
              <ul>
                {d.deliveries.map((x, i) => (
                  <li key={i} data-delivery-state={x.state}><Text>{x.recipient} · {x.kindLabel}: {x.text}</Text></li>
                ))}
              </ul>
            </>
          )}
          <Text size={200}>Signed in as {me.name}.</Text>
        </aside>
      </div>
    </article>
  );
}

export function Chronology({ d }: { d: CaseDetail }) {
  const s = useCaseStyles();
  return (
    <ol className={s.timeline}>
      {d.events.map((e, i) => (
        <li key={i} className={s.event}>
          <div className={s.when}>{formatDateTime(e.at)}</div>
          <Text>
            {eventText(e)}
            {e.type === 'assigned' && e.detail ? ` ${e.detail}` : ''}
            {e.from && e.to ? ` from ${e.from} to ${e.to}` : ''}
          </Text>
          {e.detail && e.type !== 'assigned' && <p className={s.detail}>{e.detail}</p>}
        </li>
      ))}
    </ol>
  );
}
