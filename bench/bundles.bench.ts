/**
 * Bundle sizes: what each bundle weighs raw and gzipped (gzip -9, what a download or a cold read
 * off disk roughly costs), in two places:
 *  - dist/ as built by `node esbuild.mjs` (the development build: not minified, inline legal
 *    comments; source maps are not counted): extension host, CLI, language server, webview;
 *  - reverie.vsix, when present (the minified release build from `npm run package`): the archive
 *    and each bundle in it, read from the archive itself. The .vsix is as fresh as the last
 *    `npm run package`; its date is printed.
 * No baseline: the sizes are the figures; the next run's JSON is the comparison.
 *
 *   npm run bench:bundles        (node esbuild.mjs && tsc -p bench && node out/bench/bundles.bench.js)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync, inflateRawSync } from 'node:zlib';
import { fmtBytes, machine, printTable, REPO, writeResult, type Figure } from './results';

interface Size { file: string; raw: number; gzip: number }

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;

function distSizes(): Size[] {
  const files = ['dist/extension.js', 'dist/cli.js', 'dist/lsp/server.js',
    ...['dist/webview'].flatMap((d) => (existsSync(path.join(REPO, d)) ? readdirSync(path.join(REPO, d)).filter((f) => !f.endsWith('.map')).sort().map((f) => `${d}/${f}`) : []))];
  return files.filter((f) => existsSync(path.join(REPO, f))).map((file) => {
    const b = readFileSync(path.join(REPO, file));
    return { file, raw: b.length, gzip: gz(b) };
  });
}

/** The files of a zip archive (stored or deflated), from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + csize);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function main(): void {
  const m = machine();
  const dist = distSizes();
  if (!dist.length) throw new Error('dist/ is empty: run `node esbuild.mjs` first');
  const figures: Figure[] = [];
  const label = (f: string) => ({ 'dist/extension.js': 'extension host', 'dist/cli.js': 'CLI', 'dist/lsp/server.js': 'language server' } as Record<string, string>)[f]
    ?? `webview ${path.basename(f)}`;
  console.log('dist/ (development build, node esbuild.mjs; source maps not counted)\n');
  printTable([['bundle', 'file', 'raw', 'gzip -9'], ...dist.map((s) => [label(s.file), s.file, fmtBytes(s.raw), fmtBytes(s.gzip)])]);

  const vsixPath = path.join(REPO, 'reverie.vsix');
  let shipped: Size[] = [];
  let vsix: { bytes: number; date: string; files: number } | undefined;
  if (existsSync(vsixPath)) {
    const buf = readFileSync(vsixPath);
    const entries = unzip(buf);
    vsix = { bytes: buf.length, date: statSync(vsixPath).mtime.toISOString(), files: entries.size };
    shipped = [...entries].filter(([n]) => /^extension\/dist\/.*\.(js|css)$/.test(n)).sort(([a], [b]) => a.localeCompare(b))
      .map(([n, b]) => ({ file: n.replace(/^extension\//, ''), raw: b.length, gzip: gz(b) }));
    console.log(`\nreverie.vsix (release build, minified; packaged ${vsix.date}): ${fmtBytes(vsix.bytes)}, ${vsix.files} files\n`);
    printTable([['bundle', 'file in the .vsix', 'raw', 'gzip -9'], ...shipped.map((s) => [label(s.file), s.file, fmtBytes(s.raw), fmtBytes(s.gzip)])]);
  } else {
    console.log('\nno reverie.vsix (npm run package makes one): release sizes not measured');
  }

  // The summary shows the release sizes where there are some (what users download), else dist/.
  const main = shipped.length ? shipped : dist;
  const where = shipped.length ? 'release, in .vsix' : 'dev build, dist/';
  const kb = (b: number) => Math.round(b / 102.4) / 10;
  for (const s of main) {
    const devSize = dist.find((d) => d.file === s.file);
    figures.push({
      figure: `bundle: ${label(s.file)} (${where})`, value: kb(s.raw), unit: 'KB',
      text: `${fmtBytes(s.raw)} (gzip ${fmtBytes(s.gzip)})`,
      note: shipped.length && devSize ? `dev build ${fmtBytes(devSize.raw)}` : undefined,
    });
  }
  if (shipped.length) {
    for (const s of dist.filter((d) => !shipped.some((x) => x.file === d.file))) {
      figures.push({ figure: `bundle: ${label(s.file)} (dev build, dist/; not in the .vsix)`, value: kb(s.raw), unit: 'KB', text: `${fmtBytes(s.raw)} (gzip ${fmtBytes(s.gzip)})` });
    }
  }
  if (vsix) figures.push({ figure: 'reverie.vsix', value: kb(vsix.bytes), unit: 'KB', text: `${fmtBytes(vsix.bytes)}, ${vsix.files} files`, note: `packaged ${vsix.date.slice(0, 16).replace('T', ' ')} UTC` });
  writeResult({
    name: 'bundles', title: 'Bundle sizes', reproduce: 'npm run bench:bundles', machine: m, figures,
    detail: { dist, shipped, vsix },
  });
}

main();
