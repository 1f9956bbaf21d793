import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Field, MessageBar, MessageBarBody, Select, Spinner, Text, Title2, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { get } from '../api.js';
import { age } from '../format.js';
import type { CasePage, CaseSummary, Me, Stats } from '../types.js';
import { CategoryChart } from '../components/category-chart.js';
import { CaseFlags, SeverityBadge } from '../components/badges.js';

const useStyles = makeStyles({
  top: { display: 'grid', gap: tokens.spacingHorizontalL, gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))', marginBottom: tokens.spacingVerticalL },
  panel: { backgroundColor: tokens.colorNeutralBackground1, padding: tokens.spacingHorizontalM, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}` },
  counts: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, listStyleType: 'none', padding: 0, margin: 0 },
  count: { display: 'flex', flexDirection: 'column', minWidth: '90px', padding: tokens.spacingHorizontalS, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground3 },
  number: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero700 },
  alert: { backgroundColor: tokens.colorPaletteRedBackground2, color: tokens.colorPaletteRedForeground2 },
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalM, alignItems: 'flex-end' },
  filter: { minWidth: '150px', flex: '1 1 150px', maxWidth: '240px' },
  // Long option labels must not widen a select past its column.
  select: { width: '100%', minWidth: 0, '& select': { width: '100%', minWidth: 0, textOverflow: 'ellipsis' } },
  list: { listStyleType: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: {
    display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, border: `1px solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground1, textDecorationLine: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  ref: { fontWeight: tokens.fontWeightSemibold, minWidth: '110px' },
  what: { flex: '1 1 220px' },
  meta: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});

type Filters = { kind: string; category: string; status: string; severity: string; assignee: string };
const EMPTY: Filters = { kind: '', category: '', status: '', severity: '', assignee: '' };

export function CaseList({ me }: { me: Me }) {
  const s = useStyles();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const query = useCallback((f: Filters, continuationToken?: string) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
    if (continuationToken) p.set('continuationToken', continuationToken);
    return `/api/tab/cases?${p.toString()}`;
  }, []);

  useEffect(() => {
    setItems(null);
    setError(null);
    get<CasePage>(query(filters))
      .then((page) => { setItems(page.items); setToken(page.continuationToken); })
      .catch((e: Error) => setError(e.message));
  }, [filters, query]);
  useEffect(() => {
    get<Stats>('/api/tab/cases/stats').then(setStats).catch(() => setStats(null));
  }, []);

  const more = async () => {
    if (!token) return;
    setBusy(true);
    try {
      const page = await get<CasePage>(query(filters, token));
      setItems((x) => [...(x ?? []), ...page.items]);
      setToken(page.continuationToken);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const set = (k: keyof Filters) => (_: unknown, d: { value: string }) => setFilters((f) => ({ ...f, [k]: d.value }));
  const v = me.vocabulary;
  return (
    <>
      <Title2 as="h1">Open cases · {me.school.name}</Title2>
      <div className={s.top}>
        <section className={s.panel} aria-labelledby="counts-title">
          <Title3 as="h2" id="counts-title">Now</Title3>
          {stats ? (
            <ul className={s.counts}>
              <li className={s.count}><span className={s.number}>{stats.open}</span>open</li>
              <li className={s.count}><span className={s.number}>{stats.bySeverity.high}</span>high severity</li>
              <li className={s.count}><span className={s.number}>{stats.unassigned}</span>unassigned</li>
              <li className={`${s.count} ${stats.alertsUnacknowledged ? s.alert : ''}`}><span className={s.number}>{stats.alertsUnacknowledged}</span>alerts not acknowledged (15 min)</li>
              <li className={s.count}><span className={s.number}>{stats.untouched}</span>untouched 5+ school days</li>
            </ul>
          ) : <Spinner size="tiny" label="Counting…" />}
        </section>
        <section className={s.panel} aria-labelledby="chart-title">
          <Title3 as="h2" id="chart-title">By category, last 12 months</Title3>
          {stats ? <CategoryChart chart={stats.chart} /> : <Spinner size="tiny" />}
        </section>
      </div>

      <section aria-labelledby="list-title">
        <Title3 as="h2" id="list-title">Cases</Title3>
        <div className={s.filters} role="search" aria-label="Filter cases">
          <Field label="Kind" className={s.filter}>
            <Select className={s.select} value={filters.kind} onChange={set('kind')}><option value="">All kinds</option>{v.kinds.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</Select>
          </Field>
          <Field label="Category" className={s.filter}>
            <Select className={s.select} value={filters.category} onChange={set('category')}><option value="">All categories</option>{v.categories.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</Select>
          </Field>
          <Field label="Status" className={s.filter}>
            <Select className={s.select} value={filters.status} onChange={set('status')}><option value="">Any open status</option>{v.statuses.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</Select>
          </Field>
          <Field label="Severity" className={s.filter}>
            <Select className={s.select} value={filters.severity} onChange={set('severity')}><option value="">Any severity</option>{v.severities.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</Select>
          </Field>
          <Field label="Assignee" className={s.filter}>
            <Select className={s.select} value={filters.assignee} onChange={set('assignee')}><option value="">Anyone</option><option value="me">Assigned to me</option><option value="none">Unassigned</option></Select>
          </Field>
          {Object.values(filters).some(Boolean) && <Button onClick={() => setFilters(EMPTY)}>Clear filters</Button>}
        </div>
        {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
        {!items && !error && <Spinner label="Loading cases…" />}
        {items && items.length === 0 && <p>No open cases{Object.values(filters).some(Boolean) ? ' match these filters' : ''}.</p>}
        {items && items.length > 0 && (
          <ul className={s.list} aria-label="Open cases, most severe first">
            {items.map((c) => (
              <li key={c.id}>
                <a className={s.row} href={`#/case/${c.id}`} data-case-id={c.id}>
                  <span className={s.ref}>{c.reference}</span>
                  <span className={s.what}>
                    <Text block>{c.categoryLabel}</Text>
                    <span className={s.meta}>{c.kindLabel} · {c.statusLabel} · opened {age(c.createdAt)} · {c.assignee ? `assigned to ${c.assignee.name}` : 'unassigned'}</span>
                  </span>
                  <SeverityBadge severity={c.severity} />
                  <CaseFlags c={c} />
                  {c.acknowledged && <Badge appearance="ghost" color="success">Acknowledged</Badge>}
                </a>
              </li>
            ))}
          </ul>
        )}
        {token && <p><Button onClick={() => void more()} disabled={busy}>{busy ? 'Loading…' : 'Show more'}</Button></p>}
      </section>
    </>
  );
}
