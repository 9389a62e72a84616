import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A real temporary folder; `put` writes files (creating folders), `dispose` removes it all. */
export interface TempDir {
  root: string;
  put(rel: string, content: string | Uint8Array): string;
  dispose(): void;
}

export function tempDir(prefix = 'reverie-memory-'): TempDir {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return {
    root,
    put(rel, content) {
      const file = path.isAbsolute(rel) ? rel : path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
