/**
 * Command patterns in rules: `npm test:*` is `npm test` or `npm test ...` (a prefix that ends on a
 * word boundary, so it never matches `npm testing`); anything else must match the whole command,
 * with `*` standing for any text. Patterns are matched against one normalised part at a time,
 * never the raw line, so a `*` cannot reach across `&&` into another command.
 */

interface CompiledPattern {
  regex: RegExp;
  /** The pattern without its `:*` suffix, whitespace collapsed. */
  base: string;
  prefix: boolean;
}

const cache = new Map<string, CompiledPattern>();

function compile(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    const collapsed = pattern.trim().replace(/\s+/g, ' ');
    const prefix = collapsed.endsWith(':*');
    const base = prefix ? collapsed.slice(0, -2).trimEnd() : collapsed;
    const body = base.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    compiled = { regex: new RegExp(`^${body}${prefix ? '( .*)?' : ''}$`, 's'), base, prefix };
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Whether one normalised command part matches a rule's command pattern. */
export function matchesCommandPattern(pattern: string, text: string): boolean {
  return compile(pattern).regex.test(text);
}

/**
 * Whether a part whose text is only known up to `known` (the words before a `$VAR`, a glob, or
 * xargs' appended input) could turn out to match the pattern. At run time the unknown rest is
 * either empty or follows a space. Errs on the side of "might": a yes only costs a question.
 */
export function mightMatchCommandPattern(pattern: string, known: string): boolean {
  const { base, prefix } = compile(pattern);
  if (known === '') return true;
  if (base.includes('*')) {
    const literal = base.slice(0, base.indexOf('*'));
    return literal.startsWith(known) || known.startsWith(literal);
  }
  if (base === known || base.startsWith(`${known} `)) return true;
  return prefix && known.startsWith(`${base} `);
}
