import { z } from 'zod';
import type { Logger } from '../ports';
import { isReadOnlyCall, type ToolContext, type ToolDefinition, type ToolResult } from '../tools/tool';
import type { AgentEvent } from './events';

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface ToolCallResult {
  id: string;
  content: string;
  isError: boolean;
}

export interface ToolRunnerDeps {
  tools: ReadonlyMap<string, ToolDefinition>;
  /** A context for one call: the signal is the turn's, progress goes to that call's UI. */
  context(signal: AbortSignal, progress: (text: string) => void): ToolContext;
  /** Output caps, spilling and the per-turn budget, applied once here for every tool (input: the validated call input). */
  finalize?(result: ToolResult, toolName: string, input: unknown): Promise<ToolResult>;
  emit(event: AgentEvent): void;
  log: Logger;
}

/** Read-only calls run together, at most this many at once. */
export const MAX_PARALLEL_READS = 10;

export const INTERRUPTED_RESULT = 'Interrupted by the user before this tool call finished. Nothing more was done for it.';

/**
 * Runs the model's tool calls: consecutive read-only calls in parallel (at most 10), everything
 * else one at a time in the order asked. Every call gets exactly one result, in call order, even
 * when the user interrupts (then the calls not finished get an "interrupted" result).
 */
export async function runToolCalls(calls: ToolCall[], deps: ToolRunnerDeps, signal: AbortSignal): Promise<ToolCallResult[]> {
  const results = new Map<string, ToolCallResult>();
  for (const batch of partition(calls, deps.tools)) {
    if (signal.aborted) break;
    for (let i = 0; i < batch.length; i += MAX_PARALLEL_READS) {
      const slice = batch.slice(i, i + MAX_PARALLEL_READS);
      const done = await Promise.all(slice.map((call) => runOne(call, deps, signal)));
      done.forEach((r) => results.set(r.id, r));
      if (signal.aborted) break;
    }
  }
  return calls.map((call) => results.get(call.id) ?? interrupted(call, deps));
}

/** Groups consecutive read-only calls; every other call is a group of its own. */
function partition(calls: ToolCall[], tools: ReadonlyMap<string, ToolDefinition>): ToolCall[][] {
  const groups: ToolCall[][] = [];
  let lastReadOnly = false;
  for (const call of calls) {
    const readOnly = callIsReadOnly(call, tools);
    const last = groups.at(-1);
    if (readOnly && last && lastReadOnly) last.push(call);
    else groups.push([call]);
    lastReadOnly = readOnly;
  }
  return groups;
}

/** Decided per call: a tool's `readOnly` may depend on its input. Unknown tools and invalid input only produce an error result. */
function callIsReadOnly(call: ToolCall, tools: ReadonlyMap<string, ToolDefinition>): boolean {
  const tool = tools.get(call.name);
  if (!tool || isUnparsed(call.input)) return true;
  if (typeof tool.readOnly === 'boolean') return tool.readOnly;
  const parsed = tool.input.safeParse(call.input);
  return parsed.success ? isReadOnlyCall(tool, parsed.data) : true;
}

async function runOne(call: ToolCall, deps: ToolRunnerDeps, signal: AbortSignal): Promise<ToolCallResult> {
  const tool = deps.tools.get(call.name);
  let result: ToolResult;
  if (!tool) {
    result = { isError: true, content: `There is no tool named "${call.name}". Available tools: ${[...deps.tools.keys()].sort().join(', ')}.` };
  } else if (isUnparsed(call.input)) {
    result = { isError: true, content: `The input for ${call.name} was not valid JSON (it may have been cut off at the output limit). Call the tool again with complete input.` };
  } else {
    const parsed = tool.input.safeParse(call.input);
    if (!parsed.success) {
      result = { isError: true, content: `Invalid input for ${call.name}:\n${z.prettifyError(parsed.error)}\nFix the input and call the tool again.` };
    } else {
      deps.emit({ type: 'tool_call', id: call.id, name: call.name, input: parsed.data });
      try {
        const ctx: ToolContext = { ...deps.context(signal, (text) => deps.emit({ type: 'tool_progress', id: call.id, text })), emit: deps.emit, toolUseId: call.id };
        result = await tool.run(parsed.data, ctx);
      } catch (err) {
        // Tools return expected failures as results; a throw is a bug, but the model can still go on.
        deps.log.error(`tool ${call.name} threw: ${err instanceof Error ? err.stack : String(err)}`);
        result = { isError: true, content: `The ${call.name} tool failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (deps.finalize) result = await deps.finalize(result, call.name, parsed.data);
    }
  }
  const out = { id: call.id, content: result.content, isError: result.isError === true };
  deps.emit({ type: 'tool_result', id: call.id, name: call.name, content: out.content, isError: out.isError });
  return out;
}

function interrupted(call: ToolCall, deps: ToolRunnerDeps): ToolCallResult {
  deps.emit({ type: 'tool_result', id: call.id, name: call.name, content: INTERRUPTED_RESULT, isError: true });
  return { id: call.id, content: INTERRUPTED_RESULT, isError: true };
}

function isUnparsed(input: unknown): boolean {
  return typeof input === 'object' && input !== null && '__unparsed' in input;
}
