import { useEffect, useState } from 'react';
import { Button, Field, Input, Link, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import { formatDate } from '../format.js';
import type { Items, PostRegisterRow } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  // At phone width the table scrolls inside this box; the page itself never scrolls sideways.
  wrap: { overflowX: 'auto', maxWidth: '100%' },
  tools: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalS },
  text: { maxWidth: '40ch', whiteSpace: 'pre-wrap' },
});

const COLUMNS = ['Post', 'Account', 'Pupils named', 'Proposed by', 'Approved by', 'Photos', 'Text'];

/**
 * The register of posts approved to go live on the school's accounts: who proposed, who approved and when,
 * the platform and the pupils named. Searching by a person's name finds the posts that name them (a
 * subject access request asks for exactly that).
 */
export function PostsRegister() {
  const s = useStyles();
  const [person, setPerson] = useState('');
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<PostRegisterRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setItems(null);
    setError(null);
    get<Items<PostRegisterRow>>(`/api/tab/registers/posts${query ? `?person=${encodeURIComponent(query)}` : ''}`)
      .then((r) => current && setItems(r.items))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [query]);

  return (
    <section aria-labelledby="posts-title">
      <Title2 as="h1" id="posts-title">Register of approved posts</Title2>
      <form className={s.tools} onSubmit={(e) => { e.preventDefault(); setQuery(person.trim()); }}>
        <Field label="Posts naming a person (pupil or member of staff)">
          <Input value={person} onChange={(_, d) => setPerson(d.value)} placeholder="Full name" />
        </Field>
        <Button type="submit">Find</Button>
        {query && <Button onClick={() => { setPerson(''); setQuery(''); }}>Show all</Button>}
      </form>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {!items && !error && <Spinner label="Loading…" />}
      {items && items.length === 0 && <p>{query ? `No approved post names ${query}.` : 'No post has been approved yet.'}</p>}
      {items && items.length > 0 && (
        <div className={s.wrap}>
          <table className={s.table} aria-labelledby="posts-title">
            <thead>
              <tr>{COLUMNS.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td className={s.cell}>
                    <Link href={`#/case/${r.id}`}>{r.reference}</Link>
                  </td>
                  <td className={s.cell}>
                    {r.accountName}
                    <Text size={200} block>{r.platform}</Text>
                  </td>
                  <td className={s.cell}>{r.pupils.length ? r.pupils.join(', ') : 'None'}</td>
                  <td className={s.cell}>
                    {r.proposedBy}
                    <Text size={200} block>{formatDate(r.proposedAt)}</Text>
                  </td>
                  <td className={s.cell}>
                    {r.approvedBy}
                    <Text size={200} block>{formatDate(r.approvedAt)}</Text>
                  </td>
                  <td className={s.cell}>{r.photos}</td>
                  <td className={`${s.cell} ${s.text}`}>{r.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
