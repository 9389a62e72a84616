/**
 * exit_plan_mode: in plan mode, the agent hands its finished plan to the user. The editor opens it
 * as a markdown document with Approve / Another round; nothing is executed until the user approves
 * (which switches the mode and tells the agent). Offered in every mode so the tool list (and the
 * prompt cache) does not change with the mode, but refused outside plan mode: there is nothing to exit.
 */
import { z } from 'zod';
import type { PermissionMode } from '../permissions/types';
import { defineTool, toolError, type ToolDefinition, type ToolSession } from './tool';

export const EXIT_PLAN_MODE_TOOL_NAME = 'exit_plan_mode';

export interface PlanPresenter {
  /** The window's permission mode, read at each call. */
  mode(): PermissionMode;
  /** Shows the plan for review (a document in an editor and a card in the panel); says where, for the model. */
  present(plan: string, session: ToolSession): Promise<{ shownAs: string }>;
}

export function createExitPlanModeTool(presenter: PlanPresenter): ToolDefinition<{ plan: string }> {
  return defineTool({
    name: EXIT_PLAN_MODE_TOOL_NAME,
    description: [
      'Only in plan mode: when you have finished exploring and your plan is ready, call this with the plan as markdown',
      '(numbered steps, the files to change and how, how to verify). The user reviews it in an editor, may edit it, and',
      'either approves it (you are then told to execute it, in a mode that allows edits) or asks for another round with',
      'comments. After calling it, stop and wait for the answer: do not start on the plan. Do not use it outside plan mode.',
    ].join(' '),
    input: z.object({
      plan: z.string().describe('The plan, in markdown: steps, files to change, how to check the result.'),
    }),
    readOnly: true,
    async run(input, ctx) {
      const mode = presenter.mode();
      if (mode !== 'plan') {
        return toolError(`exit_plan_mode is only for plan mode, and the permission mode is "${mode}". There is no plan to hand over: carry on with the task directly.`);
      }
      const plan = input.plan.trim();
      if (!plan) return toolError('The plan is empty. Call exit_plan_mode again with the plan as markdown in `plan`.');
      const { shownAs } = await presenter.present(plan, ctx.session);
      return {
        content: `The plan was shown to the user (${shownAs}) with Approve and Another round. Stop here: end your answer in one short ` +
          'sentence and wait. The user\'s decision comes as the next message, with the plan as they left it.',
      };
    },
  });
}
