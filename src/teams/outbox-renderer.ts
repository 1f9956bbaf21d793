import type { AppConfig } from '../config.js';
import { shortTime } from '../domain/time.js';
import type { DirectoryService } from '../domain/directory/directory-service.js';
import { alertPayload } from '../domain/cases/case-service.js';
import { whoIsTold, type NobodyToAlert, type ToldTerms } from '../domain/cases/who-is-told.js';
import { chairNoticeQuote, routeQuote } from '../domain/cases/report-advice.js';
import type { PolicyService } from '../domain/policy/policy-service.js';
import type { Role as PolicyRole } from '../domain/policy/profile.js';
import { headTitleOf } from '../domain/directory/directory.js';
import { canUseTab, canView } from '../domain/cases/access.js';
import { summaryOf } from '../domain/cases/summary.js';
import type { OutboundMessage, RefLookup, Render } from '../domain/cases/outbox-dispatcher.js';
import { STATUS_LABELS, type CaseKind, type CaseRecord, type OutboxItem, type OutboxKind } from '../domain/cases/types.js';
import { buildCaseNoticeCard, buildDslAlertCard, buildReceiptCard } from './alerts/alert-cards.js';

export const KIND_LABELS: Record<CaseKind, string> = {
  incident: 'Incident report',
  accountRequest: 'School account request',
  familyDeclaration: 'Family relationship declaration',
  postProposal: 'Post for a school account',
  policyRollout: 'Policy rollout',
};


/** A link that opens the case in the Cases tab (a Teams deep link when the app id is known). */
export function caseLink(config: Pick<AppConfig, 'teamsAppId' | 'publicBaseUrl'>, caseId: string): string {
  if (config.teamsAppId) {
    const context = encodeURIComponent(JSON.stringify({ subEntityId: caseId }));
    return `https://teams.microsoft.com/l/entity/${encodeURIComponent(config.teamsAppId)}/cases?context=${context}`;
  }
  return `${config.publicBaseUrl}/tab/index.html#/case/${caseId}`;
}

export type KindRenderer = (item: OutboxItem, c: CaseRecord) => Promise<OutboundMessage> | OutboundMessage;

/** A flow's renderer for one kind of message of its own kind of case (two flows can share an outbox kind). */
export interface FlowRenderer {
  kind: OutboxKind;
  caseKind: CaseKind;
  render: KindRenderer;
}

/**
 * Turns an owed message into what the person sees. Each kind has one renderer; the account-request and
 * family-declaration flows hand theirs in (`flows`), once, when the app is built.
 */
export class OutboxRenderer {
  private readonly kinds = new Map<OutboxKind, KindRenderer>();
  private readonly byCaseKind = new Map<string, KindRenderer>();

  constructor(
    private readonly config: Pick<AppConfig, 'teamsAppId' | 'publicBaseUrl'>,
    private readonly directory: DirectoryService,
    private readonly refs: RefLookup,
    flows: readonly FlowRenderer[] = [],
    /** Each school's policy: its words for the people told, and the clause the chair's notice quotes. */
    private readonly policies?: Pick<PolicyService, 'forSchool'>,
  ) {
    for (const f of flows) this.byCaseKind.set(`${f.kind}|${f.caseKind}`, f.render);
    this.kinds.set('dslAlert', (_i, c) => this.dslAlert(c));
    this.kinds.set('sltNotice', async (i, c) => {
      const role = typeof i.payload.role === 'string' ? (i.payload.role as PolicyRole) : undefined;
      if (!role) return { card: this.notice(c, `New case for the ${(await this.terms(c.schoolId)).seniorTeam ?? 'senior leadership team'}`, 'Open the Cases tab to assign and triage it.') };
      // Told because the school's policy names them (the head, the senior team, the reporter's line manager).
      const title = role === 'lineManager' ? 'A report from someone you line-manage' : 'A new report your school\'s policy says you are told of';
      // The clause that names them, so the notice never says "the policy says" without saying where.
      const policy = this.policies && c.kind === 'incident' && role !== 'lineManager' ? await this.policies.forSchool(c.schoolId) : undefined;
      const quote = policy ? routeQuote(policy, c.category) : undefined;
      const said = (text: string) => (quote ? `${quote} ${text}` : text);
      // Whoever the policy sends a case to may open it (access.ts), unless their role does not open the Cases tab at all.
      const member = await this.directory.member(c.schoolId, i.recipient.aadObjectId);
      if (member && canView(member, summaryOf(c)) && canUseTab(member)) return { card: this.notice(c, title, said('Open the Cases tab to see it.')) };
      const seniorTeam = (await this.terms(c.schoolId)).seniorTeam ?? 'senior leadership team';
      return { card: this.notice(c, title, said(`Your role does not open the Cases tab, where the ${seniorTeam} handle it.`), false) };
    });
    this.kinds.set('chairNotice', async (_i, c) => {
      const policy = this.policies ? await this.policies.forSchool(c.schoolId) : undefined;
      const headTitle = policy?.terms.headTitle ?? headTitleOf(await this.directory.school(c.schoolId));
      const quote = policy && c.kind === 'incident' ? chairNoticeQuote(policy, c) : undefined;
      const hidden = `This case is hidden from the ${headTitle}.`;
      return { card: this.notice(c, `A concern about the ${headTitle}`, quote ? `${quote} ${hidden}` : hidden) };
    });
    this.kinds.set('receipt', async (i, c) => {
      const nobody = Array.isArray(i.payload.nobodyToAlert) ? (i.payload.nobodyToAlert as NobodyToAlert[]) : undefined;
      const subjectHeld = Array.isArray(i.payload.subjectHeld) ? (i.payload.subjectHeld as NobodyToAlert[]) : undefined;
      // The same words as the reply on sending (src/teams/incident/report-incident-dialog.ts).
      const terms: ToldTerms = c.kind === 'incident' ? await this.terms(c.schoolId) : { headTitle: 'headteacher' };
      return {
        card: buildReceiptCard({
          reference: c.reference,
          kindLabel: KIND_LABELS[c.kind],
          raisedAt: shortTime(c.createdAt),
          next: whoIsTold(c, terms, { nobody, subjectHeld }),
        }),
      };
    });
    this.kinds.set('evidenceAdded', (i, c) => {
      const n = Number(i.payload.added) || 1;
      return {
        card: this.notice(c, `More screenshots on ${c.reference}`, `The reporter added ${n} screenshot${n === 1 ? '' : 's'} after sending (${Number(i.payload.total) || n} on the case now). Open the case to see them.`),
      };
    });
    this.kinds.set('statusUpdate', (i, c) => ({
      text: `Update on ${c.reference}: it is now **${STATUS_LABELS[(i.payload.status as CaseRecord['status']) ?? c.status]}**.`,
    }));
  }

  /** The school's words for the people told: its policy's, or the directory's head title. */
  private async terms(schoolId: string): Promise<ToldTerms> {
    if (this.policies) return (await this.policies.forSchool(schoolId)).terms;
    return { headTitle: headTitleOf(await this.directory.school(schoolId), 'headteacher') };
  }

  readonly render: Render = async (item, c) => {
    const r = this.byCaseKind.get(`${item.kind}|${c.kind}`) ?? this.kinds.get(item.kind);
    if (!r) throw new Error(`no renderer for ${item.kind}`);
    return r(item, c);
  };

  /** The DSL alert card as the case now stands (used for sending, refreshing and updating in place). */
  async dslAlert(c: CaseRecord): Promise<OutboundMessage> {
    const p = alertPayload(c);
    const dsls = await this.directory.withRole(c.schoolId, 'dsl', 'deputyDsl');
    const refs = await Promise.all(dsls.map((m) => this.refs.findByAad(m.aadObjectId)));
    return {
      card: buildDslAlertCard({
        caseId: c.id,
        schoolId: c.schoolId,
        reference: c.reference,
        category: String(p.category),
        severity: c.routing.severity,
        raisedAt: shortTime(c.createdAt),
        caseUrl: caseLink(this.config, c.id),
        acknowledgedBy: c.acknowledged?.by.name,
        acknowledgedAt: c.acknowledged ? shortTime(c.acknowledged.at) : undefined,
        refreshUserIds: refs.filter((r) => r !== undefined).map((r) => r!.userId),
      }),
    };
  }

  private notice(c: CaseRecord, title: string, note: string, link = true) {
    const p = alertPayload(c);
    return buildCaseNoticeCard({
      title,
      reference: c.reference,
      kindLabel: KIND_LABELS[c.kind],
      category: String(p.category),
      severity: c.routing.severity,
      raisedAt: shortTime(c.createdAt),
      ...(link ? { caseUrl: caseLink(this.config, c.id) } : {}),
      note,
    });
  }
}
