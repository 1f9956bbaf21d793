import { useEffect, useState } from 'react';
import { Button, Field, Input, MessageBar, MessageBarBody, Radio, RadioGroup, Select, Spinner, Text, Textarea, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { download, get, send } from '../api.js';
import { formatDateTime } from '../format.js';
import type { Me, Members, RecordsPage } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  // At phone width a table scrolls inside this box; the page itself never scrolls sideways.
  wrap: { overflowX: 'auto', maxWidth: '100%', marginBottom: tokens.spacingVerticalL },
  panel: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`, marginBottom: tokens.spacingVerticalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '640px' },
});

function Table({ label, head, rows, empty }: { label: string; head: string[]; rows: React.ReactNode[][]; empty: string }) {
  const s = useStyles();
  if (!rows.length) return <p><Text>{empty}</Text></p>;
  return (
    <div className={s.wrap}>
      <table className={s.table} aria-label={label}>
        <thead><tr>{head.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => (j === 0 ? <th key={j} className={s.cell} scope="row">{c}</th> : <td key={j} className={s.cell}>{c}</td>))}</tr>)}</tbody>
      </table>
    </div>
  );
}

const when = (iso: string | null) => (iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : '—');

/**
 * Settings → Records, for administrators: the retention schedule in force with the source of each line and who
 * authorised it; the tombstones of records destroyed on schedule (what an auditor asks to see); the records due
 * for review; and subject access exports, made here and recorded.
 */
export function Records({ me }: { me: Me }) {
  const s = useStyles();
  const [page, setPage] = useState<RecordsPage | null>(null);
  const [members, setMembers] = useState<Members['items']>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [by, setBy] = useState<'member' | 'name'>('member');
  const [member, setMember] = useState('');
  const [name, setName] = useState('');
  const [eraseRef, setEraseRef] = useState('');
  const [eraseReason, setEraseReason] = useState('');

  const load = () => get<RecordsPage>('/api/tab/settings/records').then(setPage);
  useEffect(() => {
    let current = true;
    load().catch((e: Error) => current && setError(e.message));
    get<Members>('/api/tab/settings/members').then((m) => current && setMembers(m.items)).catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  const exportNow = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const body = by === 'member' ? { aadObjectId: member } : { name: name.trim() };
      const file = await download('/api/tab/settings/records/subject-access', body);
      const a = document.createElement('a');
      a.href = file.url;
      a.download = file.name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(file.url), 60_000);
      setNotice(`The export is ready: ${file.name}. Review everything marked for redaction before you send it.`);
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setPage(await send<RecordsPage>('POST', '/api/tab/settings/records/erasure', { reference: eraseRef.trim(), reason: eraseReason.trim() }));
      setNotice(`${eraseRef.trim()} was erased. Its tombstone is in the register below.`);
      setEraseRef('');
      setEraseReason('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="records-title">
      <Title2 as="h1" id="records-title">Records at {me.school.name}</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {!page && !error && <Spinner label="Loading…" />}
      {page && (
        <>
          <Title3 as="h2" id="schedule-title">Retention schedule</Title3>
          <p>
            <Text>
              How long each kind of record is kept, and what happens then. The app works to {page.version}, made current by {page.authorisedBy}
              {page.authorisedAt ? <>, {when(page.authorisedAt)}</> : null}. A record under a legal hold is kept until the hold is lifted. Times are UK time.
            </Text>
          </p>
          <Table
            label="Retention schedule"
            head={['Record', 'Kept for', 'Then', 'Source', 'How it is read']}
            empty="No schedule is held."
            rows={page.schedule.map((l) => [
              <>{l.label}<Text size={200} block>{l.record} · {l.origin}</Text></>,
              l.keep,
              l.then,
              <>{l.source}<Text size={200} block>{l.sourceText}</Text></>,
              l.note ?? '',
            ])}
          />
          <Title3 as="h2" id="schedule-changes-title">Changes of the schedule</Title3>
          <p><Text>The schedule is part of the school's policy: every change of the version the app works to, with who made it. Nobody can change or remove an entry.</Text></p>
          <Table
            label="Changes of the schedule"
            head={['When', 'By', 'From', 'To']}
            empty="No change has been recorded."
            rows={page.changes.map((c) => [when(c.at), c.by, c.from === null ? 'None' : `Version ${c.from}`, `Version ${c.to}`])}
          />

          <Title3 as="h2" id="tombstones-title">Records destroyed</Title3>
          <p><Text>What is left of each record destroyed: its reference, kind and dates, and the schedule that applied. Nothing of its content is kept.</Text></p>
          <Table
            label="Records destroyed"
            head={['Reference', 'Kind', 'Made', 'Ended', 'Due', 'Destroyed', 'Why', 'Schedule', 'Authorised by']}
            empty="No record has been destroyed yet."
            rows={page.tombstones.map((t) => [t.reference, `${t.kind}: ${t.category}`, when(t.createdAt), when(t.endedAt), when(t.dueAt), when(t.destroyedAt), t.why, t.scheduleVersion, t.authorisedBy])}
          />

          <Title3 as="h2" id="reviews-title">Due for review</Title3>
          <p><Text>Records whose period has ended and which a person must review rather than the app destroying them unseen (safeguarding records and allegations).</Text></p>
          <Table
            label="Due for review"
            head={['Reference', 'Kind', 'Due', 'Schedule lines']}
            empty="Nothing is due for review."
            rows={page.reviews.map((r) => [r.reference, `${r.kind}: ${r.category}`, when(r.dueAt), r.lines.join('; ')])}
          />

          <Title3 as="h2" id="sar-title">Subject access request</Title3>
          <div className={s.panel}>
            <Text>
              One archive of every record that names a person: the records as data (JSON), a summary to read, and the images. Other people's details are
              marked for redaction review. The export is recorded.
            </Text>
            <RadioGroup value={by} onChange={(_, d) => setBy(d.value as 'member' | 'name')} aria-label="Whom the request is about" layout="horizontal">
              <Radio value="member" label="A member of staff" />
              <Radio value="name" label="Someone else, by name" />
            </RadioGroup>
            {by === 'member' ? (
              <Field label="Member of staff">
                <Select value={member} onChange={(_, d) => setMember(d.value)}>
                  <option value="">Choose a person</option>
                  {members.map((m) => <option key={m.aadObjectId} value={m.aadObjectId}>{m.name}</option>)}
                </Select>
              </Field>
            ) : (
              <Field label="Name, as it would be written in a report" hint="Reports, chronologies and registers are searched for it.">
                <Input value={name} onChange={(_, d) => setName(d.value)} maxLength={200} />
              </Field>
            )}
            <Button appearance="primary" disabled={busy || (by === 'member' ? !member : name.trim().length < 2)} onClick={() => void exportNow()}>Export</Button>
          </div>
          <Table
            label="Subject access exports"
            head={['When', 'By', 'About', 'Records']}
            empty="No export has been made."
            rows={page.exports.map((x) => [when(x.at), x.by, x.subject, String(x.records)])}
          />

          <Title3 as="h2" id="erasure-title">Erasure</Title3>
          <div className={s.panel}>
            <Text>
              Erase a record at a person's request where the law allows it. Safeguarding records, allegations about staff, and records under a legal hold
              cannot be erased; nor can a record still open. A tombstone with the reason stays.
            </Text>
            <Field label="Reference">
              <Input value={eraseRef} onChange={(_, d) => setEraseRef(d.value)} maxLength={40} />
            </Field>
            <Field label="Reason (the grounds for erasure)">
              <Textarea value={eraseReason} onChange={(_, d) => setEraseReason(d.value)} maxLength={2000} resize="vertical" />
            </Field>
            <Button disabled={busy || !eraseRef.trim() || !eraseReason.trim()} onClick={() => void erase()}>Erase</Button>
          </div>
        </>
      )}
    </section>
  );
}
