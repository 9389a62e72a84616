import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';

/** Where conversations are kept between runs (JSONL, one message a line). */
export interface SessionStore {
  /** The messages of a saved session, or undefined when there is none by that id. */
  load(id: string): Promise<MessageParam[] | undefined>;
  /** Appends messages to a session, creating it if needed. */
  append(id: string, messages: MessageParam[]): Promise<void>;
  /** The folder for a session's spilled tool outputs. */
  dir(id: string): string;
}

/** Session ids are generated here and checked on the way in, so they can never name a path. */
export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function newSessionId(random: () => number = Math.random): string {
  const time = Date.now().toString(36);
  let rand = '';
  while (rand.length < 10) rand += Math.floor(random() * 36).toString(36);
  return `${time}-${rand}`;
}
