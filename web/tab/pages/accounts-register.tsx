import { useEffect, useState } from 'react';
import { Badge, Button, Field, Input, Link, MessageBar, MessageBarBody, Select, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { formatDate } from '../format.js';
import type { AccountRegister, AccountRegisterRow, Items, Person } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  wrap: { overflowX: 'auto' },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'end', marginTop: tokens.spacingVerticalXS },
});

const day = (d: string) => (d ? formatDate(`${d}T12:00:00Z`) : '');

/** The register of school accounts: review dates flagged when passed; SLT transfer the lead or record a closure. */
export function AccountsRegister() {
  const s = useStyles();
  const [items, setItems] = useState<AccountRegisterRow[] | null>(null);
  const [staff, setStaff] = useState<Person[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string; action: 'transfer' | 'close' } | null>(null);
  const [lead, setLead] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<AccountRegister>('/api/tab/registers/accounts')
      .then((r) => { setItems(r.items); setStaff(r.staff); })
      .catch((e: Error) => setError(e.message));
  }, []);

  async function act(row: AccountRegisterRow) {
    if (!open) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const body = open.action === 'transfer' ? { leadAad: lead, reason: reason || undefined } : { reason };
      const r = await send<Items<AccountRegisterRow>>('POST', `/api/tab/registers/accounts/${row.id}/${open.action}`, body);
      setItems(r.items);
      setNotice(open.action === 'transfer' ? `${row.reference}: lead transferred.` : `${row.reference}: closure recorded.`);
      setOpen(null);
      setLead('');
      setReason('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const overdue = items?.filter((r) => r.reviewOverdue).length ?? 0;
  return (
    <section aria-labelledby="register-title">
      <Title2 as="h1" id="register-title">Register of school social media accounts</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {!items && !error && <Spinner label="Loading…" />}
      {items && items.length === 0 && <p>No approved account requests yet.</p>}
      {overdue > 0 && <MessageBar intent="warning"><MessageBarBody>{overdue} account{overdue === 1 ? ' is' : 's are'} past the review date.</MessageBarBody></MessageBar>}
      {items && items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table}>
            <thead>
              <tr>
                {['Reference', 'Platform', 'Account', 'Aim', 'Administrators', 'Moderators', 'Lead', 'Go-live', 'Review or closure', 'State'].map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td className={s.cell}><Link href={`#/case/${r.id}`}>{r.reference}</Link></td>
                  <td className={s.cell}>{r.platform}</td>
                  <td className={s.cell}>{r.accountName}</td>
                  <td className={s.cell}>{r.aim}</td>
                  <td className={s.cell}>{r.administrators.join(', ')}</td>
                  <td className={s.cell}>{r.moderators.join(', ')}</td>
                  <td className={s.cell}>
                    {r.lead.name}
                    {r.transfers.length > 0 && <Text size={200} block>Transferred from {r.transfers[r.transfers.length - 1].from.name}, {formatDate(r.transfers[r.transfers.length - 1].at)}</Text>}
                  </td>
                  <td className={s.cell}>{day(r.goLive)}</td>
                  <td className={s.cell}>
                    {day(r.reviewDate)} {r.reviewOverdue && <Badge appearance="filled" color="warning">Review overdue</Badge>}
                  </td>
                  <td className={s.cell}>
                    {r.state === 'closed' ? (
                      <Text>Closed {r.closedAt ? formatDate(r.closedAt) : ''}{r.closedBy ? ` by ${r.closedBy}` : ''}{r.closureReason ? `: ${r.closureReason}` : ''}</Text>
                    ) : (
                      <>
                        <Text>Active</Text>
                        <div className={s.actions}>
                          <Button size="small" onClick={() => { setOpen({ id: r.id, action: 'transfer' }); setReason(''); }}>Transfer lead</Button>
                          <Button size="small" onClick={() => { setOpen({ id: r.id, action: 'close' }); setReason(''); }}>Record closure</Button>
                        </div>
                        {open?.id === r.id && (
                          <div className={s.actions}>
                            {open.action === 'transfer' && (
                              <Field label="New lead">
                                <Select value={lead} onChange={(_, v) => setLead(v.value)}>
                                  <option value="">Choose a member of staff</option>
                                  {staff.filter((p) => p.aadObjectId !== r.lead.aadObjectId).map((p) => <option key={p.aadObjectId} value={p.aadObjectId}>{p.name}{p.jobTitle ? ` (${p.jobTitle})` : ''}</option>)}
                                </Select>
                              </Field>
                            )}
                            <Field label={open.action === 'transfer' ? 'Reason (optional)' : 'Why it was closed'} required={open.action === 'close'}>
                              <Input value={reason} onChange={(_, v) => setReason(v.value)} maxLength={4000} />
                            </Field>
                            <Button appearance="primary" size="small" disabled={busy || (open.action === 'transfer' ? !lead : !reason.trim())} onClick={() => void act(r)}>
                              {open.action === 'transfer' ? 'Transfer' : 'Record closure'}
                            </Button>
                            <Button size="small" onClick={() => setOpen(null)}>Cancel</Button>
                          </div>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
