import { arithmeticEnd, closingBrace, heredocBody } from './shellScan';

/**
 * A small, conservative reader of POSIX/bash command lines, written for permission checks rather
 * than execution. It finds every simple command that would run (including those inside `$(...)`,
 * backquotes, `( )`, `{ }` and `<(...)`), removes quoting the way the shell does, and records
 * redirections. Whatever it does not understand becomes a `problem`: callers must then ask, never
 * allow. `shell-quote` is not used because it drops newlines and backquotes and does not parse
 * `$(...)` inside double quotes, each of which would hide a command.
 */

export interface Word {
  /** The word after quote removal; expansions are kept as written (`$HOME`, `$(...)`). */
  value: string;
  /** The word exactly as written. */
  raw: string;
  /** Its final text is only known at run time: `$VAR`, `$(...)`, backquotes, unquoted globs or braces. */
  expands: boolean;
}

export interface Redirect {
  op: string;
  target: Word;
  /** Opens a file for writing (not a descriptor duplicate like `2>&1`, not input). */
  writes: boolean;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
}

export interface ParsedShell {
  /** In the order the shell would start them (substitutions before the command that uses them). */
  commands: SimpleCommand[];
  /** Why the line could not be read with confidence; empty when it could. */
  problems: string[];
}

const MAX_NESTING = 32;
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')']);
const REDIRECT_OPS = ['&>>', '&>', '<<<', '<<-', '>>', '>|', '>&', '<<', '<>', '<&', '>', '<'];
const WRITING_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

export function parseShell(source: string): ParsedShell {
  const parser = new ShellParser(source, 0);
  parser.parseList(false);
  return { commands: parser.commands, problems: [...new Set(parser.problems)] };
}

class ShellParser {
  private pos = 0;
  private nesting = 0;
  private heredocs: Array<{ delimiter: string; quoted: boolean; stripTabs: boolean }> = [];
  readonly commands: SimpleCommand[] = [];
  readonly problems: string[] = [];

  constructor(private readonly src: string, private readonly depth: number) {}

  /** Reads commands up to the end of input, or up to the `)` that closes a group when `inGroup`. */
  parseList(inGroup: boolean): void {
    if (++this.nesting > MAX_NESTING || this.depth > MAX_NESTING) {
      this.problems.push('the command is nested too deeply');
      this.pos = this.src.length;
      return;
    }
    let cmd: SimpleCommand = { words: [], redirects: [] };
    const flush = () => {
      if (cmd.words.length || cmd.redirects.length) this.commands.push(cmd);
      cmd = { words: [], redirects: [] };
    };
    for (;;) {
      this.skipBlanks();
      const c = this.src[this.pos];
      const next = this.src[this.pos + 1];
      if (c === undefined) {
        if (inGroup) this.problems.push('a "(" is not closed');
        if (this.heredocs.length) this.problems.push('a here-document has no body');
        break;
      }
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else if (c === '\n') {
        this.pos++;
        flush();
        this.readHeredocBodies();
      } else if (c === ';' || c === '|' || (c === '&' && next !== '>')) {
        this.pos += this.match(/;;&|;;|;&|\|\||\|&|&&/y)?.length ?? 1;
        flush();
      } else if (c === ')') {
        this.pos++;
        if (inGroup) break;
        this.problems.push('a ")" has no matching "("');
      } else if (c === '(' && next === '(' && !cmd.words.length && this.skipArithmetic()) {
        continue;
      } else if (c === '(') {
        this.pos++;
        if (cmd.words.length || cmd.redirects.length) this.problems.push('"(" in an unexpected place (function or array?)');
        flush();
        this.parseList(true);
      } else if (this.atRedirect()) {
        cmd.redirects.push(this.readRedirect());
      } else {
        cmd.words.push(this.readWord());
      }
    }
    flush();
    this.nesting--;
  }

  /** The text a sticky regex matches at `at` (default: the current position), without copying the rest of the input. */
  private match(sticky: RegExp, at = this.pos): string | undefined {
    sticky.lastIndex = at;
    return sticky.exec(this.src)?.[0];
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  private atRedirect(): boolean {
    return this.match(/\d*[<>](?!\()|&>/y) !== undefined;
  }

  private readRedirect(): Redirect {
    this.pos += this.match(/\d*/y)!.length;
    const op = REDIRECT_OPS.find((o) => this.src.startsWith(o, this.pos))!;
    this.pos += op.length;
    this.skipBlanks();
    const c = this.src[this.pos];
    if (c === undefined || (WORD_END.has(c) && c !== '(')) {
      this.problems.push(`"${op}" has no target`);
      return { op, target: { value: '', raw: '', expands: true }, writes: WRITING_OPS.has(op) };
    }
    const target = this.readWord();
    if (op === '<<' || op === '<<-') {
      this.heredocs.push({ delimiter: target.value, quoted: target.raw !== target.value, stripTabs: op === '<<-' });
      return { op, target, writes: false };
    }
    const duplicates = (op === '>&' || op === '<&') && /^(\d+-?|-)$/.test(target.value);
    return { op, target, writes: WRITING_OPS.has(op) || (op === '>&' && !duplicates) };
  }

  /** One word, with quote removal; substitutions inside it are parsed as commands of their own. */
  private readWord(): Word {
    const start = this.pos;
    let value = '';
    let expands = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      const next = this.src[this.pos + 1];
      if ((c === '<' || c === '>') && next === '(') {
        const from = this.pos;
        this.pos += 2;
        this.parseList(true);
        value += this.src.slice(from, this.pos);
        expands = true;
      } else if (WORD_END.has(c) || c === '<' || c === '>') {
        break;
      } else if (c === '\\') {
        if (next === '\n') this.pos += 2;
        else if (next === undefined) { this.problems.push('the command ends with a lone "\\"'); value += c; this.pos++; }
        else { value += next; this.pos += 2; }
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end === -1) this.problems.push('a single quote is not closed');
        const stop = end === -1 ? this.src.length : end;
        value += this.src.slice(this.pos + 1, stop);
        this.pos = stop + 1;
      } else if (c === '"') {
        this.pos++;
        expands = this.readDoubleQuoted((s) => (value += s)) || expands;
      } else if (c === '`') {
        value += this.readBackquotes();
        expands = true;
      } else if (c === '$') {
        const r = this.readDollar(false);
        value += r.text;
        expands = r.expands || expands;
      } else {
        if ('*?['.includes(c)) expands = true;
        if (c === '{' && this.match(/\{[^}\s]*(,|\.\.)[^}\s]*\}/y)) expands = true;
        value += c;
        this.pos++;
      }
    }
    return { value, raw: this.src.slice(start, this.pos), expands };
  }

  /**
   * After an opening `"`: appends the text, returns whether it expands. With `quoted` false it reads
   * to the end of input instead, as for a here-document body.
   */
  private readDoubleQuoted(append: (s: string) => void, quoted = true): boolean {
    let expands = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      const next = this.src[this.pos + 1];
      if (c === '"' && quoted) { this.pos++; return expands; }
      if (c === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
        if (next !== '\n') append(next);
        this.pos += 2;
      } else if (c === '`') {
        append(this.readBackquotes());
        expands = true;
      } else if (c === '$') {
        const r = this.readDollar(true);
        append(r.text);
        expands = r.expands || expands;
      } else {
        append(c);
        this.pos++;
      }
    }
    if (quoted) this.problems.push('a double quote is not closed');
    return expands;
  }

  /** At a `$`: a substitution, a parameter, ANSI-C quoting, or a plain dollar sign. */
  private readDollar(inDoubleQuotes: boolean): { text: string; expands: boolean } {
    const from = this.pos;
    const next = this.src[this.pos + 1] ?? '';
    const taken = () => this.src.slice(from, this.pos);
    if (next === '(' && this.src[this.pos + 2] === '(') {
      this.pos++;
      if (this.skipArithmetic()) return { text: taken(), expands: true };
    }
    if (next === '(') {
      this.pos = from + 2;
      this.parseList(true);
      return { text: taken(), expands: true };
    }
    if (next === '{') {
      const end = closingBrace(this.src, this.pos + 2);
      if (end === -1) this.problems.push('a "${" is not closed');
      this.pos = end === -1 ? this.src.length : end + 1;
      if (/\$\(|`|[<>]\(/.test(taken())) this.problems.push('a command inside ${...} is not analysed');
      return { text: taken(), expands: true };
    }
    if (next === "'" && !inDoubleQuotes) {
      let i = this.pos + 2;
      while (i < this.src.length && this.src[i] !== "'") i += this.src[i] === '\\' ? 2 : 1;
      if (i >= this.src.length) this.problems.push("a $'...' string is not closed");
      this.pos = Math.min(i + 1, this.src.length);
      return { text: taken(), expands: true };
    }
    if (next === '"' && !inDoubleQuotes) {
      this.pos += 2;
      let text = '';
      const expands = this.readDoubleQuoted((s) => (text += s));
      return { text, expands };
    }
    const name = this.match(/[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]/y, this.pos + 1);
    this.pos += 1 + (name?.length ?? 0);
    return { text: taken(), expands: name !== undefined };
  }

  /** At `((`: skips an arithmetic expression; false (nothing consumed) when it is not one. */
  private skipArithmetic(): boolean {
    const end = arithmeticEnd(this.src, this.pos);
    if (end !== undefined) this.pos = end;
    return end !== undefined;
  }

  /** At a backquote: finds its end, undoes the backslash escapes, parses the inside on its own. */
  private readBackquotes(): string {
    const from = this.pos;
    let inner = '';
    let i = this.pos + 1;
    for (; i < this.src.length && this.src[i] !== '`'; i++) {
      if (this.src[i] === '\\' && i + 1 < this.src.length && '$`\\'.includes(this.src[i + 1])) i++;
      inner += this.src[i];
    }
    if (i >= this.src.length) this.problems.push('a backquote is not closed');
    this.pos = Math.min(i + 1, this.src.length);
    const sub = new ShellParser(inner, this.depth + 1);
    sub.parseList(false);
    this.commands.push(...sub.commands);
    this.problems.push(...sub.problems);
    return this.src.slice(from, this.pos);
  }

  /**
   * After a newline: skips the bodies of pending here-documents, which are data. With an unquoted
   * delimiter the body is expanded like a double-quoted string, so substitutions in it still run.
   */
  private readHeredocBodies(): void {
    for (const doc of this.heredocs) {
      const { body, end, closed } = heredocBody(this.src, this.pos, doc.delimiter, doc.stripTabs);
      this.pos = end;
      if (!closed) this.problems.push(`the here-document "${doc.delimiter}" is not closed`);
      if (!doc.quoted) {
        const sub = new ShellParser(body, this.depth + 1);
        sub.readDoubleQuoted(() => undefined, false);
        this.commands.push(...sub.commands);
        this.problems.push(...sub.problems);
      }
    }
    this.heredocs = [];
  }
}
