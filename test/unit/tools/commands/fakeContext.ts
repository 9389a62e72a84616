import type { AccessRequest, CommandRunner, Diagnostics, LanguageFeatures } from '../../../../src/core/ports';
import { newToolSession, type ToolContext, type ToolSession } from '../../../../src/core/tools/tool';
import { MemoryLogger } from '../../fakes';

/** A CommandRunner that fails the test if a tool reaches it (for tools that must not run commands). */
export const unusedCommands: CommandRunner = {
  run: () => Promise.reject(new Error('commands.run was not expected')),
  startBackground: () => Promise.reject(new Error('commands.startBackground was not expected')),
  readBackground: () => Promise.reject(new Error('commands.readBackground was not expected')),
  killBackground: () => Promise.reject(new Error('commands.killBackground was not expected')),
};

export interface FakeContextOptions {
  cwd: string;
  commands?: CommandRunner;
  diagnostics?: Diagnostics;
  language?: LanguageFeatures;
  /** When set, authorize() denies with this reason. */
  deny?: string;
  signal?: AbortSignal;
}

/** A ToolContext whose authorize() records requests (and can deny) and whose progress() records chunks. */
export function fakeContext(options: FakeContextOptions): ToolContext & { requests: AccessRequest[]; chunks: string[] } {
  const session: ToolSession = newToolSession(options.cwd);
  const requests: AccessRequest[] = [];
  const chunks: string[] = [];
  const notHere = () => { throw new Error('the file ports are not used by these tools'); };
  return {
    cwd: options.cwd,
    roots: [options.cwd],
    signal: options.signal ?? new AbortController().signal,
    fs: { stat: notHere, realPath: notHere, readFile: notHere, writeFile: notHere, readDirectory: notHere },
    search: { glob: notHere, grep: notHere },
    commands: options.commands ?? unusedCommands,
    diagnostics: options.diagnostics,
    language: options.language,
    session,
    log: new MemoryLogger(),
    requests,
    chunks,
    async authorize(request) {
      requests.push(request);
      return options.deny === undefined ? { granted: true } : { granted: false, reason: options.deny };
    },
    progress(text) { chunks.push(text); },
  };
}
