import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SESSION_ID, type SessionStore } from '../core/session/sessionStore';

/** Sessions as `<root>/<id>.jsonl`, with spilled outputs in `<root>/<id>/`. */
export class NodeSessionStore implements SessionStore {
  constructor(private readonly root: string) {}

  async load(id: string): Promise<MessageParam[] | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    let text: string;
    try {
      text = await fs.readFile(this.file(id), 'utf8');
    } catch {
      return undefined;
    }
    const messages: MessageParam[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        messages.push(JSON.parse(line) as MessageParam);
      } catch {
        // A torn last line (a crash mid-write) is skipped; everything before it is kept.
      }
    }
    return messages;
  }

  async append(id: string, messages: MessageParam[]): Promise<void> {
    if (!SESSION_ID.test(id)) throw new Error(`invalid session id ${JSON.stringify(id)}`);
    if (!messages.length) return;
    await fs.mkdir(this.root, { recursive: true });
    await fs.appendFile(this.file(id), messages.map((m) => JSON.stringify(m)).join('\n') + '\n', { mode: 0o600 });
  }

  dir(id: string): string {
    return path.join(this.root, id);
  }

  private file(id: string): string {
    return path.join(this.root, `${id}.jsonl`);
  }
}
