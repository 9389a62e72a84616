import type { ToolResult, ToolSession } from '../tools/tool';

/**
 * What a feature (memory, skills, ...) adds to a conversation. Everything that varies per
 * workspace or session arrives as reminder text in user messages and tool results, never in the
 * system prompt, so the prompt prefix stays byte-identical and the cache keeps hitting.
 */
export interface ConversationHooks {
  /** Fixed text for the static system prompt (same in every session). */
  systemAddendum?: string;
  /** Reminder text for the first user message of a conversation. */
  startReminder?(session: ToolSession): Promise<string | undefined>;
  /** Reminder text for a later user message: what changed since the conversation started. */
  nextReminder?(session: ToolSession): Promise<string | undefined>;
  /** Extra context a tool call brings in (appended to its result), e.g. nested instruction files. */
  afterTool?(toolName: string, input: unknown, result: ToolResult, session: ToolSession): Promise<string | undefined>;
}

/** Several features' hooks as one: texts are joined in the order given; a failing hook is skipped. */
export function combineHooks(parts: ReadonlyArray<ConversationHooks | undefined>, onError: (err: unknown) => void = () => {}): Required<ConversationHooks> {
  const hooks = parts.filter((h): h is ConversationHooks => h !== undefined);
  const join = async (texts: Array<Promise<string | undefined> | undefined>) => {
    const settled = await Promise.allSettled(texts.map((t) => t ?? Promise.resolve(undefined)));
    const out: string[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') onError(s.reason);
      else if (s.value) out.push(s.value);
    }
    return out.length ? out.join('\n\n') : undefined;
  };
  return {
    systemAddendum: hooks.map((h) => h.systemAddendum).filter(Boolean).join('\n\n'),
    startReminder: (session) => join(hooks.map((h) => h.startReminder?.(session))),
    nextReminder: (session) => join(hooks.map((h) => h.nextReminder?.(session))),
    afterTool: (name, input, result, session) => join(hooks.map((h) => h.afterTool?.(name, input, result, session))),
  };
}
