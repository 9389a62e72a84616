import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const minor = (range: string) => Number(/1\.(\d+)/.exec(range)?.[1]);

describe('package.json', () => {
  it('@types/vscode is not newer than engines.vscode (vsce refuses to package otherwise)', () => {
    assert.ok(minor(pkg.devDependencies['@types/vscode']) <= minor(pkg.engines.vscode), `${pkg.devDependencies['@types/vscode']} vs ${pkg.engines.vscode}`);
  });

  it('reverie.baseUrl cannot be set by a workspace, so a cloned repo cannot redirect the API key', () => {
    const scope = pkg.contributes.configuration.properties['reverie.baseUrl'].scope;
    assert.ok(['machine', 'application'].includes(scope), `scope is ${scope}`);
  });

  it('every contributed command is registered somewhere in src/', () => {
    const sources = (function walk(dir: string): string[] {
      return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [fs.readFileSync(path.join(dir, e.name), 'utf8')] : []);
    })(path.join(root, 'src')).join('\n');
    const registered = new Set([...sources.matchAll(/(?:registerCommand|command)\(\s*'(reverie\.[A-Za-z.]+)'/g)].map((m) => m[1]));
    const missing = pkg.contributes.commands.map((c: { command: string }) => c.command).filter((id: string) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('has the views the user is promised: a Reverie container with the chat, and Reverie Memory in the Explorer', () => {
    assert.equal(pkg.contributes.viewsContainers.activitybar[0].title, 'Reverie');
    assert.equal(pkg.contributes.views.reverie[0].type, 'webview');
    assert.equal(pkg.contributes.views.explorer[0].name, 'Reverie Memory');
  });
});

describe('workspace trust', () => {
  it('Reverie stays available in Restricted Mode, with its settings taken only from the user there', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.deepEqual([...trust.restrictedConfigurations].sort(), ['reverie.baseUrl', 'reverie.fix.testCommand', 'reverie.memory.location', 'reverie.model', 'reverie.permissions.allow']);
    assert.equal(pkg.contributes.configuration.properties['reverie.permissions.defaultMode'].scope, 'application', 'a workspace cannot choose the mode');
    assert.ok(!pkg.contributes.configuration.properties['reverie.permissions.defaultMode'].enum.includes('bypass'), 'bypass is never a default');
  });
});

describe('packaging', () => {
  it('the .vsix holds only the bundles, media and docs: no sources, source maps or node_modules', function () {
    this.timeout(60_000);
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const files = execFileSync(path.join(root, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(files.includes('package.json') && files.includes('README.md'), files.join(', '));
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/extension\.js|dist\/lsp\/server\.js|dist\/webview\/chat\.(js|css)|media\/[\w.-]+|resources\/skills\/[\w-]+\/[\w.-]+)$/.test(f));
    assert.deepEqual(unexpected, []);
  });
});
