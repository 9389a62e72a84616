/**
 * `reverie dream`: a dream now, from the terminal.
 *   node dist/cli.js dream [--cwd DIR] [--memory-dir DIR] [--apply] [--force] [--verbose]
 * Without --force it first asks the gate and says why when no dream is due (exit 0). It prints the
 * summary and each changed file with its reason; --apply applies them all (snapshot + dream log),
 * otherwise nothing is changed. Exit 0 when the dream ended (changes or none), 1 when it did not
 * (busy, failed, cancelled, or apply refused), 2 for bad usage.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createDreamer, DreamConflictError } from '../core/dream/dreamer';
import { defaultDreamPlaces } from '../core/dream/store';
import { DEFAULT_DREAM_SETTINGS, type DreamProposal } from '../core/dream/types';
import { projectMemoryDir, transcriptsDir } from '../core/memory/locations';
import { cliLogger } from './cliSupport';
import { NodeCommandRunner } from './nodeCommandRunner';
import { NodeDreamStore } from './dreamStore';
import { NodeFileSearch, findOnPath } from './nodeFileSearch';
import { NodeFileSystem } from './nodeFileSystem';
import { searchHistory } from './nodeTranscripts';

export const DREAM_USAGE = 'usage: reverie dream [--cwd DIR] [--memory-dir DIR] [--apply] [--force] [--model M] [--verbose]';

export async function runDreamCommand(argv: string[], io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) }): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        cwd: { type: 'string' }, 'memory-dir': { type: 'string' }, model: { type: 'string' },
        apply: { type: 'boolean', default: false }, force: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.err(`reverie: ${err instanceof Error ? err.message : String(err)}\n${DREAM_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.out(`${DREAM_USAGE}\n`);
    return 0;
  }
  const cwd = path.resolve(args.cwd ?? process.cwd());
  const fsPort = new NodeFileSystem();
  if ((await fsPort.stat(cwd))?.kind !== 'directory') {
    io.err(`reverie: --cwd ${cwd} is not a folder\n${DREAM_USAGE}\n`);
    return 2;
  }
  const home = os.homedir();
  const inRepo = path.join(cwd, '.reverie', 'memory');
  const memoryDir = args['memory-dir'] ? path.resolve(cwd, args['memory-dir'])
    : (await fsPort.stat(inRepo))?.kind === 'directory' ? inRepo : projectMemoryDir({ home, workspaceRoot: cwd, location: 'private' });
  const sessions = transcriptsDir(home, cwd);
  const places = defaultDreamPlaces({ home, workspaceRoot: cwd, memoryDir, transcriptsDir: sessions });
  const apiKey = process.env.ANTHROPIC_API_KEY?.trim();
  const model = args.model ?? process.env.REVERIE_MODEL ?? 'claude-sonnet-5-5';
  const log = cliLogger(args.verbose === true);
  const commands = new NodeCommandRunner();
  const rgPath = await findOnPath('rg');
  const dreamer = createDreamer({
    access: { apiKey: async () => apiKey, baseUrl: () => process.env.ANTHROPIC_BASE_URL?.trim() || undefined, model: () => model },
    log, fs: fsPort, search: new NodeFileSearch(), commands, store: new NodeDreamStore(),
    places: () => places,
    settings: () => DEFAULT_DREAM_SETTINGS,
    searchHistory: (o) => searchHistory({ root: sessions, rgPath, ...o }),
  });
  try {
    if (!args.force) {
      const gate = await dreamer.isDue();
      if (!gate.due) {
        io.out(`No dream is due: ${gate.why}. Use --force to dream now.\n`);
        return 0;
      }
    }
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const outcome = await dreamer.dream(abort.signal, (text) => io.err(`· ${text}\n`));
    switch (outcome.status) {
      case 'busy': io.err(`reverie: not dreaming: ${outcome.reason}\n`); return 1;
      case 'failed': io.err(`reverie: ${outcome.reason}\n`); return 1;
      case 'cancelled': io.err('reverie: the dream was cancelled; memory is unchanged\n'); return 1;
      case 'nothing':
        io.out(`${outcome.summary}\nNothing needed to change.\n${usageLine(outcome.usage)}\n`);
        return 0;
      case 'proposed': break;
    }
    const proposal = outcome.proposal;
    io.out(describeProposal(proposal));
    if (!args.apply) {
      await dreamer.discard(proposal);
      io.out(`\nNot applied: the memory folder is unchanged. To dream again and apply, run: reverie dream --force --apply${args.cwd ? ` --cwd ${cwd}` : ''}\n`);
      return 0;
    }
    try {
      const done = await dreamer.apply(proposal);
      io.out(`\nApplied ${done.applied.length} changes to ${memoryDir} (snapshot ${done.snapshotId}; see dream-log.md).\n`);
      return 0;
    } catch (err) {
      await dreamer.discard(proposal);
      io.err(`reverie: ${err instanceof DreamConflictError ? err.message : `could not apply: ${err instanceof Error ? err.message : String(err)}`}\n`);
      return 1;
    }
  } finally {
    commands.dispose();
  }
}

export function describeProposal(p: DreamProposal): string {
  const c = p.counts;
  const lines = [
    p.summary || '(no summary)',
    '',
    `Reverie dreamed: ${c.merged} merged, ${c.pruned} pruned, ${c.updated} updated, ${c.created} created (${p.sessions.length} sessions looked at)`,
    ...p.changes.map((ch) => `  ${ch.kind.padEnd(8)} ${ch.file}${ch.reason?.reason ? ` — ${ch.reason.reason}` : ch.kind === 'deleted' ? ' — no reason given' : ''}`),
    usageLine(p.usage),
  ];
  return `${lines.join('\n')}\n`;
}

function usageLine(u: DreamProposal['usage']): string {
  return `Tokens: ${u.inputTokens} in, ${u.outputTokens} out, ${u.cacheCreationInputTokens} cache write, ${u.cacheReadInputTokens} cache read`;
}
