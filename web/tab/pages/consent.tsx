import { useCallback, useEffect, useState } from 'react';
import { Button, Checkbox, Field, Input, MessageBar, MessageBarBody, Select, Spinner, Text, Textarea, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { formatDate } from '../format.js';
import type { ConsentHistoryRow, ConsentImportResult, ConsentRegister, ConsentRow, Items } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  wrap: { overflowX: 'auto', maxWidth: '100%' },
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalS },
  block: { marginTop: tokens.spacingVerticalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  platforms: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

type Draft = Pick<ConsentRow, 'name' | 'classOrYear' | 'platforms' | 'consentForNames' | 'doNotPublish'> & { pupilId?: string };

/** The photo-consent register: search, edit one pupil, import the MIS's CSV with a preview, and the history. */
export function ConsentRegisterPage() {
  const s = useStyles();
  const [q, setQ] = useState('');
  const [cls, setCls] = useState('');
  const [reg, setReg] = useState<ConsentRegister | null>(null);
  const [history, setHistory] = useState<ConsentHistoryRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<ConsentImportResult | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const params = new URLSearchParams();
      if (q.trim()) params.set('q', q.trim());
      if (cls) params.set('class', cls);
      const [r, h] = await Promise.all([get<ConsentRegister>(`/api/tab/consent${params.size ? `?${params}` : ''}`), get<Items<ConsentHistoryRow>>('/api/tab/consent/history')]);
      setReg(r);
      setHistory(h.items);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [q, cls]);
  useEffect(() => void load(), [load]);

  const label = (p: string) => reg?.platforms.find((o) => o.value === p)?.label.split(' (')[0] ?? p;

  async function save() {
    if (!draft || !reg) return;
    setError(null);
    try {
      const body = { name: draft.name, classOrYear: draft.classOrYear, platforms: draft.platforms, consentForNames: draft.consentForNames, doNotPublish: draft.doNotPublish, revision: reg.revision };
      if (draft.pupilId) await send('PUT', `/api/tab/consent/pupils/${encodeURIComponent(draft.pupilId)}`, body);
      else await send('POST', '/api/tab/consent/pupils', body);
      setDraft(null);
      await load();
      setNotice(`Saved ${draft.name}.`);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function runImport(commit: boolean) {
    setError(null);
    setNotice(null);
    try {
      const r = await send<ConsentImportResult>('POST', `/api/tab/consent/import${commit ? '' : '?preview=1'}`, { csv, ...(commit && preview ? { revision: preview.revision } : {}) });
      if (commit) {
        setPreview(null);
        setCsv('');
        await load();
        setNotice(`Imported: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged.`);
      } else setPreview(r);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function readFile(f: File | undefined) {
    if (!f) return;
    setCsv(await f.text());
    setPreview(null);
  }

  return (
    <section aria-labelledby="consent-title">
      <Title2 as="h1" id="consent-title">Photo-consent register</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      <div className={s.tools}>
        <Field label="Search by name"><Input value={q} onChange={(_, d) => setQ(d.value)} /></Field>
        <Field label="Class or year group">
          <Select value={cls} onChange={(_, d) => setCls(d.value)}>
            <option value="">All</option>
            {reg?.classes.map((c) => <option key={c} value={c}>{c}</option>)}
          </Select>
        </Field>
        <Button onClick={() => setDraft({ name: '', classOrYear: '', platforms: [], consentForNames: false, doNotPublish: false })}>Add a pupil</Button>
      </div>
      {draft && reg && (
        <form className={s.block} aria-label={draft.pupilId ? `Edit ${draft.name}` : 'Add a pupil'} onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <Title3 as="h2">{draft.pupilId ? `Edit ${draft.name}` : 'Add a pupil'}</Title3>
          <Field label="Name" required><Input value={draft.name} onChange={(_, d) => setDraft({ ...draft, name: d.value })} /></Field>
          <Field label="Class or year group" required><Input value={draft.classOrYear} onChange={(_, d) => setDraft({ ...draft, classOrYear: d.value })} /></Field>
          <fieldset className={s.platforms}>
            <legend>Consent to appear on</legend>
            {reg.platforms.map((o) => (
              <Checkbox key={o.value} label={label(o.value)} checked={draft.platforms.includes(o.value)} onChange={(_, d) => setDraft({ ...draft, platforms: d.checked ? [...draft.platforms, o.value] : draft.platforms.filter((p) => p !== o.value) })} />
            ))}
          </fieldset>
          <Checkbox label="Consent for their name to be used" checked={draft.consentForNames} onChange={(_, d) => setDraft({ ...draft, consentForNames: d.checked === true })} />
          <Checkbox label="Do not publish" checked={draft.doNotPublish} onChange={(_, d) => setDraft({ ...draft, doNotPublish: d.checked === true })} />
          <div className={s.tools}>
            <Button appearance="primary" type="submit">Save</Button>
            <Button onClick={() => setDraft(null)}>Cancel</Button>
          </div>
        </form>
      )}
      {!reg && !error && <Spinner label="Loading…" />}
      {reg && reg.items.length === 0 && <p>No pupils{q || cls ? ' match' : ' yet: import the list from your management information system below'}.</p>}
      {reg && reg.items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table} aria-labelledby="consent-title">
            <thead>
              <tr>{['Pupil', 'Class or year', 'Consent to appear on', 'Names', 'Do not publish', 'Last changed', ''].map((h, i) => <th key={i} className={s.cell} scope="col">{h || <span className="visually-hidden">Actions</span>}</th>)}</tr>
            </thead>
            <tbody>
              {reg.items.map((r) => (
                <tr key={r.pupilId}>
                  <td className={s.cell}>{r.name}</td>
                  <td className={s.cell}>{r.classOrYear}</td>
                  <td className={s.cell}>{r.platforms.map(label).join(', ') || 'None'}</td>
                  <td className={s.cell}>{r.consentForNames ? 'Yes' : 'No'}</td>
                  <td className={s.cell}>{r.doNotPublish ? 'Do not publish' : 'No'}</td>
                  <td className={s.cell}>{r.updatedBy ?? ''}<Text size={200} block>{formatDate(r.updatedAt)}</Text></td>
                  <td className={s.cell}><Button size="small" aria-label={`Edit ${r.name}`} onClick={() => setDraft({ ...r })}>Edit</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section className={s.block} aria-labelledby="consent-import">
        <Title3 as="h2" id="consent-import">Import from your management information system</Title3>
        <Text>A CSV export with these columns (in any order, any case): {reg?.acceptedHeaders}. Nothing is imported while any row has an error.</Text>
        <div><label htmlFor="consent-file">CSV file </label><input id="consent-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e.target.files?.[0])} /></div>
        <Field label="Or paste the CSV"><Textarea value={csv} onChange={(_, d) => { setCsv(d.value); setPreview(null); }} rows={4} /></Field>
        <div className={s.tools}>
          <Button disabled={!csv.trim()} onClick={() => void runImport(false)}>Preview</Button>
          <Button appearance="primary" disabled={!preview || preview.errors.length > 0} onClick={() => void runImport(true)}>Import</Button>
        </div>
        {preview && (
          <div role="status">
            <p>{preview.rows} rows: {preview.added} to add, {preview.changed} to change, {preview.unchanged} unchanged{preview.notInFile ? `; ${preview.notInFile} pupils in the register are not in the file and stay as they are` : ''}.</p>
            {preview.errors.length > 0 && (
              <MessageBar intent="error"><MessageBarBody>
                {preview.errors.length} {preview.errors.length === 1 ? 'error' : 'errors'}; nothing will be imported until the file is corrected.
                <ul>{preview.errors.map((e, i) => <li key={i}>{e.line ? `Line ${e.line}: ` : ''}{e.message}</li>)}</ul>
              </MessageBarBody></MessageBar>
            )}
            {preview.changes.length > 0 && <ul aria-label="What would change">{preview.changes.map((c) => <li key={c.pupilId}>{c.name}: {c.summary}</li>)}</ul>}
          </div>
        )}
      </section>

      <section className={s.block} aria-labelledby="consent-history">
        <Title3 as="h2" id="consent-history">History</Title3>
        {history && history.length === 0 && <p>No changes yet.</p>}
        {history && history.length > 0 && (
          <ul>{history.map((h, i) => <li key={i}>{formatDate(h.at)}, {h.by}: {h.text}</li>)}</ul>
        )}
      </section>
    </section>
  );
}
