import { useEffect, useState } from 'react';
import { MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import { formatDateTime } from '../format.js';
import type { Items, Me, RoleChangeRow } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  // At phone width the table scrolls inside this box; the page itself never scrolls sideways.
  wrap: { overflowX: 'auto', maxWidth: '100%' },
});

const COLUMNS = ['When', 'Changed by', 'Whose roles', 'From', 'To'];
const list = (roles: string[]) => (roles.length ? roles.join(', ') : 'None');

/**
 * The trail of role changes and new members at the school: read-only and append-only, for administrators,
 * the chair of governors and the safeguarding leads, so that a change of who may see what is never silent.
 */
export function RoleChanges({ me }: { me: Me }) {
  const s = useStyles();
  const [items, setItems] = useState<RoleChangeRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    get<Items<RoleChangeRow>>('/api/tab/settings/role-changes')
      .then((r) => current && setItems(r.items))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, []);

  return (
    <section aria-labelledby="role-changes-title">
      <Title2 as="h1" id="role-changes-title">Role changes at {me.school.name}</Title2>
      <p><Text>Every change of anyone's roles, and every member added, newest first. Nobody can change or remove an entry. Times are UK time.</Text></p>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {!items && !error && <Spinner label="Loading…" />}
      {items && items.length === 0 && <p>No roles have been changed in the app yet.</p>}
      {items && items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table} aria-labelledby="role-changes-title">
            <thead>
              <tr>{COLUMNS.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr>
            </thead>
            <tbody>
              {items.map((r, i) => (
                <tr key={`${r.at}-${i}`}>
                  <td className={s.cell}><time dateTime={r.at}>{formatDateTime(r.at)}</time></td>
                  <td className={s.cell}>{r.actor.name}</td>
                  <td className={s.cell}>
                    {r.member.name}
                    {r.kind === 'added' && <Text size={200} block>Added as a member</Text>}
                    {r.kind === 'removed' && <Text size={200} block>Removed: left the school</Text>}
                  </td>
                  <td className={s.cell}>{r.kind === 'added' ? 'Not a member' : list(r.before)}</td>
                  <td className={s.cell}>
                    {r.kind === 'removed' ? 'Not a member' : list(r.after)}
                    {r.kind === 'changed' && r.added.length > 0 && <Text size={200} block>Given: {r.added.join(', ')}</Text>}
                    {r.kind === 'changed' && r.removed.length > 0 && <Text size={200} block>Taken away: {r.removed.join(', ')}</Text>}
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
