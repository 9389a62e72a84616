// Builds the extension host bundle and the chat webview bundle with one esbuild call each.
//   node esbuild.mjs                 development build with source maps
//   node esbuild.mjs --production    minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch         rebuild on change
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: production ? 'none' : 'inline',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  metafile: process.argv.includes('--metafile'),
};

const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { 'lsp/server': 'src/lsp/server.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { chat: 'webview-ui/main.ts' }, // main.ts imports chat.css, emitted as chat.css
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// A release build starts from an empty dist/, so no development source map is left to be packaged.
if (production) fs.rmSync('dist', { recursive: true, force: true });

if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  const results = await Promise.all(targets.map((options) => esbuild.build(options)));
  if (common.metafile) for (const r of results) console.log(await esbuild.analyzeMetafile(r.metafile));
}
