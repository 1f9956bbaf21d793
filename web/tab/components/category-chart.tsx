import { useState } from 'react';
import { Tab, TabList, makeStyles, tokens } from '@fluentui/react-components';
import type { Stats } from '../types.js';

const useStyles = makeStyles({
  table: { width: '100%', borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200 },
  label: { textAlign: 'left', fontWeight: tokens.fontWeightRegular, padding: `2px ${tokens.spacingHorizontalS} 2px 0`, width: '40%', verticalAlign: 'middle' },
  barCell: { padding: '2px 0', verticalAlign: 'middle' },
  bar: { height: '14px', backgroundColor: tokens.colorBrandBackground, borderRadius: tokens.borderRadiusSmall, minWidth: '2px', forcedColorAdjust: 'none', '@media (forced-colors: active)': { backgroundColor: 'CanvasText' } },
  count: { textAlign: 'right', paddingLeft: tokens.spacingHorizontalS, width: '3em' },
  months: { display: 'flex', alignItems: 'flex-end', gap: '3px', height: '48px', marginTop: tokens.spacingVerticalS },
  month: { flex: 1, backgroundColor: tokens.colorBrandBackground2Hover, borderTop: `2px solid ${tokens.colorBrandStroke1}`, minHeight: '2px' },
});

const monthName = (ym: string) => new Date(`${ym}-01T00:00:00Z`).toLocaleString('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' });

/**
 * Cases by category over the last 12 months, one kind at a time (a request's platform is not an incident
 * category): plain bars and a table screen readers can read as one.
 */
export function CategoryChart({ chart }: { chart: Stats['chart'] }) {
  const s = useStyles();
  const [kind, setKind] = useState<string>(chart.kinds[0]?.kind ?? 'incident');
  const picked = chart.kinds.find((k) => k.kind === kind);
  const categories = chart.categories.filter((c) => c.kind === kind);
  return (
    <div>
      <TabList size="small" selectedValue={kind} onTabSelect={(_, d) => setKind(String(d.value))} aria-label="Kind of case shown in the chart">
        {chart.kinds.map((k) => <Tab key={k.kind} value={k.kind}>{`${k.label} (${k.total})`}</Tab>)}
      </TabList>
      {categories.length ? <Bars months={chart.months} categories={categories} caption={`${picked?.label ?? 'Cases'} by category, last 12 months`} /> : <p>No {picked ? picked.label.toLowerCase() + 's' : 'cases'} in the last 12 months.</p>}
    </div>
  );
}

function Bars({ months, categories, caption }: { months: string[]; categories: Stats['chart']['categories']; caption: string }) {
  const s = useStyles();
  const chart = { months, categories };
  const max = Math.max(1, ...chart.categories.map((c) => c.total));
  const perMonth = chart.months.map((_, i) => chart.categories.reduce((a, c) => a + c.counts[i], 0));
  const maxMonth = Math.max(1, ...perMonth);
  return (
    <div data-chart-categories>
      <table className={s.table}>
        <caption className="visually-hidden">{caption}</caption>
        <thead className="visually-hidden">
          <tr><th scope="col">Category</th><th scope="col">Bar</th><th scope="col">Cases</th></tr>
        </thead>
        <tbody>
          {chart.categories.map((c) => (
            <tr key={`${c.kind}|${c.category}`}>
              <th scope="row" className={s.label}>{c.label}</th>
              <td className={s.barCell} aria-hidden="true"><div className={s.bar} style={{ width: `${(c.total / max) * 100}%` }} /></td>
              <td className={s.count}>{c.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className={s.months} role="img" aria-label={`Cases per month: ${chart.months.map((m, i) => `${monthName(m)} ${perMonth[i]}`).join(', ')}`}>
        {perMonth.map((n, i) => <div key={chart.months[i]} className={s.month} style={{ height: `${(n / maxMonth) * 100}%` }} title={`${monthName(chart.months[i])}: ${n}`} />)}
      </div>
    </div>
  );
}
