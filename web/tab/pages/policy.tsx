import { Fragment, useEffect, useState } from 'react';
import { Badge, Button, MessageBar, MessageBarBody, Spinner, Text, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get, send } from '../api.js';
import { formatDateTime } from '../format.js';
import type { Me, PolicyPage, PolicyRuleRow } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', backgroundColor: tokens.colorNeutralBackground1 },
  cell: { textAlign: 'left', verticalAlign: 'top', padding: tokens.spacingHorizontalS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  // At phone width a table scrolls inside this box; the page itself never scrolls sideways.
  wrap: { overflowX: 'auto', maxWidth: '100%', marginBottom: tokens.spacingVerticalL },
  quote: { margin: `${tokens.spacingVerticalXXS} 0 ${tokens.spacingVerticalS}`, paddingLeft: tokens.spacingHorizontalS, borderLeft: `3px solid ${tokens.colorNeutralStroke1}` },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  versions: { listStyleType: 'none', padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  version: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
});

const RULE_COLUMNS = ['Rule', 'What it says', 'Where it comes from', 'Added by statutory guidance'];

/**
 * The school's own policy as the app applies it: every rule, in words, with the clause and the policy's
 * own words it comes from, and what statutory guidance adds; the versions held, which one is current, and
 * every change of it. Administrators switch the version; the head, the chair and the DSLs read.
 */
export function Policy({ me }: { me: Me }) {
  const s = useStyles();
  const [page, setPage] = useState<PolicyPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    get<PolicyPage>('/api/tab/settings/policy')
      .then((r) => current && setPage(r))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, []);

  const switchTo = async (version: number) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setPage(await send<PolicyPage>('POST', '/api/tab/settings/policy/current', { version }));
      setNotice(`Version ${version} is now the policy the app works to.${me.can.acknowledgements ? ' Every member of staff who has not had it is sent it once, within the school\'s hours: see Acknowledgements.' : ''}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const groups = page ? [...new Set(page.rules.map((r) => r.group))] : [];
  return (
    <section aria-labelledby="policy-title">
      <Title2 as="h1" id="policy-title">Policy at {me.school.name}</Title2>
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {notice && <MessageBar intent="success"><MessageBarBody>{notice}</MessageBarBody></MessageBar>}
      {!page && !error && <Spinner label="Loading…" />}
      {page && (
        <>
          {page.held ? (
            <p>
              <Text>
                {page.title}{page.date ? `, ${page.date}` : ', undated'}. The app works to version {page.current?.version} ({page.current?.setBy.toLowerCase()}). Each rule shows the
                clause it comes from in the school's own policy, and what statutory guidance adds, which no policy can weaken.
              </Text>
            </p>
          ) : (
            <MessageBar intent="warning">
              <MessageBarBody>No policy is held for this school. The app shows no policy advice of its own here; statutory guidance still applies.</MessageBarBody>
            </MessageBar>
          )}
          {page.terms.length > 0 && (
            <>
              <Title3 as="h2">The policy's own words</Title3>
              <ul className={s.list}>
                {page.terms.map((t) => <li key={t.label}>{t.label}: <Text weight="semibold">{t.value}</Text></li>)}
              </ul>
            </>
          )}

          <Title3 as="h2" id="versions-title">Versions</Title3>
          <ul className={s.versions} aria-labelledby="versions-title">
            {page.versions.map((v) => (
              <li key={v.version} className={s.version}>
                <Text weight="semibold">Version {v.version}</Text> {v.current && <Badge appearance="tint" color="success">Current</Badge>}
                <Text size={200} block>Added <time dateTime={v.addedAt}>{formatDateTime(v.addedAt)}</time></Text>
                <ul className={s.list}>{v.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
                {page.canSwitch && !v.current && (
                  <Button size="small" disabled={busy} onClick={() => void switchTo(v.version)}>Make version {v.version} current</Button>
                )}
              </li>
            ))}
          </ul>

          <Title3 as="h2" id="changes-title">Changes of version</Title3>
          <p><Text>Every change of the version the app works to, newest first. Nobody can change or remove an entry. Times are UK time.</Text></p>
          <div className={s.wrap}>
            <table className={s.table} aria-labelledby="changes-title">
              <thead><tr>{['When', 'By', 'From', 'To'].map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr></thead>
              <tbody>
                {page.changes.map((c, i) => (
                  <tr key={`${c.at}-${i}`}>
                    <td className={s.cell}><time dateTime={c.at}>{formatDateTime(c.at)}</time></td>
                    <td className={s.cell}>{c.by}</td>
                    <td className={s.cell}>{c.from === null ? 'None' : `Version ${c.from}`}</td>
                    <td className={s.cell}>Version {c.to}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {groups.map((g) => (
            <Fragment key={g}>
              <Title3 as="h2">{g}</Title3>
              <div className={s.wrap}>
                <table className={s.table} aria-label={g}>
                  <thead><tr>{RULE_COLUMNS.map((h) => <th key={h} className={s.cell} scope="col">{h}</th>)}</tr></thead>
                  <tbody>{page.rules.filter((r) => r.group === g).map((r) => <RuleRow key={r.id} rule={r} />)}</tbody>
                </table>
              </div>
            </Fragment>
          ))}
        </>
      )}
    </section>
  );
}

function RuleRow({ rule }: { rule: PolicyRuleRow }) {
  const s = useStyles();
  const own = rule.citations.filter((c) => c.from === 'policy');
  const statutory = rule.citations.filter((c) => c.from === 'baseline');
  return (
    <tr>
      <th className={s.cell} scope="row">
        {rule.label}
        <Text size={200} block>{rule.inPolicy ? 'In the policy' : rule.applies ? 'Not in the policy: statutory guidance only' : 'Not in the policy'}</Text>
      </th>
      <td className={s.cell}>
        {rule.value.map((v, i) => <Text key={i} block>{v}</Text>)}
        {rule.notes.map((n, i) => <Text key={`n${i}`} size={200} block>How it is read: {n}</Text>)}
      </td>
      <td className={s.cell}>
        {own.length === 0 && <Text size={200}>No clause of the policy</Text>}
        {own.map((c, i) => (
          <div key={i}>
            <Text weight="semibold" size={200}>{c.label}</Text>
            <blockquote className={s.quote}>“{c.quote}”</blockquote>
          </div>
        ))}
      </td>
      <td className={s.cell}>
        {rule.strengthened.map((x, i) => <Text key={i} block>{x}</Text>)}
        {rule.conditions.map((x, i) => <Text key={`c${i}`} size={200} block>When: {x}</Text>)}
        {statutory.map((c, i) => (
          <div key={`s${i}`}>
            <Text weight="semibold" size={200}>{c.label}</Text>
            <Text size={200} block>{c.quote}{c.paraphrase ? ' (a paraphrase)' : ''}</Text>
          </div>
        ))}
      </td>
    </tr>
  );
}
