import { useEffect, useState } from 'react';
import { Button, Field, MessageBar, MessageBarBody, Text, Textarea, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { formatDateTime } from '../format.js';
import type { ApprovalState } from '../types.js';

const useStyles = makeStyles({
  list: { paddingLeft: tokens.spacingHorizontalL, marginTop: tokens.spacingVerticalXS },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
});

/** The approval chain of an account request, and Approve / Ask for changes / Reject for the current approver. */
export function AccountApproval({ caseId, onDecided }: { caseId: string; onDecided: () => void }) {
  const s = useStyles();
  const [a, setA] = useState<ApprovalState | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<ApprovalState>(`/api/tab/cases/${caseId}/approval`).then(setA).catch((e: Error) => setError(e.message));
  }, [caseId]);

  async function decide(decision: 'approve' | 'reject' | 'changes') {
    if (!a) return;
    setBusy(true);
    setError(null);
    try {
      setA(await send<ApprovalState>('POST', `/api/tab/cases/${caseId}/approval`, { decision, reason: reason || undefined, round: a.round, step: a.step }));
      setReason('');
      onDecided();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!a) return error ? <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar> : null;
  return (
    <div>
      <Title3 as="h2">Approval</Title3>
      <Text block>{a.status}</Text>
      <ol className={s.list}>
        {a.chain.map((c, i) => (
          <li key={i}>
            <Text>
              {c.role}: {c.approver ?? 'nobody'} —{' '}
              {c.state === 'approved' ? `approved${c.decidedAt ? ` ${formatDateTime(c.decidedAt)}` : ''}` : c.state === 'skipped' ? `skipped (${c.skippedBecause ?? ''})` : c.state === 'waiting' ? 'waiting' : 'not yet'}
            </Text>
          </li>
        ))}
      </ol>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {a.canDecide && (
        <>
          <Field label="Reason or changes wanted" hint="Needed to reject or ask for changes. The requester is told every outcome.">
            <Textarea value={reason} onChange={(_, v) => setReason(v.value)} maxLength={4000} resize="vertical" />
          </Field>
          <div className={s.row}>
            <Button appearance="primary" disabled={busy} onClick={() => void decide('approve')}>Approve</Button>
            <Button disabled={busy || !reason.trim()} onClick={() => void decide('changes')}>Ask for changes</Button>
            <Button disabled={busy || !reason.trim()} onClick={() => void decide('reject')}>Reject</Button>
          </div>
        </>
      )}
    </div>
  );
}
