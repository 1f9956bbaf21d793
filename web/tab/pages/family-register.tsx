import { useEffect, useState } from 'react';
import { Badge, Link, MessageBar, MessageBarBody, Spinner, Switch, Text, Title2, makeStyles, tokens, type BadgeProps } from '@fluentui/react-components';
import { get } from '../api.js';
import { formatDate } from '../format.js';
import type { FamilyRegisterRow, Items } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  // At phone width the table scrolls inside this box; the page itself never scrolls sideways.
  wrap: { overflowX: 'auto', maxWidth: '100%' },
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalS },
});

const STATUS_COLOUR: Record<string, BadgeProps['color']> = {
  acknowledged: 'success',
  awaitingAcknowledgement: 'warning',
  discussionRequested: 'informative',
  withdrawn: 'subtle',
};

const COLUMNS = ['Staff member', 'Pupil', 'Year group', 'Relationship', 'Platforms', 'Status', 'Declared', 'Acknowledged'];

/**
 * The register of family relationships with pupils: what the viewer may see of the staff's
 * declarations, acknowledged or waiting; withdrawn ones when asked for.
 */
export function FamilyRegister() {
  const s = useStyles();
  const [withdrawn, setWithdrawn] = useState(false);
  const [items, setItems] = useState<FamilyRegisterRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // A quick second toggle must not be overwritten by the first answer arriving late.
    let current = true;
    setItems(null);
    setError(null);
    get<Items<FamilyRegisterRow>>(`/api/tab/registers/family${withdrawn ? '?withdrawn=1' : ''}`)
      .then((r) => current && setItems(r.items))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [withdrawn]);

  return (
    <section aria-labelledby="register-title">
      <Title2 as="h1" id="register-title">Register of family relationships with pupils</Title2>
      <div className={s.tools}>
        <Switch label="Show withdrawn" checked={withdrawn} onChange={(_, d) => setWithdrawn(d.checked)} />
      </div>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {!items && !error && <Spinner label="Loading…" />}
      {items && items.length === 0 && <p>{withdrawn ? 'No family relationships have been declared.' : 'No family relationship declarations stand at present.'}</p>}
      {items && items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table} aria-labelledby="register-title">
            <thead>
              <tr>{COLUMNS.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.caseId}>
                  <td className={s.cell}>
                    <Link href={`#/case/${r.caseId}`}>
                      {r.staff.name}
                      <Text size={200} block>{r.reference}</Text>
                    </Link>
                  </td>
                  <td className={s.cell}>{r.pupilName}</td>
                  <td className={s.cell}>{r.yearGroup}</td>
                  <td className={s.cell}>{r.relationship}</td>
                  <td className={s.cell}>{r.platforms}</td>
                  <td className={s.cell}><Badge appearance="tint" color={STATUS_COLOUR[r.status] ?? 'informative'}>{r.statusLabel}</Badge></td>
                  <td className={s.cell}>{formatDate(r.declaredAt)}</td>
                  <td className={s.cell}>
                    {r.acknowledgedBy ? (
                      <>
                        {r.acknowledgedBy}
                        {r.acknowledgedAt && <Text size={200} block>{formatDate(r.acknowledgedAt)}</Text>}
                      </>
                    ) : (
                      <Text>Not yet</Text>
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
