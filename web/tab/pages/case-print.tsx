import { useEffect, useState } from 'react';
import { Button, Link, MessageBar, MessageBarBody, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import { formatDateTime, size } from '../format.js';
import type { CaseDetail, Me } from '../types.js';
import { Chronology, useCaseStyles } from './case-view.js';
import { ReferralList } from '../components/referrals.js';

const useStyles = makeStyles({
  page: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalXL, maxWidth: '800px', '@media print': { padding: 0, maxWidth: 'none' } },
  noPrint: { display: 'flex', gap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalM, '@media print': { display: 'none' } },
  small: { fontSize: tokens.fontSizeBase200 },
});

/** A plain, printable summary for a referral (LADO, police, children's services): no actions, no images. */
export function CasePrint({ id, me }: { id: string; me: Me }) {
  const s = useStyles();
  const cs = useCaseStyles();
  const [d, setD] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<CaseDetail>(`/api/tab/cases/${id}`).then(setD).catch((e: Error) => setError(e.message));
  }, [id]);
  if (error) return <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>;
  if (!d) return <Spinner label="Preparing…" />;
  const c = d.case;
  return (
    <article className={s.page} aria-labelledby="print-title">
      <div className={s.noPrint}>
        <Link href={`#/case/${c.id}`}>← Back to the case</Link>
        <Button appearance="primary" onClick={() => window.print()}>Print</Button>
      </div>
      <h1 id="print-title">Referral summary: {c.reference}</h1>
      <p className={s.small}>{me.school.name}. Printed {formatDateTime(new Date().toISOString())} by {me.name}. OFFICIAL-SENSITIVE: share only with the agency receiving the referral.</p>
      <h2>Case</h2>
      <dl className={cs.dl}>
        <dt className={cs.dt}>Kind</dt><dd className={cs.dd}>{c.kindLabel}</dd>
        <dt className={cs.dt}>Category</dt><dd className={cs.dd}>{c.categoryLabel}</dd>
        <dt className={cs.dt}>Severity</dt><dd className={cs.dd}>{c.severity}</dd>
        <dt className={cs.dt}>Status</dt><dd className={cs.dd}>{c.statusLabel}</dd>
        <dt className={cs.dt}>Reported</dt><dd className={cs.dd}>{formatDateTime(c.createdAt)} by {c.submitter}</dd>
        <dt className={cs.dt}>Assigned to</dt><dd className={cs.dd}>{c.assignee?.name ?? 'Nobody'}</dd>
        {c.reasons.length > 0 && <><dt className={cs.dt}>Concerns</dt><dd className={cs.dd}>{c.reasons.join('; ')}</dd></>}
        {c.acknowledged && <><dt className={cs.dt}>Acknowledged</dt><dd className={cs.dd}>{c.acknowledged.by}, {formatDateTime(c.acknowledged.at)}</dd></>}
        {c.outcome && <><dt className={cs.dt}>Outcome</dt><dd className={cs.dd}>{c.outcome}</dd></>}
      </dl>
      <h2>What was reported</h2>
      <dl className={cs.dl}>
        {d.answers.map((a) => <div key={a.key} style={{ display: 'contents' }}><dt className={cs.dt}>{a.label}</dt><dd className={cs.dd}>{a.value}</dd></div>)}
      </dl>
      <h2>Evidence held</h2>
      {d.evidence.length ? (
        <ul>{d.evidence.map((e, i) => <li key={e.id}>Item {i + 1}: {e.contentType}, {size(e.size)}, received {formatDateTime(e.receivedAt)} (reference {e.id}; SHA-256 {e.sha256}). Available from the school on request.</li>)}</ul>
      ) : <p>None.</p>}
      <h2>Referrals</h2>
      <ReferralList r={d.referrals} />
      <h2>Chronology</h2>
      <Chronology d={d} />
    </article>
  );
}
