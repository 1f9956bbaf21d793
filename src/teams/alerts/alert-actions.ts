import type { Logger } from '../../log.js';
import type { DirectoryService } from '../../domain/directory/directory-service.js';
import type { CaseService } from '../../domain/cases/case-service.js';
import { NotAllowedError, CaseNotFoundError } from '../../domain/cases/case-service.js';
import { together, type OutboundMessage, type Sender, type RefLookup } from '../../domain/cases/outbox-dispatcher.js';
import type { OutboxItem } from '../../domain/cases/types.js';
import type { OutboxRenderer } from '../outbox-renderer.js';
import type { CaseRepository } from '../../storage/case-repository.js';
import { ALERT_VERBS } from './alert-cards.js';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import type { InvokeHandler } from '../bot.js';

interface Deps {
  cases: CaseService;
  caseRepo: CaseRepository;
  directory: DirectoryService;
  renderer: OutboxRenderer;
  sender: Sender;
  refs: RefLookup;
  log: Logger;
  /** Background work (updating other DSLs' cards) is tracked so tests and shutdown can wait for it. */
  track: (p: Promise<unknown>) => void;
}

/** Acknowledge and refresh for the DSL alert card (Universal Actions). */
export function alertInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  /** The message a delivered alert is in, as it should now read: its own card, or every card it was sent with. */
  const messageOf = async (o: OutboxItem, own: OutboundMessage): Promise<OutboundMessage> => {
    if (!o.sharedMessage || o.sharedMessage.length < 2) return own;
    const parts = await Promise.all(
      o.sharedMessage.map(async (caseId) => {
        if (caseId === o.caseId) return own;
        const d = await deps.caseRepo.get(o.schoolId, caseId);
        return d ? deps.renderer.dslAlert(d.case) : undefined;
      }),
    );
    return together(parts.filter((m): m is OutboundMessage => m !== undefined));
  };

  const acknowledge: InvokeHandler = async (ctx) => {
    const data = actionData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Please open the case in the Cases tab.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError('Only a designated safeguarding lead of this school can acknowledge this alert.');
    try {
      const { case: c, first, outbox } = await deps.cases.acknowledgeAlert(actor, data.caseId);
      const msg = await deps.renderer.dslAlert(c);
      if (first) {
        // Every other DSL's copy of the alert is updated in place to show who acknowledged and when. A copy
        // sent with other alerts in one message (a burst) is updated by rewriting the whole message, the
        // acting DSL's included, so that every card in it stays.
        const copies = outbox.filter(
          (o) => o.kind === 'dslAlert' && o.state === 'delivered' && o.activityId && (o.recipient.aadObjectId !== actor.aadObjectId || (o.sharedMessage?.length ?? 0) > 1),
        );
        deps.track(
          Promise.all(
            copies.map(async (o) => {
              const ref = await deps.refs.findByAad(o.recipient.aadObjectId);
              if (!ref) return;
              try {
                await deps.sender.update(ref, o.activityId!, await messageOf(o, msg));
              } catch (e) {
                deps.log.warn({ caseId: c.id, outboxId: o.id, errorName: (e as Error).name }, 'could not update an alert card');
              }
            }),
          ),
        );
      }
      return cardResponse(msg.card!);
    } catch (e) {
      if (e instanceof NotAllowedError) return cardError('Only a designated safeguarding lead of this school can acknowledge this alert.');
      if (e instanceof CaseNotFoundError) return cardError('That case could not be found.');
      throw e;
    }
  };

  const refresh: InvokeHandler = async (ctx) => {
    const data = actionData(ctx);
    if (!data) return cardError('This card is out of date or damaged.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError('You cannot see this alert.');
    const d = await deps.caseRepo.get(data.schoolId, data.caseId);
    if (!d) return cardError('That case could not be found.');
    try {
      await deps.cases.getVisible(actor, data.caseId);
    } catch {
      return cardError('You cannot see this alert.');
    }
    return cardResponse((await deps.renderer.dslAlert(d.case)).card!);
  };

  return { [ALERT_VERBS.acknowledge]: acknowledge, [ALERT_VERBS.refresh]: refresh };
}
