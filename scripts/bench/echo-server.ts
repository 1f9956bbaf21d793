/**
 * The floor for target 1: the same restify server (src/server.ts), CloudAdapter (src/teams/adapter.ts) and
 * Table-backed conversation state (TableStateStorage + ConversationState) as the real bot, with a bot that
 * only reads its state, echoes the text and writes the state back: one state read, one state write and one
 * reply to the connector per turn, and nothing else. Bundled and run like dist/server.js; configured by
 * the same environment variables (loadConfig), so it cannot differ from the real server by accident.
 */
import { ActivityHandler, ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createStorageClients } from '../../src/storage/clients.js';
import { TableStateStorage } from '../../src/teams/table-state-storage.js';
import { createServer } from '../../src/server.js';

class EchoBot extends ActivityHandler {
  private readonly turns: StatePropertyAccessor<number>;

  constructor(private readonly state: ConversationState) {
    super();
    this.turns = state.createProperty<number>('turns');
    this.onMessage(async (ctx, next) => {
      const n = ((await this.turns.get(ctx, 0)) ?? 0) + 1;
      await this.turns.set(ctx, n);
      await ctx.sendActivity(`echo ${n}: ${ctx.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(ctx: TurnContext): Promise<void> {
    await super.run(ctx);
    await this.state.saveChanges(ctx, false);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const storage = createStorageClients(config.storage);
  await storage.ensure();
  const state = new ConversationState(new TableStateStorage(storage.table('botState')));
  const server = createServer({ config, adapter: createAdapter(config, log), bot: new EchoBot(state), storage, log });
  server.listen(config.port, config.host, () => log.info({ url: server.url }, 'echo server listening'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((e: Error) => {
  process.stderr.write(`echo server failed: ${e.name}: ${e.message}\n`);
  process.exit(1);
});
