/**
 * Light syntax highlighting for code blocks: one small regex tokenizer per family of languages,
 * about 3 KB minified instead of a highlighting library. It only wraps spans of escaped text in
 * `<span class="tok-…">`; the result goes through the same DOMPurify pass as the rest of the
 * markdown. Colours come from the theme (chat.css).
 */

type TokenKind = 'comment' | 'string' | 'number' | 'keyword' | 'literal' | 'type' | 'function' | 'tag' | 'attr' | 'meta' | 'inserted' | 'deleted';

interface Grammar {
  /** Alternatives tried in order at each position; the first group that matches wins. */
  rules: [TokenKind | null, RegExp][];
  keywords?: Set<string>;
  literals?: Set<string>;
}

const words = (s: string) => new Set(s.split(' '));

const C_LIKE_KEYWORDS = words(
  'abstract as async await break case catch class const continue debugger default delete do else enum export extends final finally for from fn func function get go if impl implements import in instanceof interface let loop match mod module mut namespace new package private protected pub public readonly return satisfies set static struct super switch this throw throws trait try type typeof use var void while with yield defer chan select range map where unsafe override virtual using sizeof template typename goto register volatile extern union crate self Self dyn ref move val var fun object when is internal lateinit data sealed companion',
);
const PY_KEYWORDS = words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self print');
const SH_KEYWORDS = words('if then else elif fi for in do done while until case esac function return local export echo exit set unset source cd readonly shift');
const SQL_KEYWORDS = words('select from where and or not insert into values update set delete create table index view drop alter add join left right inner outer on group by order having limit offset as distinct union all primary key foreign references null default is in like between exists case when then else end begin commit rollback');
const LITERALS = words('true false null undefined nil None True False NaN Infinity iota');

const STRINGS: [TokenKind, RegExp] = ['string', /`(?:[^`\\]|\\[\s\S])*`?|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/y];
const NUMBER: [TokenKind, RegExp] = ['number', /\b(?:0x[\da-fA-F_]+|0b[01_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)[a-zA-Z]*\b/y];
const IDENT: [null, RegExp] = [null, /[A-Za-z_$][\w$]*/y];

const GRAMMARS: Record<string, Grammar> = {
  c: {
    rules: [['comment', /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y], ['meta', /#\s*[a-z]+\b[^\n]*/y], ['meta', /@[A-Za-z_]\w*/y], STRINGS, NUMBER, IDENT],
    keywords: C_LIKE_KEYWORDS,
    literals: LITERALS,
  },
  python: {
    rules: [['comment', /#[^\n]*/y], ['string', /(?:[rbfu]{0,2})(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$))/iy], ['meta', /@[A-Za-z_][\w.]*/y], STRINGS, NUMBER, IDENT],
    keywords: PY_KEYWORDS,
    literals: LITERALS,
  },
  shell: {
    rules: [['comment', /(?:^|(?<=\s))#[^\n]*/y], ['meta', /\$\{[^}\n]*\}?|\$[\w@#?$!*-]/y], ['string', /"(?:[^"\\]|\\[\s\S])*"?|'[^']*'?/y], NUMBER, [null, /[A-Za-z_][\w-]*/y]],
    keywords: SH_KEYWORDS,
    literals: LITERALS,
  },
  sql: {
    rules: [['comment', /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y], ['string', /'(?:[^']|'')*'?/y], NUMBER, IDENT],
    keywords: SQL_KEYWORDS,
    literals: LITERALS,
  },
  json: {
    rules: [['attr', /"(?:[^"\\\n]|\\.)*"(?=\s*:)/y], ['string', /"(?:[^"\\\n]|\\.)*"?/y], NUMBER, IDENT],
    literals: LITERALS,
  },
  css: {
    rules: [['comment', /\/\*[\s\S]*?(?:\*\/|$)/y], STRINGS, ['meta', /@[\w-]+/y], ['attr', /[\w-]+(?=\s*:[^;{}]*[;}])/y], ['number', /#[\da-fA-F]{3,8}\b|-?\d*\.?\d+(?:px|em|rem|%|s|ms|vh|vw|fr|deg)?\b/y], [null, /[\w-]+/y]],
  },
  markup: {
    rules: [['comment', /<!--[\s\S]*?(?:-->|$)/y], ['tag', /<\/?[A-Za-z][\w:.-]*|\/?>/y], ['attr', /[\w:.-]+(?==)/y], ['string', /"[^"]*"?|'[^']*'?/y], [null, /[^<"'=\s]+/y]],
  },
  diff: {
    rules: [['inserted', /^\+[^\n]*/my], ['deleted', /^-[^\n]*/my], ['meta', /^@@[^\n]*/my], [null, /[^\n]+/y]],
  },
};

const ALIASES: Record<string, keyof typeof GRAMMARS> = {
  js: 'c', javascript: 'c', jsx: 'c', mjs: 'c', cjs: 'c', ts: 'c', typescript: 'c', tsx: 'c', java: 'c', c: 'c', h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c',
  cs: 'c', csharp: 'c', go: 'c', golang: 'c', rust: 'c', rs: 'c', swift: 'c', kotlin: 'c', kt: 'c', scala: 'c', dart: 'c', php: 'c',
  py: 'python', python: 'python', python3: 'python', rb: 'python', ruby: 'python',
  sh: 'shell', bash: 'shell', zsh: 'shell', shell: 'shell', console: 'shell', shellsession: 'shell', powershell: 'shell', ps1: 'shell', dockerfile: 'shell', makefile: 'shell', yaml: 'shell', yml: 'shell', toml: 'shell', ini: 'shell',
  sql: 'sql', json: 'json', jsonc: 'json', json5: 'json', css: 'css', scss: 'css', less: 'css',
  html: 'markup', xml: 'markup', svg: 'markup', vue: 'markup', svelte: 'markup', diff: 'diff', patch: 'diff',
};

/** Blocks longer than this are shown plain: highlighting is a nicety, never a cost on huge output. */
export const HIGHLIGHT_MAX_CHARS = 20_000;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The grammar for a fence's info string (`ts`, `Python`, `js title="x"`), if we have one. */
export function grammarFor(language: string): string | undefined {
  const name = language.trim().split(/\s+/, 1)[0].toLowerCase();
  return ALIASES[name];
}

/**
 * Escaped HTML for `code` with `<span class="tok-kind">` around tokens, or '' when the language is
 * unknown or the block is too long (the caller then escapes it plainly).
 */
export function highlight(code: string, language: string): string {
  const grammar = GRAMMARS[grammarFor(language) ?? ''];
  if (!grammar || code.length > HIGHLIGHT_MAX_CHARS) return '';
  let out = '';
  let plain = '';
  const flush = () => {
    if (plain) out += escapeHtml(plain);
    plain = '';
  };
  const emit = (kind: TokenKind | null, text: string) => {
    if (!kind) {
      plain += text;
      return;
    }
    flush();
    out += `<span class="tok-${kind}">${escapeHtml(text)}</span>`;
  };
  let i = 0;
  while (i < code.length) {
    let matched = false;
    for (const [kind, re] of grammar.rules) {
      re.lastIndex = i;
      const m = re.exec(code);
      if (!m || m[0].length === 0) continue;
      const text = m[0];
      if (kind === null && re === IDENT[1] || kind === null && grammar.keywords && /^[A-Za-z_]/.test(text)) {
        emit(classifyWord(text, grammar, code, i + text.length), text);
      } else emit(kind, text);
      i += text.length;
      matched = true;
      break;
    }
    if (!matched) plain += code[i++];
  }
  flush();
  return out;
}

function classifyWord(word: string, grammar: Grammar, code: string, end: number): TokenKind | null {
  const lower = grammar === GRAMMARS.sql ? word.toLowerCase() : word;
  if (grammar.keywords?.has(lower)) return 'keyword';
  if (grammar.literals?.has(word)) return 'literal';
  if (/^[A-Z][a-z0-9]\w*$/.test(word) && grammar !== GRAMMARS.sql) return 'type';
  if (code[end] === '(') return 'function';
  return null;
}
