import type { AppConfig } from '../config.js';
import { shortTime } from '../domain/time.js';
import type { DirectoryService } from '../domain/directory/directory-service.js';
import { alertPayload } from '../domain/cases/case-service.js';
import { whoIsTold, type NobodyToAlert } from '../domain/cases/who-is-told.js';
import { headTitleOf } from '../domain/directory/directory.js';
import type { OutboundMessage, RefLookup, Render } from '../domain/cases/outbox-dispatcher.js';
import { STATUS_LABELS, type CaseKind, type CaseRecord, type OutboxItem, type OutboxKind } from '../domain/cases/types.js';
import { buildCaseNoticeCard, buildDslAlertCard, buildReceiptCard } from './alerts/alert-cards.js';

export const KIND_LABELS: Record<CaseKind, string> = {
  incident: 'Incident report',
  accountRequest: 'School account request',
  familyDeclaration: 'Family relationship declaration',
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
  ) {
    for (const f of flows) this.byCaseKind.set(`${f.kind}|${f.caseKind}`, f.render);
    this.kinds.set('dslAlert', (_i, c) => this.dslAlert(c));
    this.kinds.set('sltNotice', (_i, c) => ({ card: this.notice(c, 'New case for the senior leadership team', 'Open the Cases tab to assign and triage it.') }));
    this.kinds.set('chairNotice', (_i, c) => ({
      card: this.notice(
        c,
        'A concern about the headteacher',
        'Policy: "If concerns relate to the Headteacher then the Chair of Governors should be informed immediately." This case is hidden from the headteacher.',
      ),
    }));
    this.kinds.set('receipt', async (i, c) => {
      const nobody = Array.isArray(i.payload.nobodyToAlert) ? (i.payload.nobodyToAlert as NobodyToAlert[]) : undefined;
      // The same words as the reply on sending (src/teams/incident/report-incident-dialog.ts).
      const headTitle = c.kind === 'incident' ? headTitleOf(await this.directory.school(c.schoolId), 'headteacher') : 'headteacher';
      return {
        card: buildReceiptCard({
          reference: c.reference,
          kindLabel: KIND_LABELS[c.kind],
          raisedAt: shortTime(c.createdAt),
          next: whoIsTold(c, headTitle, { nobody }),
        }),
      };
    });
    this.kinds.set('statusUpdate', (i, c) => ({
      text: `Update on ${c.reference}: it is now **${STATUS_LABELS[(i.payload.status as CaseRecord['status']) ?? c.status]}**.`,
    }));
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

  private notice(c: CaseRecord, title: string, note: string) {
    const p = alertPayload(c);
    return buildCaseNoticeCard({
      title,
      reference: c.reference,
      kindLabel: KIND_LABELS[c.kind],
      category: String(p.category),
      severity: c.routing.severity,
      raisedAt: shortTime(c.createdAt),
      caseUrl: caseLink(this.config, c.id),
      note,
    });
  }
}
