/**
 * The security suite's figures: each corpus adds its counts here, and one root `after` hook prints
 * them together when the suite ends, so a run shows how much was tried, not only that it passed.
 */
const rows = new Map<string, Map<string, number>>();

/** Adds `n` to the counter `name` of the corpus `corpus`. */
export function count(corpus: string, name: string, n = 1): void {
  let row = rows.get(corpus);
  if (!row) rows.set(corpus, (row = new Map()));
  row.set(name, (row.get(name) ?? 0) + n);
}

export function figure(corpus: string, name: string): number {
  return rows.get(corpus)?.get(name) ?? 0;
}

after(function () {
  if (!rows.size) return;
  const lines = ['', '  Security suite figures', '  ----------------------'];
  for (const [corpus, row] of rows) {
    lines.push(`  ${corpus}: ${[...row].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(lines.join('\n'));
});
