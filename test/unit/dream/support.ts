import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDreamer, type DreamerDeps } from '../../../src/core/dream/dreamer';
import type { DreamPlaces } from '../../../src/core/dream/store';
import { DEFAULT_DREAM_SETTINGS, type Dreamer } from '../../../src/core/dream/types';
import type { Logger } from '../../../src/core/ports';
import { NodeCommandRunner } from '../../../src/node/nodeCommandRunner';
import { NodeDreamStore } from '../../../src/node/dreamStore';
import { NodeFileSearch } from '../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { searchHistory } from '../../../src/node/nodeTranscripts';
import { fakeAccess } from '../fakes';

/** A workspace, a memory folder, transcripts and dream folders, all under one temporary home. */
export interface DreamWorld {
  home: string;
  places: DreamPlaces;
  put(rel: string, text: string): string;
  dispose(): void;
}

export function dreamWorld(): DreamWorld {
  const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-dream-')));
  const root = path.join(home, 'ws');
  fs.mkdirSync(root, { recursive: true });
  const base = path.join(home, '.reverie', 'projects', 'ws-key');
  const places: DreamPlaces = {
    memoryDir: path.join(base, 'memory'), transcriptsDir: path.join(base, 'sessions'),
    stagingRoot: path.join(base, 'dream', 'staging'), snapshotsRoot: path.join(base, 'dream', 'snapshots'),
    roots: [root], home,
  };
  fs.mkdirSync(places.memoryDir, { recursive: true });
  return {
    home, places,
    put(rel, text) {
      const file = path.isAbsolute(rel) ? rel : path.join(places.memoryDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    dispose: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

/** A transcript file whose mtime is `mtimeMs`, with a few messages grep can find. */
export function putSession(world: DreamWorld, id: string, mtimeMs: number, lines: string[] = []): void {
  const file = path.join(world.places.transcriptsDir, `${id}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const records = [
    { type: 'session', version: 1, id, cwd: world.places.roots[0], startedAt: new Date(mtimeMs).toISOString() },
    ...lines.map((text, i) => ({ type: 'message', time: new Date(mtimeMs).toISOString(), message: { role: i % 2 ? 'assistant' : 'user', content: text } })),
  ];
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.utimesSync(file, new Date(mtimeMs), new Date(mtimeMs));
}

/** sha256 of every file under `dir` (relative path -> hash), the dream's own files included. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out[child] = createHash('sha256').update(fs.readFileSync(path.join(dir, child))).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

export function testDreamer(world: DreamWorld, baseUrl: string, log: Logger, extra: Partial<DreamerDeps> = {}): { dreamer: Dreamer; dispose(): void } {
  const commands = new NodeCommandRunner();
  const dreamer = createDreamer({
    access: fakeAccess(baseUrl), log, fs: new NodeFileSystem(), search: new NodeFileSearch({ ripgrep: false }), commands,
    store: new NodeDreamStore(), places: () => world.places, settings: () => DEFAULT_DREAM_SETTINGS,
    searchHistory: (o) => searchHistory({ root: world.places.transcriptsDir, ...o }),
    ...extra,
    options: { ...extra.options },
  });
  return { dreamer, dispose: () => commands.dispose() };
}

/** A memory topic file with frontmatter. */
export function topic(name: string, description: string, type: string, body: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: ${type}\n---\n${body}\n`;
}
