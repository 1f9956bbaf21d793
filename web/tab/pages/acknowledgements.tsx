import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Link, MessageBar, MessageBarBody, Select, Spinner, Text, Title2, makeStyles, tokens, type BadgeProps } from '@fluentui/react-components';
import { downloadUrl, get, send } from '../api.js';
import { formatDateTime } from '../format.js';
import { go } from '../router.js';
import type { AckRegister, AckRow, Me, RolloutResult } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  wrap: { overflowX: 'auto', maxWidth: '100%' },
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM, margin: `${tokens.spacingVerticalS} 0`, '@media print': { display: 'none' } },
  counts: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, margin: `${tokens.spacingVerticalM} 0` },
  count: { display: 'flex', flexDirection: 'column' },
  page: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalL, '@media print': { padding: 0 } },
});

const STATUS_COLOUR: Record<AckRow['status'], BadgeProps['color']> = {
  acknowledged: 'success',
  awaiting: 'warning',
  queued: 'informative',
  unreachable: 'danger',
  failed: 'danger',
  notSent: 'subtle',
};

const COUNTS: Array<[keyof AckRegister['counts'], string]> = [
  ['total', 'Staff'],
  ['acknowledged', 'Acknowledged'],
  ['awaiting', 'Not yet acknowledged'],
  ['queued', 'Card on its way'],
  ['unreachable', 'Could not be reached'],
  ['failed', 'Could not be delivered'],
  ['notSent', 'Not sent yet'],
];

const COLUMNS = ['Name', 'Status', 'Card delivered', 'Acknowledged', 'Reminders', 'Line manager or head told', 'New starter'];

/**
 * Who has read the policy: per version, who acknowledged and when, who has not, who could not be reached
 * (and why). Administrators send the current version to all staff from here; the head reads. `printable`:
 * the same register without the controls, for an inspection.
 */
export function Acknowledgements({ me, printable = false }: { me: Me; printable?: boolean }) {
  const s = useStyles();
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [reg, setReg] = useState<AckRegister | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (v?: number) => {
    setError(null);
    try {
      setReg(await get<AckRegister>(`/api/tab/policy/acknowledgements${v ? `?version=${v}` : ''}`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => void load(version), [load, version]);

  const rollOut = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await send<RolloutResult>('POST', '/api/tab/policy/rollout', {});
      const when = new Date(r.from).getTime() > Date.now() + 60_000 ? ` from ${formatDateTime(r.from)}, when the school is next open` : '';
      setNotice(`Version ${r.version}: ${r.queued} new card${r.queued === 1 ? '' : 's'} and ${r.resent} sent again to people not reached before${when}. ${r.alreadyHad} already had it.`);
      await load(version);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = async () => {
    try {
      const url = await downloadUrl(`/api/tab/policy/acknowledgements.csv${reg ? `?version=${reg.version}` : ''}`);
      const a = document.createElement('a');
      a.href = url;
      a.download = `policy-v${reg?.version ?? ''}-acknowledgements.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="ack-title" className={printable ? s.page : undefined}>
      <Title2 as="h1" id="ack-title">Who has read the policy{reg ? `: ${reg.policyName}, version ${reg.version}` : ''}</Title2>
      {printable ? (
        <div className={s.tools}>
          <Button appearance="primary" onClick={() => window.print()}>Print</Button>
          <Button onClick={() => go('#/acknowledgements')}>Back</Button>
        </div>
      ) : (
        <div className={s.tools}>
          {reg && reg.versions.length > 1 && (
            <Select aria-label="Version" value={String(reg.version)} onChange={(_, d) => setVersion(Number(d.value))}>
              {reg.versions.map((v) => <option key={v} value={v}>Version {v}</option>)}
            </Select>
          )}
          {reg?.canRollOut && <Button appearance="primary" disabled={busy || !reg.rolloutReady} onClick={() => void rollOut()}>Send the current version to all staff</Button>}
          <Button onClick={() => void exportCsv()} disabled={!reg}>Export CSV</Button>
          <Button onClick={() => go('#/acknowledgements/print')} disabled={!reg}>Printable page</Button>
        </div>
      )}
      <Text block>{me.school.name}. Times are UK time. Each person gets one card, then at most two reminders on school days, then their line manager or the head is told.</Text>
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {reg && !reg.rolloutReady && <MessageBar intent="warning"><MessageBarBody>This version of the policy has no rollout settings, so it cannot be sent to staff.</MessageBarBody></MessageBar>}
      {!reg && !error && <Spinner label="Loading…" />}
      {reg && (
        <>
          <dl className={s.counts} aria-label="Counts">
            {COUNTS.map(([k, label]) => (
              <div key={k} className={s.count}>
                <dt><Text size={200}>{label}</Text></dt>
                <dd style={{ margin: 0 }}><Text size={500} weight="semibold">{reg.counts[k]}</Text></dd>
              </div>
            ))}
          </dl>
          <div className={s.wrap}>
            <table className={s.table} aria-labelledby="ack-title">
              <thead>
                <tr>{COLUMNS.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr>
              </thead>
              <tbody>
                {reg.rows.map((r) => (
                  <tr key={r.aadObjectId}>
                    <td className={s.cell}>{r.name}</td>
                    <td className={s.cell}>
                      <Badge appearance="tint" color={STATUS_COLOUR[r.status]}>{r.statusLabel}</Badge>
                      {r.problem && <Text size={200} block>{r.problem}</Text>}
                    </td>
                    <td className={s.cell}>{r.deliveredAt ? <time dateTime={r.deliveredAt}>{formatDateTime(r.deliveredAt)}</time> : '—'}</td>
                    <td className={s.cell}>{r.acknowledgedAt ? <time dateTime={r.acknowledgedAt}>{formatDateTime(r.acknowledgedAt)}</time> : 'Not yet'}</td>
                    <td className={s.cell}>{r.reminders}</td>
                    <td className={s.cell}>{r.notedAt ? <time dateTime={r.notedAt}>{formatDateTime(r.notedAt)}</time> : '—'}</td>
                    <td className={s.cell}>{r.newStarter ? (r.checklistConfirmed === null ? 'Yes' : r.checklistConfirmed ? 'Yes, checklist confirmed' : 'Yes, checklist not yet confirmed') : 'No'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!printable && <p><Link href="#/read-policy">Read the policy as staff see it</Link></p>}
        </>
      )}
    </section>
  );
}
