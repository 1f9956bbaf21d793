import type { AppConfig } from './config.js';
import type { Logger } from './log.js';
import type { StorageClients } from './storage/clients.js';
import type { DirectoryService } from './domain/directory/directory-service.js';
import type { DirectoryRepository } from './storage/directory-repository.js';
import type { CaseRepository } from './storage/case-repository.js';
import type { CaseService, Clock } from './domain/cases/case-service.js';
import type { ConversationRefRepository } from './storage/conversation-refs.js';
import type { OutboxDispatcher, Sender } from './domain/cases/outbox-dispatcher.js';
import type { OutboxRenderer } from './teams/outbox-renderer.js';
import type { EvidenceService } from './evidence/evidence-service.js';
import type { PreviewStore } from './evidence/preview-store.js';
import type { PolicyService } from './domain/policy/policy-service.js';
import type { PolicyAsk } from './domain/policy/ask.js';
import type { AskFeedbackStore } from './domain/policy/ask-feedback.js';
import type { RoleChangeService } from './domain/directory/role-changes.js';
import type { EnrolmentService } from './domain/directory/enrolment.js';
import type { DeclarationService } from './domain/declarations/declaration-service.js';
import type { AccountRequestService } from './domain/account-requests/account-request-service.js';
import type { ConsentService } from './domain/consent/consent-service.js';
import type { PostService } from './domain/posts/post-service.js';
import type { RecordsStore } from './domain/records/ports.js';
import type { RetentionService } from './domain/records/retention-service.js';
import type { SubjectAccessService } from './domain/records/subject-access.js';
import type { LeaverService } from './domain/records/leavers.js';
import type { RolloutService } from './domain/rollout/rollout-service.js';

/**
 * What the feature modules (dialogs, card actions, routes, dispatcher) are built from. Every service is
 * built once, in src/app.ts; nothing keeps a service of its own in module state.
 */
export interface AppServices {
  config: AppConfig;
  log: Logger;
  storage: StorageClients;
  directory: DirectoryService;
  directoryRepo: DirectoryRepository;
  caseRepo: CaseRepository;
  cases: CaseService;
  /** Family relationship declarations: the dialog, the card actions and the tab's register share this one. */
  declarations: DeclarationService;
  /** School account requests: the dialog, the card actions and the tab's register and approvals share this one. */
  accountRequests: AccountRequestService;
  refs: ConversationRefRepository;
  clock: Clock;
  /** Renders owed messages by kind; the flows' renderers for their own kinds are handed in when it is built. */
  renderer: OutboxRenderer;
  /** Proactive send/update (e.g. to update an approval card in place). */
  sender: Sender;
  dispatcher: OutboxDispatcher;
  /** Screenshots: the report flow, the upload page and the draft sweeper share this one. */
  evidence: EvidenceService;
  /** Each screenshot's display copy and thumbnail (derived after receipt, or on first request): what the tab shows. */
  previews: PreviewStore;
  /** Role changes and new members (Settings), each written to the append-only trail. */
  roleChanges: RoleChangeService;
  /** Each school's policy (its profile over the statutory baseline): what every flow shows and routes by. */
  policies: PolicyService;
  /** Each school's policy text, indexed at start: staff questions are answered from their own school's clauses. */
  ask: PolicyAsk;
  /** "Was this helpful?" on those answers. */
  askFeedback: AskFeedbackStore;
  /** Requests to join a school of a trust, confirmed by its administrators (tab Settings). */
  enrolment: EnrolmentService;
  /** The photo-consent register (the school office's, in the tab); a proposed post is checked against it. */
  consent: ConsentService;
  /** Proposed posts for the school's accounts: the flow, the approval cards, the post register and subject access share this one. */
  posts: PostService;
  /** Tombstones, reviews, leavers and subject access exports (the records table). */
  records: RecordsStore;
  /** The retention schedule in force, the sweeper that applies it, and legal holds. */
  retention: RetentionService;
  /** Subject access exports: the record sources searched for a person, and the record of each export. */
  subjectAccess: SubjectAccessService;
  /** A member removed from the directory (they left): their open cases reassigned, their conversation reference dropped. */
  leavers: LeaverService;
  /** Every member of staff has read the policy: rollout cards, acknowledgements, reminders, new starters. */
  rollout: RolloutService;
  /** Track background work so shutdown and tests can wait for it. */
  track: (p: Promise<unknown>) => void;
}
