/** Shapes of the tab API's answers (src/tab-api). */

export interface Option {
  value: string;
  label: string;
}

export interface Me {
  name: string;
  aadObjectId: string;
  roles: string[];
  school: { id: string; name: string; headTitle: string };
  schools: Array<{ id: string; name: string }>;
  can: { cases: boolean; settings: boolean; acknowledge: boolean; roleChanges: boolean };
  vocabulary: { kinds: Option[]; categories: Option[]; statuses: Option[]; severities: Option[]; roles: Option[] };
  signedInVia: 'sso' | 'dev';
}

export interface CaseSummary {
  id: string;
  reference: string;
  kind: string;
  kindLabel: string;
  category: string;
  categoryLabel: string;
  status: string;
  statusLabel: string;
  severity: 'high' | 'medium' | 'low';
  safeguarding: boolean;
  aboutHead: boolean;
  createdAt: string;
  updatedAt: string;
  assignee: { aadObjectId: string; name: string } | null;
  acknowledged: { at: string; by: string } | null;
  overdue: { alertUnacknowledged: boolean; untouched: boolean };
}

export interface CasePage {
  items: CaseSummary[];
  continuationToken: string | null;
}

export interface Stats {
  open: number;
  bySeverity: Record<'high' | 'medium' | 'low', number>;
  byKind: Record<string, number>;
  unassigned: number;
  alertsUnacknowledged: number;
  untouched: number;
  /** Each kind's categories are its own: an incident's category, a request's platform, a declaration's relationship. */
  chart: {
    months: string[];
    kinds: Array<{ kind: string; label: string; total: number }>;
    categories: Array<{ kind: string; kindLabel: string; category: string; label: string; counts: number[]; total: number }>;
  };
}

export interface CaseDetail {
  case: CaseSummary & { reasons: string[]; submitter: string; outcome: string | null; reporterTold: string | null };
  answers: Array<{ key: string; label: string; value: string }>;
  evidence: Array<{ id: string; contentType: string; size: number; receivedAt: string; source: string; name: string }>;
  /** `message`: for delivery events, which message ("Receipt to the reporter"). */
  events: Array<{ at: string; type: string; actor: string | null; detail: string | null; from: string | null; to: string | null; message: string | null }>;
  /** `text`: the state in words, with the Bot Connector's status and code when an attempt failed. */
  deliveries: Array<{ recipient: string; kind: string; kindLabel: string; state: string; attempts: number; status: number | null; code: string | null; text: string }>;
  can: { acknowledge: boolean; nextStatuses: Array<{ status: string; label: string }> };
}

export interface Person {
  aadObjectId: string;
  name: string;
  jobTitle: string | null;
}

export interface MemberRow extends Person {
  roles: string[];
}

/** One entry of GET /api/tab/settings/role-changes (src/tab-api/settings-api.ts): roles as labels, names resolved. */
export interface RoleChangeRow {
  at: string;
  kind: 'added' | 'changed';
  actor: { aadObjectId: string; name: string };
  member: { aadObjectId: string; name: string };
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
}

/** One row of GET /api/tab/registers/family (`RegisterRow` in src/domain/declarations/declaration-service.ts). */
export interface FamilyRegisterRow {
  caseId: string;
  reference: string;
  staff: { aadObjectId: string; name: string };
  pupilName: string;
  yearGroup: string;
  relationship: string;
  platforms: string;
  status: string;
  statusLabel: string;
  declaredAt: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}
