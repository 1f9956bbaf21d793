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
import type { RoleChangeService } from './domain/directory/role-changes.js';
import type { EnrolmentService } from './domain/directory/enrolment.js';

/** What the feature modules (dialogs, routes, dispatcher) are built from. Built once in app.ts. */
export interface AppServices {
  config: AppConfig;
  log: Logger;
  storage: StorageClients;
  directory: DirectoryService;
  directoryRepo: DirectoryRepository;
  caseRepo: CaseRepository;
  cases: CaseService;
  refs: ConversationRefRepository;
  clock: Clock;
  /** Renders owed messages by kind; flows register renderers for their own kinds. */
  renderer: OutboxRenderer;
  /** Proactive send/update (e.g. to update an approval card in place). */
  sender: Sender;
  dispatcher: OutboxDispatcher;
  /** Screenshots: the report flow, the upload page and the draft sweeper share this one. */
  evidence: EvidenceService;
  /** Role changes and new members (Settings), each written to the append-only trail. */
  roleChanges: RoleChangeService;
  /** Requests to join a school of a trust, confirmed by its administrators (tab Settings). */
  enrolment: EnrolmentService;
  /** Track background work so shutdown and tests can wait for it. */
  track: (p: Promise<unknown>) => void;
}
