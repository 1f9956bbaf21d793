/**
 * The parts of `botbuilder-dialogs` this app uses, imported from their own modules.
 *
 * The package's index also loads every prompt, the choice and date-time recognizers
 * (`@microsoft/recognizers-text-*`, with their large regex tables) and adaptive-expressions. None of that
 * is used here. It would add about 45 MB to the resident memory of every server process (measured:
 * `botbuilder` + the index 142.7 MB RSS after GC, `botbuilder` + these modules 97.1 MB). The difference
 * was the surge benchmark's missing headroom (issue 10). tests/unit/architecture.test.ts keeps
 * `src/` off the index.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog, DialogReason, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
export type { DialogInstance, DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
export type { DialogContext, DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export type { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext.js';
