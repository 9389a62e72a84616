import * as assert from 'node:assert/strict';
import { HeadTailBuffer, TerminalTextStream, displayPath, headTail, stripAnsi } from '../../../../src/core/tools/text';

describe('tools/text', () => {
  describe('stripAnsi', () => {
    it('removes colours, cursor moves and other CSI sequences', () => {
      assert.equal(stripAnsi('\x1b[1;31mError\x1b[0m: \x1b[2Kbad\x1b[?25l'), 'Error: bad');
    });

    it("removes OSC sequences, including VS Code's shell-integration marks and hyperlinks", () => {
      const text = '\x1b]633;A\x07\x1b]633;E;npm\\x3btest;nonce\x07out\x1b]633;D;0\x1b\\ \x1b]8;;https://x.dev\x07link\x1b]8;;\x07';
      assert.equal(stripAnsi(text), 'out link');
    });

    it('removes other escape sequences and stray ESC characters', () => {
      assert.equal(stripAnsi('\x1b(Ba\x1b=b\x1bc\x1b'), 'ab');
    });

    it('normalises CRLF and lone CR to LF', () => {
      assert.equal(stripAnsi('a\r\nb\rc\n'), 'a\nc\n');
      assert.equal(stripAnsi('\x1b[32mok\x1b[0m\r\n 10%\r 55%\r100%\ndone\r\n'), 'ok\n100%\ndone\n', 'a progress line keeps its last state');
    });
  });

  describe('headTail', () => {
    it('returns short text unchanged', () => {
      assert.equal(headTail('short', 10), 'short');
    });

    it('keeps the head and the tail with a line saying how much was omitted', () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i + 1}`).join('\n');
      const cut = headTail(lines, 1000);
      assert.ok(cut.length <= 1000, `length ${cut.length}`);
      assert.ok(cut.startsWith('line 1\nline 2\n'));
      assert.ok(cut.endsWith('line 9999\nline 10000'));
      const match = /\n\.\.\. \[(\d+) characters omitted\] \.\.\.\n/.exec(cut);
      assert.ok(match, cut);
      const [head, tail] = cut.split(match[0]);
      assert.equal(Number(match[1]) + head.length + 1 + tail.length, lines.length, 'the count is exact');
      assert.ok(!/^ine|^ne /.test(tail), 'the tail starts on a whole line');
    });

    it('counts what an earlier cut omitted too', () => {
      const buffer = new HeadTailBuffer(1000);
      const full = 'x'.repeat(100_000);
      buffer.append(full);
      const cut = headTail(buffer.toString(), 200);
      const omitted = Number(/\[(\d+) characters omitted\]/.exec(cut)![1]);
      const kept = cut.replace(/\n?\.\.\. \[\d+ characters omitted\] \.\.\.\n/, '').length;
      assert.ok(Math.abs(omitted + kept - full.length) <= 2, `${omitted} + ${kept} vs ${full.length}`);
    });
  });

  describe('HeadTailBuffer', () => {
    it('keeps everything while under its limit', () => {
      const buffer = new HeadTailBuffer(100);
      buffer.append('abc');
      buffer.append('def');
      assert.equal(buffer.toString(), 'abcdef');
    });

    it('bounds memory to the first and last halves of a long stream', () => {
      const buffer = new HeadTailBuffer(100_000);
      for (let i = 0; i < 20_000; i++) buffer.append(`${String(i).padStart(9, '0')}\n`);
      buffer.append('the end\n');
      const text = buffer.toString();
      assert.ok(text.length < 100_100, `length ${text.length}`);
      assert.ok(text.startsWith('000000000\n000000001\n'));
      assert.ok(text.endsWith('000019999\nthe end\n'));
      assert.match(text, /\[\d+ characters omitted\]/);
    });

    it('take() returns what is held and empties it', () => {
      const buffer = new HeadTailBuffer(100);
      buffer.append('one');
      assert.equal(buffer.take(), 'one');
      assert.ok(buffer.isEmpty);
      buffer.append('two');
      assert.equal(buffer.take(), 'two');
    });
  });

  describe('TerminalTextStream', () => {
    it('strips a sequence split across chunks, and a CRLF split across chunks', () => {
      const stream = new TerminalTextStream();
      const out = ['red\x1b[3', '1mtext\x1b]633;', 'A\x07done\r', '\nnext\x1b'].map((c) => stream.push(c)).join('') + stream.flush();
      assert.equal(out, 'redtextdone\nnext');
    });
  });

  describe('displayPath', () => {
    it('is relative inside the working folder and absolute outside it', () => {
      assert.equal(displayPath('/work/p', '/work/p/src/a.ts'), 'src/a.ts');
      assert.equal(displayPath('/work/p', '/etc/hosts'), '/etc/hosts');
    });
  });
});

describe('terminal text from VS Code shell integration', () => {
  it('drops colours, titles and shell-integration marks, turns CRLF into LF and keeps the last state of a progress line', () => {
    const raw = '\x1b]633;C\x07\x1b[1;32mok\x1b[0m\r\n\x1b]0;title\x1b\\10%\r50%\r100%\r\ndone\x1b[K\x07\r\n\x1b]633;D;0\x07';
    assert.equal(stripAnsi(raw), 'ok\n100%\ndone\n');
  });

  it('holds back an escape sequence or CR split across chunks until it is complete', () => {
    const s = new TerminalTextStream();
    const out = [s.push('a\x1b[3'), s.push('1mred\x1b]633;'), s.push('D;0\x07\r'), s.push('\nb'), s.flush()].join('');
    assert.equal(out, 'ared\nb');
  });
});
