import * as assert from 'node:assert/strict';
import { z } from 'zod';
import { commandOutputTool } from '../../../../src/core/tools/commandOutput';
import { getDiagnosticsTool } from '../../../../src/core/tools/getDiagnostics';
import { documentSymbolsTool, findReferencesTool, goToDefinitionTool } from '../../../../src/core/tools/languageTools';
import { runCommandTool } from '../../../../src/core/tools/runCommand';
import { todoWriteTool } from '../../../../src/core/tools/todoWrite';

describe('command, diagnostics, todo and language tools: what the model is told', () => {
  const tools = [runCommandTool, commandOutputTool, getDiagnosticsTool, todoWriteTool, goToDefinitionTool, findReferencesTool, documentSymbolsTool];

  it('have snake_case names and the read-only flags that decide parallel runs', () => {
    assert.deepEqual(tools.map((t) => [t.name, t.readOnly]), [
      ['run_command', false], ['command_output', true], ['get_diagnostics', true], ['todo_write', true],
      ['go_to_definition', true], ['find_references', true], ['document_symbols', true],
    ]);
  });

  it('turn into JSON schemas where every field is described', () => {
    for (const tool of tools) {
      const schema = z.toJSONSchema(tool.input) as { type: string; properties: Record<string, { description?: string }> };
      assert.equal(schema.type, 'object', tool.name);
      for (const [field, property] of Object.entries(schema.properties)) {
        assert.ok(property.description, `${tool.name}.${field} has no description`);
      }
      assert.ok(tool.description.length > 50, `${tool.name} explains itself`);
    }
  });
});
