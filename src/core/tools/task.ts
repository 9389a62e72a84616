/**
 * task: starts a subagent for a self-contained piece of work and returns its one final message.
 * Built per conversation around its Subagents (agents/subagents.ts). Read-only when the chosen
 * agent is read-only, so several read-only tasks in one answer run in parallel (at most 10).
 */
import { z } from 'zod';
import { agentListing } from '../agents/builtins';
import { subagentScope } from '../agents/scope';
import type { Subagents } from '../agents/subagents';
import { TASK_TOOL_NAME } from '../agents/types';
import { closestNames } from '../skills/catalog';
import { defineTool, toolError, type ToolDefinition } from './tool';

export interface TaskInput {
  agent: string;
  description: string;
  prompt: string;
}

const INTRO = [
  'Starts a subagent: another agent with a fresh context (it does not see this conversation), its own instructions and a',
  'scoped set of tools, that works on one task and returns one final message. Use it for open-ended searches that would',
  'take many reads, for planning, or for a self-contained side task, to keep this conversation short. Put everything it',
  'needs in `prompt` (paths, what you know, what to return), since it sees nothing else. Start several read-only tasks',
  'in one answer to run them in parallel. Its answer is not shown to the user: tell the user what matters. Agent types:',
].join(' ');

export function createTaskTool(subagents: Subagents): ToolDefinition<TaskInput> {
  return defineTool({
    name: TASK_TOOL_NAME,
    // Read when the request is built: the listing follows the agent types without a restart.
    get description() {
      return `${INTRO}\n${agentListing(subagents.agents())}`;
    },
    input: z.object({
      agent: z.string().min(1).describe('The agent type, exactly as listed, e.g. "explore".'),
      description: z.string().min(1).max(120).describe('What it is for, in 3 to 8 words (shown to the user), e.g. "Find the retry policy".'),
      prompt: z.string().min(1).describe('The task, complete and self-contained: what to do, what you already know, and what to report back.'),
    }),
    readOnly: (input) => subagents.find(input.agent)?.readOnly === true,
    async run(input, ctx) {
      const scope = subagentScope<Subagents>(ctx.session);
      const runner = scope ? scope.nested : subagents;
      if (!runner) return toolError('A subagent cannot start subagents of its own here. Do the work yourself with the tools you have.');
      const agent = runner.find(input.agent.trim());
      if (!agent) {
        const names = runner.agents().map((a) => a.name);
        const close = closestNames(input.agent.trim(), names);
        return toolError(`No agent type "${input.agent}".${close.length ? ` Closest: ${close.join(', ')}.` : ''} Agent types: ${names.join(', ')}.`);
      }
      const result = await runner.run(agent, { description: input.description.trim(), prompt: input.prompt }, ctx);
      return { content: result.content, isError: result.isError };
    },
  });
}
