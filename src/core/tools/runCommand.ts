/**
 * run_command: one shell command line in the workspace, after the permission layer (and maybe
 * the user) allowed that exact line. Output streams to the UI while it runs; the model gets it
 * once the command ends, cut to its head and tail, with the exit code or why it stopped.
 */
import { z } from 'zod';
import type { CommandResult } from '../ports';
import { defineTool, toolError, type ToolContext, type ToolResult } from './tool';
import { errorMessage, headTail } from './text';

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_TIMEOUT_MS = 600_000;
/** What the model sees of one command's output: enough for a test report, not a whole log. */
export const MAX_COMMAND_OUTPUT = 30_000;

const input = z.object({
  command: z.string().min(1).describe('The command line to run, e.g. `npm test -- --grep parser`. Runs in a non-interactive shell.'),
  description: z.string().optional().describe('What the command does, in 5-10 words, shown to the user (e.g. "Run the parser unit tests").'),
  timeout_ms: z.number().int().min(1000).max(MAX_TIMEOUT_MS).optional()
    .describe(`Stop the command after this many milliseconds (default ${DEFAULT_TIMEOUT_MS}, max ${MAX_TIMEOUT_MS}).`),
  run_in_background: z.boolean().optional()
    .describe('Start it and return at once with an id (for servers, watchers, long builds); read its output with command_output.'),
});

export const runCommandTool = defineTool({
  name: 'run_command',
  description: [
    'Runs a shell command line in the working folder and returns its output (stdout and stderr interleaved) and exit code.',
    'Use it for builds, tests, git, package managers and other programs. Prefer the file tools for reading, searching and editing files.',
    'Each call is a fresh shell: `cd` and exported variables do not carry over; chain with `&&` instead.',
    'Commands are non-interactive (no stdin; pagers are disabled): pass flags like `--yes` or `--no-edit` where a program would prompt.',
    `Output over ${MAX_COMMAND_OUTPUT} characters keeps its beginning and end. The command is stopped after timeout_ms (default 2 minutes).`,
    'For servers and watchers that never exit, set run_in_background and read them with command_output.',
  ].join('\n'),
  input,
  readOnly: false,
  async run({ command, timeout_ms, run_in_background }, ctx) {
    const auth = await ctx.authorize({ kind: 'command', tool: 'run_command', command, cwd: ctx.cwd });
    if (!auth.granted) return toolError(`The command was not run: permission denied (${auth.reason}).`);

    if (run_in_background) return startInBackground(command, ctx);

    const timeoutMs = timeout_ms ?? DEFAULT_TIMEOUT_MS;
    let result: CommandResult;
    try {
      result = await ctx.commands.run(command, {
        cwd: ctx.cwd,
        timeoutMs,
        signal: ctx.signal,
        onOutput: ctx.progress && ((chunk) => ctx.progress!(chunk)),
      });
    } catch (err) {
      return toolError(`The command could not be started: ${errorMessage(err)}`);
    }
    return formatResult(result, timeoutMs);
  },
});

async function startInBackground(command: string, ctx: ToolContext): Promise<ToolResult> {
  let id: string;
  try {
    id = await ctx.commands.startBackground(command, { cwd: ctx.cwd });
  } catch (err) {
    return toolError(`The command could not be started: ${errorMessage(err)}`);
  }
  return {
    content: `Started in the background with id ${id}. Read its output with command_output {"id": "${id}"}; `
      + `stop it with command_output {"id": "${id}", "kill": true}.`,
  };
}

function formatResult(result: CommandResult, timeoutMs: number): ToolResult {
  const output = result.output.trim() === '' ? '(no output)' : headTail(result.output.replace(/\n+$/, ''), MAX_COMMAND_OUTPUT);
  if (result.timedOut) {
    return toolError(`${output}\nCommand timed out after ${formatDuration(timeoutMs)} and was stopped; partial output above. `
      + `If it is a server or watcher, run it with run_in_background: true; if it just needs longer, raise timeout_ms (max ${MAX_TIMEOUT_MS}).`);
  }
  if (result.interrupted) return toolError(`${output}\nCommand interrupted by the user; partial output above.`);
  if (result.exitCode === undefined) return toolError(`${output}\nThe command ended without an exit code (killed by a signal, or the terminal did not report one). Do not assume it succeeded; check its effect or run it again.`);
  const content = `${output}\nExit code: ${result.exitCode}`;
  return result.exitCode === 0 ? { content } : toolError(content);
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
