import type { Logger, ModelAccess } from '../../src/core/ports';

/** A Logger that keeps lines for assertions (and for checking that secrets never reach it). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string) { this.lines.push(`debug ${m}`); }
  info(m: string) { this.lines.push(`info ${m}`); }
  warn(m: string) { this.lines.push(`warn ${m}`); }
  error(m: string) { this.lines.push(`error ${m}`); }
}

/** Model access with a key that tests can change; '' means no key. */
export function fakeAccess(baseUrl: string, key: string | undefined = 'test-key', model = 'claude-test'): ModelAccess & { key: string | undefined } {
  return {
    key,
    async apiKey() { return this.key || undefined; },
    baseUrl: () => baseUrl,
    model: () => model,
  };
}

import { Conversation, type ConversationDeps } from '../../src/core/session/conversation';
import type { ToolContext, ToolDefinition } from '../../src/core/tools/tool';

/** A Conversation on the mock server with instant retry waits and, optionally, some tools. */
export function testConversation(access: ModelAccess, log: Logger, tools: ToolDefinition[] = [], extra: Partial<ConversationDeps> = {}): Conversation {
  return new Conversation({
    access,
    log,
    tools,
    toolContext: (signal, progress, session) => ({ signal, progress, session, cwd: '/tmp', roots: ['/tmp'] } as unknown as ToolContext),
    sessionDir: () => '/tmp/reverie-test-session',
    options: { sleep: async () => true },
    ...extra,
  });
}
