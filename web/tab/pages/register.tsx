import { useEffect, useState } from 'react';
import { Link, MessageBar, MessageBarBody, Spinner, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import { formatDate } from '../format.js';
import type { CaseSummary } from '../types.js';
import { AccountsRegister } from './accounts-register.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  wrap: { overflowX: 'auto' },
});

const TEXT = {
  accounts: { title: 'Register of school social media accounts', empty: 'No approved account requests yet.', path: '/api/tab/registers/accounts', category: 'Platform' },
  family: { title: 'Register of family relationships with pupils', empty: 'No acknowledged family relationship declarations yet.', path: '/api/tab/registers/family', category: 'Relationship' },
};

export function Register({ kind }: { kind: 'accounts' | 'family' }) {
  return kind === 'accounts' ? <AccountsRegister /> : <CaseRegister kind={kind} />;
}

function CaseRegister({ kind }: { kind: 'accounts' | 'family' }) {
  const s = useStyles();
  const t = TEXT[kind];
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setItems(null);
    get<{ items: CaseSummary[] }>(t.path).then((r) => setItems(r.items)).catch((e: Error) => setError(e.message));
  }, [t.path]);
  return (
    <section aria-labelledby="register-title">
      <Title2 as="h1" id="register-title">{t.title}</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {!items && !error && <Spinner label="Loading…" />}
      {items && items.length === 0 && <p>{t.empty}</p>}
      {items && items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table}>
            <thead><tr><th className={s.cell} scope="col">Reference</th><th className={s.cell} scope="col">{t.category}</th><th className={s.cell} scope="col">Status</th><th className={s.cell} scope="col">Submitted</th><th className={s.cell} scope="col">Decided</th></tr></thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td className={s.cell}><Link href={`#/case/${c.id}`}>{c.reference}</Link></td>
                  <td className={s.cell}>{c.categoryLabel}</td>
                  <td className={s.cell}>{c.statusLabel}</td>
                  <td className={s.cell}>{formatDate(c.createdAt)}</td>
                  <td className={s.cell}>{formatDate(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
