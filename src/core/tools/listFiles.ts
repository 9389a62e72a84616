/**
 * list_files: a folder as an indented tree, folders first, what .gitignore hides left out.
 *
 * The walk is breadth-first so that, when the 1,000-entry cap cuts it, the upper levels are whole
 * and only the deepest ones are missing: the model can then list a subfolder for the rest.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { FileSystem } from '../ports';
import { decodeText } from './fileText';
import { IgnoreRules, type IgnoreReader } from './ignoreRules';
import { authorizeRead, resolvePath } from './paths';
import { defineTool, toolError } from './tool';

export const MAX_LIST_ENTRIES = 1000;

interface Node {
  name: string;
  kind: 'file' | 'directory' | 'other';
  children?: Node[];
}

export const listFilesTool = defineTool({
  name: 'list_files',
  description:
    'Lists a folder as an indented tree (folders first, marked with a trailing /), down to the given depth ' +
    '(default 2). Files ignored by .gitignore and the .git folder are left out. At most 1,000 entries; list a ' +
    'subfolder or use glob for more. Use glob to find files by name pattern anywhere.',
  input: z.object({
    path: z.string().optional().describe('The folder (default: the working folder): relative, absolute, or starting with ~/.'),
    depth: z.number().int().min(1).max(20).optional().describe('How many levels to show (default 2; 1 = only the folder\'s own entries).'),
  }),
  readOnly: true,
  async run(input, ctx) {
    const p = await resolvePath(ctx, input.path ?? '.');
    const refusal = await authorizeRead(ctx, 'list_files', p);
    if (refusal) return refusal;
    const stat = await ctx.fs.stat(p.real);
    if (!stat) return toolError(`${p.display} does not exist.`);
    if (stat.kind !== 'directory') return toolError(`${p.display} is a file, not a folder. Use read_file to read it.`);

    const depth = input.depth ?? 2;
    const reader = portReader(ctx.fs);
    const root: Node = { name: p.display, kind: 'directory', children: [] };
    let queue: Array<{ node: Node; dir: string; rules: IgnoreRules; level: number }> = [
      { node: root, dir: p.real, rules: await IgnoreRules.above(p.real, reader), level: 1 },
    ];
    let count = 0;
    let capped = false;
    while (queue.length && !capped) {
      const next: typeof queue = [];
      for (const { node, dir, rules, level } of queue) {
        ctx.signal.throwIfAborted();
        let entries: Awaited<ReturnType<FileSystem['readDirectory']>>;
        try {
          entries = await ctx.fs.readDirectory(dir);
        } catch {
          continue; // unreadable folder: shown, but empty
        }
        const inner = entries.some((e) => e.name === '.gitignore') ? await rules.child(dir, reader) : rules;
        const kept = entries
          .filter((e) => !inner.ignores(path.join(dir, e.name), e.kind === 'directory'))
          .sort((a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.name.localeCompare(b.name));
        for (const e of kept) {
          if (count === MAX_LIST_ENTRIES) {
            capped = true;
            break;
          }
          count++;
          const child: Node = { name: e.name, kind: e.kind };
          node.children!.push(child);
          if (e.kind === 'directory' && level < depth) {
            child.children = [];
            next.push({ node: child, dir: path.join(dir, e.name), rules: inner, level: level + 1 });
          }
        }
        if (capped) break;
      }
      queue = next;
    }

    const lines = [`${root.name}/`];
    render(root.children!, 1, lines);
    if (count === 0) lines.push('  (empty, or everything in it is ignored by .gitignore)');
    if (capped) lines.push(`\n(Stopped at ${MAX_LIST_ENTRIES.toLocaleString('en-US')} entries; list a subfolder, or use glob, to see the rest.)`);
    return { content: lines.join('\n') };
  },
});

function render(nodes: Node[], indent: number, out: string[]) {
  for (const n of nodes) {
    out.push(`${'  '.repeat(indent)}${n.name}${n.kind === 'directory' ? '/' : ''}`);
    if (n.children) render(n.children, indent + 1, out);
  }
}

/** Reads .gitignore files through the port (so the host's view of the workspace is what counts). */
export function portReader(fs: FileSystem): IgnoreReader {
  return {
    async readText(file) {
      try {
        return decodeText(await fs.readFile(file)).text;
      } catch {
        return undefined;
      }
    },
    exists: async (file) => (await fs.stat(file)) !== undefined,
  };
}
