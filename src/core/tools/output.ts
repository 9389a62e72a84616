/**
 * Output caps, applied once by the tool runner to every tool's result (never inside a tool).
 *
 * A single huge result is not thrown away: it is saved to a file in the session folder and the
 * model gets its head and the path, so it can page through the rest with read_file or grep it.
 * Over a whole turn, ResultBudget stops many medium results from filling the context together.
 */
import * as path from 'node:path';
import { toolError, type ToolResult, type ToolSession } from './tool';

/** Results longer than this are spilled to a file. */
export const MAX_RESULT_CHARS = 50_000;
/** How much of a spilled result the model sees directly. */
export const SPILL_PREVIEW_CHARS = 2_000;
/** Characters of tool results allowed in one turn. */
export const TURN_RESULT_BUDGET = 200_000;

/** Spill files per session, numbered so each call gets its own. */
const spillCounts = new WeakMap<ToolSession, number>();

/**
 * `result` if it is at most 50,000 characters; otherwise its first ~2 KB, with where the whole
 * output was saved (`<session.dir>/tool-results/<tool>-<n>.txt`) and how to read it.
 */
export async function capResult(
  result: ToolResult,
  toolName: string,
  session: ToolSession,
  writeSpill: (path: string, text: string) => Promise<void>,
): Promise<ToolResult> {
  const text = result.content;
  if (text.length <= MAX_RESULT_CHARS) return result;
  const n = (spillCounts.get(session) ?? 0) + 1;
  spillCounts.set(session, n);
  const file = path.join(session.dir, 'tool-results', `${toolName}-${n}.txt`);
  const preview = head(text, SPILL_PREVIEW_CHARS);
  const size = `${text.length.toLocaleString('en-US')} characters, ${text.split('\n').length.toLocaleString('en-US')} lines`;
  let note: string;
  try {
    await writeSpill(file, text);
    note =
      `[Output too long to show whole (${size}); above are the first ${preview.length.toLocaleString('en-US')} characters. ` +
      `The full output is saved in ${file}. Read it with read_file (path ${JSON.stringify(file)} with offset and limit, ` +
      'e.g. offset 1 and limit 500), or search it with grep.]';
  } catch (err) {
    note = `[Output too long to show whole (${size}); only the first ${preview.length.toLocaleString('en-US')} characters are above. ` +
      `Saving the rest failed (${err instanceof Error ? err.message : String(err)}); ask for less output.]`;
  }
  return { content: `${preview}\n…\n\n${note}`, isError: result.isError };
}

/** The first `max` characters, ending at a line break when one is reasonably near. */
function head(text: string, max: number): string {
  const cut = text.slice(0, max);
  const lineEnd = cut.lastIndexOf('\n');
  return lineEnd >= max / 2 ? cut.slice(0, lineEnd) : cut;
}

/**
 * The tool-result allowance of one turn (create one per turn). `take` passes a result through while
 * it fits in what is left, and otherwise replaces it with a note that the budget is spent.
 */
export class ResultBudget {
  private used = 0;

  constructor(readonly limit: number = TURN_RESULT_BUDGET) {}

  get remaining(): number {
    return this.limit - this.used;
  }

  take(result: ToolResult): ToolResult {
    const size = result.content.length;
    if (size <= this.remaining) {
      this.used += size;
      return result;
    }
    return toolError(
      `This result (${size.toLocaleString('en-US')} characters) was left out: this turn's budget for tool output ` +
        `(${this.limit.toLocaleString('en-US')} characters) is spent, ${this.remaining.toLocaleString('en-US')} left. ` +
        'Be more selective: ask for less (offset/limit, head_limit, a narrower path or pattern), or work with what you already have.',
    );
  }
}
