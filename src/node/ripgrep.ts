import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * VS Code ships ripgrep for its own search; using that copy means Reverie needs no binary of its
 * own and searches exactly like the Search view. Where it lives has moved between releases.
 */
export function findRipgrep(appRoot: string): string | undefined {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    path.join(appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', exe),
    path.join(appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', exe),
    // code-server 1.139 bundles every platform's binary in one package.
    path.join(appRoot, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, exe),
  ];
  return candidates.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface RipgrepRun {
  /** rg's exit code: 0 found something, 1 found nothing, 2 an error; undefined when we stopped it. */
  code: number | undefined;
  stderr: string;
}

/**
 * Runs rg and hands over its stdout line by line. `onLine` returns false to stop early (the limit
 * was reached), which kills rg; so does the signal, which then rejects with the signal's reason.
 */
export function runRipgrep(rg: string, args: string[], cwd: string, signal: AbortSignal, onLine: (line: string) => boolean): Promise<RipgrepRun> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const child = spawn(rg, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stopped = false;
    let buffered = '';
    let stderr = '';
    const stop = () => {
      stopped = true;
      child.kill();
    };
    const onAbort = () => stop();
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data: string) => {
      if (stopped) return;
      buffered += data;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!onLine(line)) return stop();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (data: string) => {
      if (stderr.length < 10_000) stderr += data;
    });
    child.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason);
      if (!stopped && buffered) onLine(buffered);
      resolve({ code: stopped ? undefined : (code ?? undefined), stderr: stderr.trim() });
    });
  });
}
