import { useEffect, useState } from 'react';
import { Button, Field, MessageBar, MessageBarBody, Select, Text, Textarea, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { go } from '../router.js';
import { formatDateTime } from '../format.js';
import type { CaseRetention, CaseRetentionDecision } from '../types.js';

const useStyles = makeStyles({
  panel: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`, marginBottom: tokens.spacingVerticalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

const YEARS = [1, 2, 3, 5, 10, 15, 20, 25];

/**
 * A case whose retention period has ended with a review (safeguarding records, allegations): the DSL or the head
 * keeps it for longer or destroys it now, with a reason. Shown only when the case is due for review or was kept.
 */
export function RetentionReview({ caseId, onChanged }: { caseId: string; onChanged: () => void }) {
  const s = useStyles();
  const [r, setR] = useState<CaseRetention | null>(null);
  const [reason, setReason] = useState('');
  const [years, setYears] = useState('5');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    get<CaseRetention>(`/api/tab/cases/${caseId}/retention`).then((x) => current && setR(x)).catch(() => undefined);
    return () => {
      current = false;
    };
  }, [caseId]);

  if (!r || (!r.reviewDue && !r.kept)) return null;
  const decide = async (decision: 'keep' | 'destroy') => {
    if (decision === 'destroy' && !window.confirm('Destroy this case now, with its chronology and images? Only its tombstone will remain.')) return;
    setBusy(true);
    setError(null);
    try {
      const out = await send<CaseRetentionDecision>('POST', `/api/tab/cases/${caseId}/retention`, { decision, reason, years: Number(years) });
      if (out.destroyed) go('#/cases');
      else {
        setR(out.retention);
        setReason('');
        onChanged();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className={s.panel} aria-labelledby="retention-title">
      <Title3 as="h2" id="retention-title">Retention</Title3>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {r.kept && <Text>Reviewed by {r.kept.by}, {formatDateTime(r.kept.at)}, and kept until {formatDateTime(r.kept.keepUntil)}: {r.kept.reason}</Text>}
      {r.reviewDue && (
        <>
          <Text>Its retention period ended {formatDateTime(r.reviewDue.dueAt)} ({r.reviewDue.lines.join('; ')}): a person decides whether it is kept.</Text>
          {r.canReview ? (
            <>
              <Field label="Reason for the decision">
                <Textarea value={reason} onChange={(_, d) => setReason(d.value)} maxLength={2000} resize="vertical" />
              </Field>
              <Field label="Keep it for">
                <Select value={years} onChange={(_, d) => setYears(d.value)}>
                  {YEARS.map((y) => <option key={y} value={String(y)}>{y} more year{y === 1 ? '' : 's'}</option>)}
                </Select>
              </Field>
              <div className={s.buttons}>
                <Button disabled={busy || !reason.trim()} onClick={() => void decide('keep')}>Keep it</Button>
                <Button disabled={busy || !reason.trim()} onClick={() => void decide('destroy')}>Destroy it now</Button>
              </div>
            </>
          ) : <Text size={200}>The designated safeguarding lead or the head decides.</Text>}
        </>
      )}
    </section>
  );
}
