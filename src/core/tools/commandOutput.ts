/**
 * command_output: what a background command (started by run_command with run_in_background)
 * printed since the last look, and whether it still runs. Each read consumes the output, so
 * polling a dev server shows only what is new. `kill` stops it and its whole process tree.
 */
import { z } from 'zod';
import { defineTool, toolError } from './tool';
import { headTail } from './text';
import { MAX_COMMAND_OUTPUT } from './runCommand';

export const commandOutputTool = defineTool({
  name: 'command_output',
  description: [
    'Reads the new output of a background command started with run_command (run_in_background: true),',
    'i.e. everything printed since the previous command_output call for that id, and says whether it is still running',
    'and its exit code once it ended. With kill: true it stops the command (and everything it started) first.',
    `Output over ${MAX_COMMAND_OUTPUT} characters keeps its beginning and end.`,
  ].join(' '),
  input: z.object({
    id: z.string().min(1).describe('The id run_command returned, e.g. "bg-1".'),
    kill: z.boolean().optional().describe('Stop the command, then return its remaining output.'),
  }),
  // Killing a job the agent itself started touches nothing the user owns; the permission to run
  // it was given when it started.
  readOnly: true,
  async run({ id, kill }, ctx) {
    if (kill && !(await ctx.commands.killBackground(id))) return unknown(id);
    const read = await ctx.commands.readBackground(id);
    if (!read) return unknown(id);

    const output = read.output.trim() === '' ? '(no new output)' : headTail(read.output.replace(/\n+$/, ''), MAX_COMMAND_OUTPUT);
    if (read.running) return { content: `${output}\nStatus: still running.` };
    if (read.exitCode === undefined) {
      return { content: `${output}\nStatus: ${kill ? 'stopped.' : 'ended without an exit code (killed by a signal).'}` };
    }
    const content = `${output}\nStatus: exited. Exit code: ${read.exitCode}`;
    return read.exitCode === 0 || kill ? { content } : toolError(content);
  },
});

function unknown(id: string) {
  return toolError(`No background command has the id "${id}". Ids come from run_command with run_in_background: true (e.g. "bg-1").`);
}
