import { ConversationState } from 'botbuilder';
import type { Server } from 'restify';
import { readJsonFile, type AppConfig } from './config.js';
import { createEvidenceService } from './evidence/evidence-service.js';
import { PreviewStore } from './evidence/preview-store.js';
import { DRAFT_RETENTION_MS, DRAFT_SWEEP_EVERY_MS } from './domain/retention.js';
import { createLogger, type Logger } from './log.js';
import { createStorageClients, type StorageClients } from './storage/clients.js';
import { TableStateStorage } from './teams/table-state-storage.js';
import { ConversationRefRepository } from './storage/conversation-refs.js';
import { DirectoryRepository } from './storage/directory-repository.js';
import { DirectoryService } from './domain/directory/directory-service.js';
import { validateSeed, type DirectorySeed } from './domain/directory/directory.js';
import { RoleChangeService } from './domain/directory/role-changes.js';
import { RoleChangeRepository } from './storage/role-change-repository.js';
import { ConsentRepository } from './storage/consent-repository.js';
import { ConsentService } from './domain/consent/consent-service.js';
import { EnrolmentService } from './domain/directory/enrolment.js';
import { EnrolmentRepository } from './storage/enrolment-repository.js';
import { personalChatUrl } from './teams/personal-chat-card.js';
import { createAdapter } from './teams/adapter.js';
import { SaferSocialBot } from './teams/bot.js';
import { PostService } from './domain/posts/post-service.js';
import { postInvokeHandlers, postRenderers, pupilSearchHandler } from './teams/posts/post-actions.js';
import { mountPostPhotoRoute } from './evidence/post-photo-route.js';
import { RootDialog } from './teams/root-dialog.js';
import { createServer } from './server.js';
import { readPolicyFiles } from './policy-files.js';
import { PolicyService } from './domain/policy/policy-service.js';
import { adoptProfileFile } from './domain/policy/policy-store.js';
import { PolicyRepository } from './storage/policy-repository.js';
import { PolicyAsk } from './domain/policy/ask.js';
import { AskFeedbackRepository } from './storage/ask-feedback-repository.js';
import { askInvokeHandlers } from './teams/ask/ask-actions.js';
import { CaseRepository } from './storage/case-repository.js';
import { TableOutboxStore } from './storage/outbox-store.js';
import { CaseService } from './domain/cases/case-service.js';
import { createFlows } from './teams/flows.js';
import { mountEvidenceRoutes } from './evidence/routes.js';
import { mountTabRoutes } from './tab-api/routes.js';
import type { AppServices } from './services.js';
import { OutboxDispatcher } from './domain/cases/outbox-dispatcher.js';
import { OutboxRenderer } from './teams/outbox-renderer.js';
import { BotSender } from './teams/delivery.js';
import { alertInvokeHandlers } from './teams/alerts/alert-actions.js';
import { addScreenshotsInvokeHandlers } from './teams/my-submissions/add-screenshots.js';
import { AlertCardUpdater } from './teams/alerts/alert-card-updates.js';
import { declarationInvokeHandlers, declarationRenderers } from './teams/declarations/declaration-actions.js';
import { accountRequestInvokeHandlers, accountRequestRenderers, staffSearchHandler } from './teams/account-requests/account-request-actions.js';
import { WrittenMessages } from './domain/cases/written-messages.js';
import { DeclarationService } from './domain/declarations/declaration-service.js';
import { AccountRequestService } from './domain/account-requests/account-request-service.js';
import { RECORDS_SWEEP_EVERY_MS, RetentionService } from './domain/records/retention-service.js';
import { RecordsRepository } from './storage/records-repository.js';
import { askFeedbackSource, caseSource, consentSource, directorySource, postSource, SubjectAccessService } from './domain/records/subject-access.js';
import { newId } from './storage/case-entities.js';
import { LeaverService } from './domain/records/leavers.js';
import { RolloutRepository } from './storage/rollout-repository.js';
import { RolloutService } from './domain/rollout/rollout-service.js';
import { ROLLOUT_KINDS, isRolloutKind, type RolloutPayload } from './domain/rollout/rollout.js';
import { nextOpening } from './domain/rollout/school-hours.js';
import { rolloutInvokeHandlers, rolloutRenderers } from './teams/rollout/rollout-actions.js';

export interface App {
  server: Server;
  storage: StorageClients;
  log: Logger;
  start(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Wires config → storage → services → bot → server. No logic of its own. Every service is built once, here,
 * after what it needs: directory → cases (with the Teams edge that updates alert cards) → dispatcher →
 * evidence → the bot's dialogs and card actions, and the tab, each given what it uses.
 */
export async function createApp(config: AppConfig, log: Logger = createLogger(config.logLevel)): Promise<App> {
  const storage = createStorageClients(config.storage);
  await storage.ensure();

  const directoryRepo = new DirectoryRepository(storage.table('directory'));
  const seed = readJsonFile(config.seedFile) as DirectorySeed;
  const seedProblems = validateSeed(seed);
  if (seedProblems.length) throw new Error(`Invalid seed file ${config.seedFile}:\n  - ${seedProblems.join('\n  - ')}`);
  if (await directoryRepo.seedIfEmpty(seed)) log.info({ schools: seed.schools.length }, 'directory seeded');
  else if (await directoryRepo.adoptSeedTenants(seed)) log.info('schools given their tenant from the seed');
  const directory = new DirectoryService(directoryRepo);
  const enrolment = new EnrolmentService(new EnrolmentRepository(storage.table('directory')), directory);
  const clock = () => new Date();
  const { profiles, baseline, clauses } = readPolicyFiles(config.policiesDir);
  // Each school's profile is stored with it, versioned: the files add versions, never replace or delete one.
  const policyRepo = new PolicyRepository(storage.table('policies'));
  const schoolIds = (await directory.schools()).map((s) => s.id);
  for (const id of schoolIds) {
    const profile = profiles.get(id);
    if (!profile) continue;
    const outcome = await adoptProfileFile(policyRepo, profile, clock());
    if (outcome === 'differs') log.warn({ schoolId: id, version: profile.version }, 'policy file differs from the stored version of the same number; raise its version to add it');
    else if (outcome !== 'unchanged') log.info({ schoolId: id, version: profile.version, outcome }, 'policy profile from file');
  }
  const policies = new PolicyService(policyRepo, baseline, directory);
  await policies.load(schoolIds);
  const indexStart = performance.now();
  const ask = new PolicyAsk(clauses);
  log.info({ schools: clauses.length, ms: Math.round(performance.now() - indexStart) }, 'policy text indexed for questions');
  const askFeedback = new AskFeedbackRepository(storage.table('askFeedback'));
  const roleChanges = new RoleChangeService(directory, new RoleChangeRepository(storage.table('roleChanges')), clock);

  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    background.add(p);
    p.finally(() => background.delete(p)).catch(() => undefined);
  };

  const refs = new ConversationRefRepository(storage.table('conversationRefs'));
  // A transaction that queued messages hands them to the dispatcher at once (the poll is the safety net).
  const written = new WrittenMessages();
  const caseRepo = new CaseRepository(storage.table('cases'), written.publish);
  const adapter = createAdapter(config, log);
  const sender = new BotSender(adapter, config.bot.appId);
  // Built before the dispatcher it wakes (the wake-up is only called later, once messages are queued).
  const rollout = new RolloutService({ store: new RolloutRepository(storage.table('cases')), directory, policies, clock, kick: () => dispatcher.kick() });
  const renderer = new OutboxRenderer(
    config,
    directory,
    refs,
    [
      ...declarationRenderers({ config, policies }),
      ...accountRequestRenderers({ config, refs, policies }),
      ...postRenderers({ config, refs, policies, clock, caseRepo }),
      ...rolloutRenderers({ config, policies, directory, rollout }),
    ],
    policies,
  );
  const alertCards = new AlertCardUpdater({ caseRepo, renderer, sender, refs, log, track });
  const cases = new CaseService(caseRepo, directory, clock, alertCards);
  const declarations = new DeclarationService(caseRepo, directory, clock);
  const accountRequests = new AccountRequestService(caseRepo, directory, policies, clock);
  const dispatcher = new OutboxDispatcher(new TableOutboxStore(storage.table('cases')), refs, sender, renderer.render, log, clock, {
    pollMs: config.outboxPollMs,
    maxAttempts: config.outboxMaxAttempts,
    sendTimeoutMs: config.outboxSendTimeoutMs,
    schools: async () => (await directory.schools()).map((s) => s.id),
    // Policy rollouts share one budget well under Teams' per-tenant limit, and go only within the school's hours.
    bulk: { kinds: ROLLOUT_KINDS, perSecond: config.rolloutSendsPerSecond },
    holdUntil: async (item, now) => {
      if (!isRolloutKind(item.kind)) return undefined;
      const hours = (await policies.profileVersion(item.schoolId, (item.payload as RolloutPayload).version))?.rollout?.hours;
      const open = hours ? nextOpening(hours, now) : now;
      return open > now ? open.toISOString() : undefined;
    },
  });
  // Someone new in the directory gets the current policy (issue of its own: keep this hook small).
  directory.onJoin((m) => rollout.newStarter(m).catch((e: Error) => log.warn({ schoolId: m.schoolId, errorName: e.name }, 'new starter policy card not queued')));
  written.connect(dispatcher);
  const previews = new PreviewStore(storage.evidence, log);
  const evidence = createEvidenceService({ config, storage, log, clock, previews });
  const consent = new ConsentService(new ConsentRepository(storage.table('consent')), clock);
  const posts = new PostService(caseRepo, directory, policies, consent, clock);
  const records = new RecordsRepository(storage.table('cases'), storage.table('records'), storage.evidence);
  const retention = new RetentionService({ store: records, cases: caseRepo, policies, directory, clock });
  const leavers = new LeaverService({ directory, cases: caseRepo, records, refs, roleChanges, clock });
  // Subject access: one source per kind of record that can name a person. Another kind of record is one more source here.
  const subjectAccess = new SubjectAccessService(
    [
      caseSource({ cases: caseRepo, openBlob: async (name) => (await storage.evidence.getBlockBlobClient(name).download()).readableStreamBody! as AsyncIterable<Uint8Array> }),
      consentSource(consent),
      postSource(posts),
      askFeedbackSource(askFeedback),
      directorySource({ member: (s, aad) => directory.member(s, aad), leaver: (s, aad) => records.leaver(s, aad) }),
    ],
    records,
    caseRepo,
    clock,
    () => newId(),
  );
  const services: AppServices = {
    config, log, storage, directory, directoryRepo, caseRepo, cases, declarations, accountRequests, refs, clock, renderer, sender, dispatcher, evidence, previews, enrolment, track, roleChanges, policies, ask, askFeedback, consent, posts, records, retention, subjectAccess, leavers, rollout,
  };

  const conversationState = new ConversationState(new TableStateStorage(storage.table('botState')));
  const rootDialog = new RootDialog(createFlows(services), policies, ask);
  const invokeHandlers = { ...alertInvokeHandlers({ cases, caseRepo, directory, renderer }), ...declarationInvokeHandlers(services), ...accountRequestInvokeHandlers(services), ...postInvokeHandlers(services), ...askInvokeHandlers({ directory, feedback: askFeedback, clock, log }), ...addScreenshotsInvokeHandlers(services), ...rolloutInvokeHandlers({ config, policies, directory, rollout, log }) };
  const bot = new SaferSocialBot({
    conversationState,
    rootDialog,
    refs,
    directory,
    enrolment,
    personalChatUrl: personalChatUrl(config.bot.appId),
    log,
    invokeHandlers,
    searchHandlers: { staff: staffSearchHandler(services), pupils: pupilSearchHandler(services) },
  });
  const server = createServer({
    config,
    adapter,
    bot,
    storage,
    log,
    mount: [mountEvidenceRoutes(services), mountPostPhotoRoute(services), mountTabRoutes(services)],
  });

  // Unfinished reports' drafts and screenshots are deleted once no flow can send them (src/domain/retention.ts).
  const sweep = () =>
    track(
      evidence.sweep(DRAFT_RETENTION_MS).then(
        (r) => (r.abandoned || r.sent || r.links ? log.info(r, 'drafts swept') : undefined),
        (e: Error) => log.warn({ errorName: e.name }, 'draft sweep failed; it runs again later'),
      ),
    );
  let sweeper: NodeJS.Timeout | undefined;
  // Records past their retention period are destroyed (or listed for review), leaving a tombstone each.
  const sweepRecords = () =>
    track(
      directory.schools().then((schools) => retention.sweep(schools.map((s) => s.id))).then(
        (r) => (r.destroyed || r.review ? log.info(r, 'records swept') : undefined),
        (e: Error) => log.warn({ errorName: e.name }, 'records sweep failed; it runs again later'),
      ),
    );
  let recordsSweeper: NodeJS.Timeout | undefined;
  // Reminders and notes about the policy that have fallen due (each school only within its hours).
  const remind = () =>
    track(
      rollout.sweep().then(
        (r) => (r.reminders || r.notes ? log.info(r, 'policy reminders queued') : undefined),
        (e: Error) => log.warn({ errorName: e.name }, 'policy reminder sweep failed; it runs again later'),
      ),
    );
  let reminder: NodeJS.Timeout | undefined;

  return {
    server,
    storage,
    log,
    start: () =>
      new Promise((resolve) => {
        server.listen(config.port, config.host, () => {
          dispatcher.start();
          sweeper = setInterval(sweep, DRAFT_SWEEP_EVERY_MS);
          sweeper.unref();
          sweep();
          recordsSweeper = setInterval(sweepRecords, RECORDS_SWEEP_EVERY_MS);
          recordsSweeper.unref();
          sweepRecords();
          reminder = setInterval(remind, config.rolloutSweepMs);
          reminder.unref();
          resolve(server.url);
        });
      }),
    stop: async () => {
      if (sweeper) clearInterval(sweeper);
      if (recordsSweeper) clearInterval(recordsSweeper);
      if (reminder) clearInterval(reminder);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.stop();
      await Promise.allSettled([...background]);
    },
  };
}
