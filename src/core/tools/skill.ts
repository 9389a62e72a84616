/**
 * skill: loads a skill's instructions into the conversation. The listing (a reminder) shows only
 * names and descriptions; this tool brings in the body, once per conversation, with the skill's
 * folder and the arguments substituted. Built per window/CLI run around its SkillCatalog.
 */
import { z } from 'zod';
import { GENERAL_AGENT } from '../agents/builtins';
import { subagentScope } from '../agents/scope';
import type { Subagents } from '../agents/subagents';
import { toPermissionRules } from '../skills/allowedTools';
import { closestNames, type SkillCatalog } from '../skills/catalog';
import { isListable } from '../skills/listing';
import { renderSkill } from '../skills/render';
import type { Skill } from '../skills/types';
import { defineTool, toolError, type ToolContext, type ToolDefinition, type ToolResult } from './tool';

/**
 * `subagents`: where `context: fork` skills run, as a `general` subagent whose prompt is the
 * rendered skill; without it (or inside a subagent that may not nest) they run inline.
 */
export function createSkillTool(catalog: SkillCatalog, subagents?: Subagents): ToolDefinition<{ name: string; args?: string }> {
  return defineTool({
    name: 'skill',
    description: [
      'Loads a skill: instructions (and sometimes scripts or reference files) for one kind of task, listed by name and description in the',
      'skills reminders. When a listed skill matches the task, call this first, before doing the task yourself, then follow what it returns.',
      'Do not call it for a skill that is already loaded in this conversation; its instructions are already above.',
    ].join(' '),
    input: z.object({
      name: z.string().min(1).describe('The skill\'s name exactly as listed, e.g. "release-notes".'),
      args: z.string().optional().describe('Arguments for the skill, as the user would type them after /name (optional).'),
    }),
    // It changes only the conversation's own state; any pre-approved tools still pass the permission layer.
    readOnly: true,
    async run(input, ctx) {
      const name = input.name.trim().replace(/^\//, '');
      const skill = catalog.current.skills.find((s) => s.name === name);
      if (!skill) {
        const close = closestNames(name, catalog.current.skills.filter(isListable).map((s) => s.name));
        return toolError(`No skill named "${name}".${close.length ? ` Closest: ${close.join(', ')}.` : ''} Use a name from the skills listed in the reminders.`);
      }
      if (skill.disabled) return toolError(`The skill "${name}" is turned off by the user; do the task without it.`);
      if (skill.disableModelInvocation) return toolError(`The skill "${name}" has disable-model-invocation set: only the user can run it with /${name}.`);
      if (skill.context === 'fork' && subagents) {
        const scope = subagentScope<Subagents>(ctx.session);
        const runner = scope ? scope.nested : subagents;
        if (runner) return runForked(skill, input.args ?? '', runner, ctx);
      }
      let loaded: { text: string; alreadyLoaded: boolean };
      try {
        loaded = await catalog.load(skill, input.args ?? '', ctx.session);
      } catch (err) {
        return toolError(`The skill "${name}" could not be loaded from ${skill.file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const fork = skill.context === 'fork' && !loaded.alreadyLoaded
        ? 'This skill asks to run in a subagent (context: fork); none can be started from here, so run it here, inline.\n\n'
        : '';
      return { content: fork + loaded.text };
    },
  });
}

/**
 * A `context: fork` skill: its rendered body is the prompt of a `general` subagent (with the skill's
 * `model`), and the subagent's final message is the result. The body never enters this
 * conversation; the skill's `allowed-tools` apply to this turn, so to the subagent too.
 */
async function runForked(skill: Skill, args: string, subagents: Subagents, ctx: ToolContext): Promise<ToolResult> {
  let prompt: string;
  try {
    prompt = renderSkill(skill, new TextDecoder().decode(await ctx.fs.readFile(skill.file)), args);
  } catch (err) {
    return toolError(`The skill "${skill.name}" could not be loaded from ${skill.file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { rules, problems } = toPermissionRules(skill.allowedTools);
  for (const p of problems) ctx.log.warn(`skills: ${skill.file}: ${p}`);
  for (const r of rules) if (!ctx.session.turnRules.includes(r)) ctx.session.turnRules.push(r);
  const model = skill.model && skill.model !== 'inherit' ? skill.model : undefined;
  const result = await subagents.run(GENERAL_AGENT, { description: `skill ${skill.name}${args.trim() ? ` ${args.trim()}` : ''}`.slice(0, 120), prompt, model }, ctx);
  return { content: `The skill "${skill.name}" ran in a subagent (context: fork). Its report:\n\n${result.content}`, isError: result.isError };
}
