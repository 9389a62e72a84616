/**
 * The one list of the agent's tools. Add a tool here (one file per tool, built with defineTool)
 * and it is offered to the model, in the panel and in the CLI alike.
 */
import { commandOutputTool } from './commandOutput';
import { editFileTool } from './editFile';
import { getDiagnosticsTool } from './getDiagnostics';
import { globTool } from './glob';
import { grepTool } from './grep';
import { documentSymbolsTool, findReferencesTool, goToDefinitionTool } from './languageTools';
import { listFilesTool } from './listFiles';
import { capResult } from './output';
import { readFileTool } from './readFile';
import { runCommandTool } from './runCommand';
import { todoWriteTool } from './todoWrite';
import type { ToolDefinition, ToolResult, ToolSession } from './tool';
import { writeFileTool } from './writeFile';

export const ALL_TOOLS: ToolDefinition[] = [
  readFileTool, writeFileTool, editFileTool, listFilesTool, globTool, grepTool,
  runCommandTool, commandOutputTool, getDiagnosticsTool, todoWriteTool,
  goToDefinitionTool, findReferencesTool, documentSymbolsTool,
];

/** Caps one result (spilling a huge one to the session folder); the loop applies the turn budget. */
export function finalizeToolResult(
  result: ToolResult,
  toolName: string,
  session: ToolSession,
  files: { writeFile(path: string, text: string): Promise<void> },
): Promise<ToolResult> {
  return capResult(result, toolName, session, (p, text) => files.writeFile(p, text));
}
