import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** The built headless CLI (`node esbuild.mjs` makes it). */
export const CLI = path.resolve(__dirname, '../../../../dist/cli.js');

export interface CliRun { code: number | null; stdout: string; stderr: string; ms: number }

/** Runs the CLI with only PATH and `env` in its environment, and no terminal ("ask" cannot ask). */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}
