/**
 * How long unfinished work is kept. A report, declaration or account request that is started but not
 * sent is personal (and often sensitive) data with no purpose once abandoned: the flow ends itself after
 * UNFINISHED_FLOW_MAX_AGE_MS (the person is told), and the sweeper deletes any draft and its screenshots
 * a day after that, so nothing is deleted under a flow that could still be sent.
 */
const DAY = 24 * 60 * 60 * 1000;
export const UNFINISHED_FLOW_MAX_AGE_MS = 7 * DAY;
export const DRAFT_RETENTION_MS = UNFINISHED_FLOW_MAX_AGE_MS + DAY;
/** How often the sweeper runs. */
export const DRAFT_SWEEP_EVERY_MS = 60 * 60 * 1000;
