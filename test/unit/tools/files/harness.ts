/**
 * A temp workspace with the real Node adapters and a fake ToolContext whose authorize records
 * every request and can be told to deny or to hand back the user's own version of an edit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccessRequest, CommandRunner, Diagnostic, Diagnostics } from '../../../../src/core/ports';
import { newToolSession, type Authorization, type ToolContext, type ToolDefinition, type ToolResult, type ToolSession } from '../../../../src/core/tools/tool';
import { NodeFileSearch } from '../../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../../fakes';

/** The ripgrep that code-server ships, where scripts/setup-tools.sh installs it (`npm test` runs that first). */
export const RG_PATH = path.join(process.env.REVERIE_TOOLS ?? path.join(os.homedir(), '.cache', 'reverie', 'tools'), 'code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg');

const noCommands: CommandRunner = {
  run: () => Promise.reject(new Error('no commands in file tool tests')),
  startBackground: () => Promise.reject(new Error('no commands')),
  readBackground: async () => undefined,
  killBackground: async () => false,
};

/** Problems derived from the file's text: every line containing `ERR:` or `WARN:` is one. */
export class TextDiagnostics implements Diagnostics {
  async get(file?: string): Promise<Diagnostic[]> {
    if (!file || !fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
      const m = /(ERR|WARN): (.*)/.exec(line);
      return m ? [{ path: file, line: i + 1, column: m.index + 1, severity: m[1] === 'ERR' ? 'error' as const : 'warning' as const, message: m[2].trim(), source: 'fake' }] : [];
    });
  }
}

export interface Harness {
  /** The workspace root (real path, so comparisons hold on systems where tmp is a symlink). */
  root: string;
  /** A sibling folder outside the workspace. */
  outside: string;
  ctx: ToolContext;
  session: ToolSession;
  requests: AccessRequest[];
  /** How authorize answers; default: granted. */
  answer: (request: AccessRequest) => Authorization;
  abort: AbortController;
  /** Writes a file under root (relative) or at an absolute path, creating folders. */
  put(rel: string, content: string | Uint8Array): string;
  get(rel: string): string;
  run<I>(tool: ToolDefinition<I>, input: unknown): Promise<ToolResult>;
  dispose(): void;
}

export function harness(options: { rgPath?: string; ripgrep?: boolean; diagnostics?: Diagnostics } = {}): Harness {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-files-')));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  const session: ToolSession = newToolSession(path.join(base, 'session'));
  const abort = new AbortController();
  const h: Harness = {
    root,
    outside,
    session,
    requests: [],
    answer: () => ({ granted: true }),
    abort,
    ctx: undefined as unknown as ToolContext,
    put(rel, content) {
      const file = path.resolve(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    get: (rel) => fs.readFileSync(path.resolve(root, rel), 'utf8'),
    async run(tool, input) {
      const parsed = tool.input.parse(input);
      return tool.run(parsed, h.ctx);
    },
    dispose: () => fs.rmSync(base, { recursive: true, force: true }),
  };
  h.ctx = {
    cwd: root,
    roots: [root],
    signal: abort.signal,
    fs: new NodeFileSystem(),
    search: new NodeFileSearch({ rgPath: options.rgPath, ripgrep: options.ripgrep ?? options.rgPath !== undefined }),
    commands: noCommands,
    diagnostics: options.diagnostics,
    session,
    log: new MemoryLogger(),
    async authorize(request) {
      h.requests.push(request);
      return h.answer(request);
    },
  };
  return h;
}

/** Sets a file's mtime to `secondsAgo` in the past (for newest-first ordering and staleness). */
export function age(file: string, secondsAgo: number) {
  const t = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, t, t);
}
