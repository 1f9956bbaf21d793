import { Badge } from '@fluentui/react-components';
import type { CaseSummary } from '../types.js';

const SEVERITY_COLOUR = { high: 'danger', medium: 'warning', low: 'informative' } as const;

export function SeverityBadge({ severity }: { severity: CaseSummary['severity'] }) {
  return <Badge appearance="filled" color={SEVERITY_COLOUR[severity]}>{severity === 'high' ? 'High' : severity === 'medium' ? 'Medium' : 'Low'} severity</Badge>;
}

export function CaseFlags({ c }: { c: CaseSummary }) {
  return (
    <>
      {c.safeguarding && <Badge appearance="outline" color="danger">Safeguarding</Badge>}
      {c.aboutHead && <Badge appearance="outline" color="important">About the head</Badge>}
      {c.overdue.alertUnacknowledged && <Badge appearance="filled" color="danger">Alert not acknowledged</Badge>}
      {c.overdue.untouched && <Badge appearance="tint" color="warning">Untouched 5+ school days</Badge>}
      {c.referralDue && <Badge appearance={c.referralDue.overdue ? 'filled' : 'tint'} color={c.referralDue.overdue ? 'danger' : 'warning'}>{c.referralDue.text}</Badge>}
    </>
  );
}
