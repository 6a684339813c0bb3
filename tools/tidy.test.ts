// Code-hygiene checks over src/, tools/, test/, bench/ and examples/ (STYLE.md "Numbers to hold
// ourselves to" and principle 6).
//
// Failures (each reported as file:line and the rule):
//  * a source file in src/ over 400 lines, or one in tools/, test/, bench/ or examples/ over 600
//    (files whose first lines say "@generated" are exempt);
//  * a line over 100 characters, unless the excess is string or template literal text or a URL:
//    biome leaves those unbroken, and splitting a user-facing remark makes it ungreppable. With
//    the literals' contents removed such a line must fit in 100, and it may never exceed 160 (past
//    that, hoist the text into a named constant). Comments get the URL exemption only;
//  * `.only` on a test or suite in any test file (src, test, tools, bench);
//  * an import that breaks the layering
//      common ← message ← {protocol, store} ← remoting ← {namesrv, broker, client} ← {cli, console}
//    (a folder imports only from itself and from lower ranks; siblings of one rank never import
//    each other), plus: client never imports store or broker; protocol and store never import
//    node:net; src never imports from outside src; every top-level folder of src has a rank;
//  * a barrel index.ts anywhere in src;
//  * a test file over 1,200 lines, a function over 140 lines (twice the soft limits below; the
//    config schema tables are exempt by name).
// Warnings (printed, never failing): files over the soft 400 lines, test files over 800 lines,
// and functions over 70 lines as found by brace matching. That heuristic finds a function body as
// a `{` after `=>` or after a parameter list `(...)` (optionally `: ReturnType`) that does not
// belong to if/for/while/switch/catch; type annotations containing parentheses or braces can
// fool it, hence only a warning at 70 and a failure at twice that.
// Test code is *.test.ts and *.fixture.ts (shared set-up beside the tests, never built into
// dist/): it is excluded from every rule except `.only` and its own length. The file, line and
// function rules hold for the code of tools/, test/ (the harness), bench/ and examples/ as for
// src/; the import rules are src/'s alone.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

const SOFT_FILE_LINES = 400;
/** The hard cap in src/: a file past it holds more than one room's work. */
const MAX_FILE_LINES = SOFT_FILE_LINES;
/** Harnesses, tools and benches may run longer (tables of fuzz seeds, capture scripts). */
const MAX_OTHER_FILE_LINES = 600;
const MAX_TEST_FILE_LINES = 800;
const HARD_TEST_FILE_LINES = 1_200;
const MAX_LINE_WIDTH = 100;
const MAX_LITERAL_LINE_WIDTH = 160;
const MAX_FUNCTION_LINES = 70;
const HARD_FUNCTION_LINES = 2 * MAX_FUNCTION_LINES;
/** Long by nature: one entry per config key, a table read top to bottom (file: function head). */
const LONG_FUNCTIONS_ALLOWED = new Set<string>([]);

const LAYER_RANK: Record<string, number> = {
  common: 0,
  message: 1,
  filter: 1,
  protocol: 2,
  store: 2,
  remoting: 3,
  namesrv: 4,
  broker: 4,
  client: 4,
  cli: 6, // above console: `kitemq console` and npm start run it
  console: 5,
};
/** Edges the ranks alone would allow but STYLE.md forbids. */
const FORBIDDEN_LAYER_EDGES: Record<string, string[]> = { client: ['store', 'broker'] };
const NO_NET_LAYERS = new Set(['protocol', 'store']);

// ---- files ----

function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

const isTs = (p: string) => p.endsWith('.ts') && !p.endsWith('.d.ts');
/** Test code: the tests, and the fixtures they share (tsconfig.build.json leaves both out). */
const isTest = (p: string) => p.endsWith('.test.ts') || p.endsWith('.fixture.ts');
const rel = (p: string) => relative(ROOT, p).split(sep).join('/');

function isGenerated(text: string): boolean {
  return text.split('\n', 5).some((l) => l.includes('@generated'));
}

// ---- a small TypeScript lexer: classifies every character as code, literal text or comment ----

/** 'c' code (including quote characters), 's' string/template/regex content, 'm' comment. */
type CharClass = 'c' | 's' | 'm';

const REGEX_PRECEDERS = new Set([
  ...['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';'],
  ...['+', '-', '*', '%', '<', '>', '~', '^'],
]);

function classify(text: string): CharClass[] {
  const cls: CharClass[] = new Array(text.length).fill('c');
  // Each frame is a template literal waiting for its `${...}` expression to close.
  const templateDepths: number[] = [];
  let braceDepth = 0;
  let lastSignificant = '';
  let i = 0;
  const mark = (from: number, to: number, c: CharClass) => {
    for (let k = from; k < to && k < text.length; k++) cls[k] = c;
  };
  /** Scans template text from i (just after ` or }) to the closing ` or ${. */
  const scanTemplate = () => {
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\\') {
        mark(i, i + 2, 's');
        i += 2;
      } else if (ch === '`') {
        i++;
        lastSignificant = '`';
        return;
      } else if (ch === '$' && text[i + 1] === '{') {
        i += 2;
        templateDepths.push(braceDepth);
        braceDepth++;
        lastSignificant = '{';
        return;
      } else {
        cls[i] = 's';
        i++;
      }
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      mark(i, stop, 'm');
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      mark(i, stop, 'm');
      i = stop;
    } else if (ch === "'" || ch === '"') {
      i++;
      while (i < text.length && text[i] !== ch && text[i] !== '\n') {
        const step = text[i] === '\\' ? 2 : 1;
        mark(i, i + step, 's');
        i += step;
      }
      i++;
      lastSignificant = ch;
    } else if (ch === '`') {
      i++;
      scanTemplate();
    } else if (ch === '/' && REGEX_PRECEDERS.has(lastSignificant)) {
      i++;
      let inClass = false;
      while (i < text.length && text[i] !== '\n' && (inClass || text[i] !== '/')) {
        if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        const step = text[i] === '\\' ? 2 : 1;
        mark(i, i + step, 's');
        i += step;
      }
      i++;
      lastSignificant = '/';
    } else {
      if (ch === '{') braceDepth++;
      if (ch === '}') {
        braceDepth--;
        if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === braceDepth) {
          templateDepths.pop();
          i++;
          scanTemplate();
          continue;
        }
      }
      if (!/\s/.test(ch)) {
        // Identifiers and numbers end a possible regex position; `return /x/` is rare enough.
        lastSignificant = /[\w$)\]]/.test(ch) ? 'x' : ch;
      }
      i++;
    }
  }
  return cls;
}

/** The text with comments blanked (newlines kept) and literal contents kept. */
function withoutComments(text: string, cls: CharClass[]): string {
  let out = '';
  for (let k = 0; k < text.length; k++) out += cls[k] === 'm' && text[k] !== '\n' ? ' ' : text[k];
  return out;
}

// ---- imports and layers ----

function importSpecifiers(text: string): { spec: string; line: number }[] {
  const code = withoutComments(text, classify(text));
  const out: { spec: string; line: number }[] = [];
  const re =
    /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+|\bimport\s*\(\s*)(['"])([^'"\n]+)\1/g;
  for (const m of code.matchAll(re)) {
    const line = code.slice(0, m.index).split('\n').length;
    out.push({ spec: m[2]!, line });
  }
  return out;
}

/** The top-level folder of src that a path lies in ('' for src itself, null if outside src). */
function layerOf(absPath: string): string | null {
  const r = relative(SRC, absPath);
  if (r.startsWith('..') || r === '') return null;
  const parts = r.split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

function importViolation(fromFile: string, spec: string): string | null {
  const from = layerOf(fromFile);
  if (from === null) return null;
  if (spec === 'node:net' || spec === 'net') {
    return NO_NET_LAYERS.has(from) ? `${from} must not import node:net` : null;
  }
  if (!spec.startsWith('.')) return null; // packages and other builtins
  const target = resolve(dirname(fromFile), spec);
  const to = layerOf(target);
  if (to === null) return `imports '${spec}' from outside src`;
  if (to === from) return null;
  const fromRank = LAYER_RANK[from];
  const toRank = LAYER_RANK[to];
  if (fromRank === undefined || toRank === undefined) {
    return `folder '${fromRank === undefined ? from : to}' has no layer rank in tools/tidy.test.ts`;
  }
  if (FORBIDDEN_LAYER_EDGES[from]?.includes(to)) return `${from} must never import ${to}`;
  if (toRank >= fromRank) return `${from} (rank ${fromRank}) imports ${to} (rank ${toRank})`;
  return null;
}

// ---- line width ----

function lineWidthViolation(line: string, cls: CharClass[]): string | null {
  const width = [...line].length;
  if (width <= MAX_LINE_WIDTH) return null;
  if (width > MAX_LITERAL_LINE_WIDTH) {
    return `${width} chars; no line may exceed ${MAX_LITERAL_LINE_WIDTH}`;
  }
  let stripped = '';
  let literalChars = 0;
  for (let k = 0; k < line.length; k++) {
    if (cls[k] === 's') literalChars++;
    else stripped += line[k];
  }
  const hasUrl = /https?:\/\/\S{20,}/.test(line);
  const strippedWidth = [...stripped].length;
  if (literalChars > 0 && strippedWidth <= MAX_LINE_WIDTH) return null;
  if (hasUrl && strippedWidth - (line.match(/https?:\/\/\S+/)?.[0].length ?? 0) <= MAX_LINE_WIDTH) {
    return null;
  }
  return `${width} chars (max ${MAX_LINE_WIDTH}; only literal text or a URL may overflow)`;
}

// ---- function length heuristic ----

function longFunctions(text: string, limit = MAX_FUNCTION_LINES) {
  const cls = classify(text);
  const found: { line: number; lines: number; head: string }[] = [];
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const parenOpen: number[] = [];
  let lastClosedParenOpen = -1;
  let lastClosedParenEnd = -1;
  const braces: { isFunction: boolean; pos: number }[] = [];
  for (let k = 0; k < text.length; k++) {
    if (cls[k] !== 'c') continue;
    const ch = text[k];
    if (ch === '(') parenOpen.push(k);
    else if (ch === ')') {
      lastClosedParenOpen = parenOpen.pop() ?? -1;
      lastClosedParenEnd = k;
    } else if (ch === '{') {
      braces.push({ isFunction: opensFunction(k), pos: k });
    } else if (ch === '}') {
      const open = braces.pop();
      if (open?.isFunction) {
        const start = lineOf(open.pos);
        const lines = lineOf(k) - start + 1;
        if (lines > limit) {
          const head = text.slice(lineStarts[start], text.indexOf('\n', lineStarts[start]!)).trim();
          found.push({ line: start + 1, lines, head });
        }
      }
    }
  }
  return found;

  function codeBefore(pos: number, from: number): string {
    let s = '';
    for (let k = from; k < pos; k++) if (cls[k] !== 'm') s += text[k];
    return s;
  }

  function opensFunction(pos: number): boolean {
    const lineStart = lineStarts[lineOf(pos)]!;
    const before = codeBefore(pos, lineStart).trimEnd();
    if (before.endsWith('=>')) return true;
    if (lastClosedParenEnd < 0 || lastClosedParenOpen < 0) return false;
    // Only a `)`, optionally followed by a return type annotation, may sit between it and `{`.
    const between = codeBefore(pos, lastClosedParenEnd + 1);
    if (!/^\s*(?::\s*[^{};=]+)?\s*$/.test(between)) return false;
    const openLineStart = lineStarts[lineOf(lastClosedParenOpen)]!;
    const head = codeBefore(lastClosedParenOpen, openLineStart);
    return !/\b(?:if|for|while|switch|catch|with)\s*$/.test(head) && !/^\s*$/.test(head);
  }
}

// ---- the checks ----

/** Every tree the tidy rules read; the import rules apply to src only. */
const TREES = ['src', 'tools', 'test', 'bench', 'examples'];
const allFiles = TREES.flatMap((d) => listFiles(join(ROOT, d), isTs));
const srcFiles = allFiles.filter((p) => layerOf(p) !== null);
const testFiles = allFiles.filter(isTest);
const texts = new Map<string, string>(allFiles.map((p) => [p, readFileSync(p, 'utf8')]));
/** Code held to the file, line and function rules: not test code, not generated. */
const checked = allFiles.filter((p) => !isTest(p) && !isGenerated(texts.get(p)!));
const checkedSrc = checked.filter((p) => layerOf(p) !== null);

function lineCount(text: string): number {
  const lines = text.split('\n');
  return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

function warn(title: string, items: string[]): void {
  if (items.length > 0) console.warn(`tidy warning: ${title}\n  ${items.join('\n  ')}`);
}

describe('tidy: src/, tools/, test/, bench/, examples/', () => {
  it('finds the source trees', () => {
    expect(checkedSrc.length).toBeGreaterThan(10);
    for (const tree of TREES.slice(1)) {
      expect(checked.some((p) => rel(p).startsWith(`${tree}/`))).toBe(true);
    }
  });

  it(`keeps src files at or under ${MAX_FILE_LINES} lines, others at ${MAX_OTHER_FILE_LINES}`, () => {
    const sizes = checked.map((p) => ({ p, n: lineCount(texts.get(p)!) }));
    warn(
      `files over the soft ${SOFT_FILE_LINES} lines`,
      sizes.filter((s) => s.n > SOFT_FILE_LINES).map((s) => `${rel(s.p)}: ${s.n}`),
    );
    const cap = (p: string) => (rel(p).startsWith('src/') ? MAX_FILE_LINES : MAX_OTHER_FILE_LINES);
    const over = sizes.filter((s) => s.n > cap(s.p)).map((s) => `${rel(s.p)}: ${s.n} lines`);
    expect(over).toEqual([]);
  });

  it(`keeps lines at or under ${MAX_LINE_WIDTH} characters (literal text and URLs excepted)`, () => {
    const bad: string[] = [];
    for (const p of checked) {
      const text = texts.get(p)!;
      const cls = classify(text);
      let offset = 0;
      text.split('\n').forEach((line, i) => {
        const why = lineWidthViolation(line, cls.slice(offset, offset + line.length));
        if (why) bad.push(`${rel(p)}:${i + 1}: ${why}`);
        offset += line.length + 1;
      });
    }
    expect(bad).toEqual([]);
  });

  it('respects the layering of STYLE.md', () => {
    const bad: string[] = [];
    for (const p of checkedSrc) {
      for (const { spec, line } of importSpecifiers(texts.get(p)!)) {
        const why = importViolation(p, spec);
        if (why) bad.push(`${rel(p)}:${line}: ${why} ('${spec}')`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('puts every source file in a ranked layer folder', () => {
    const bad = checkedSrc
      .map((p) => ({ p, layer: layerOf(p) }))
      .filter(({ layer }) => layer === '' || LAYER_RANK[layer ?? ''] === undefined)
      .map(({ p }) => rel(p));
    expect(bad).toEqual([]);
  });

  it('has no barrel index.ts', () => {
    const barrels = srcFiles.filter((p) => /(^|[/\\])index\.[cm]?ts$/.test(p)).map(rel);
    expect(barrels).toEqual([]);
  });

  it(`warns of functions over ${MAX_FUNCTION_LINES} lines, fails over ${HARD_FUNCTION_LINES}`, () => {
    const long = checked.flatMap((p) =>
      longFunctions(texts.get(p)!).map((f) => ({ ...f, file: rel(p) })),
    );
    const say = (f: (typeof long)[number]) => `${f.file}:${f.line}: ${f.lines} lines: ${f.head}`;
    warn(`functions over ${MAX_FUNCTION_LINES} lines (brace-matching heuristic)`, long.map(say));
    const tooLong = long
      .filter((f) => f.lines > HARD_FUNCTION_LINES)
      .filter((f) => !LONG_FUNCTIONS_ALLOWED.has(`${f.file}: ${f.head}`));
    expect(tooLong.map(say)).toEqual([]);
  });
});

describe('tidy: test files', () => {
  it('leave no .only behind', () => {
    const bad: string[] = [];
    for (const p of testFiles) {
      const text = texts.get(p)!;
      const code = classify(text);
      for (const m of text.matchAll(/\b(?:describe|it|test|suite|bench)(?:\.\w+)*\.only\b/g)) {
        if (code[m.index] !== 'c') continue;
        bad.push(`${rel(p)}:${text.slice(0, m.index).split('\n').length}: ${m[0]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it(`are split by behaviour before ${MAX_TEST_FILE_LINES} lines (fails over ${HARD_TEST_FILE_LINES})`, () => {
    const sizes = testFiles.map((p) => ({ p, n: lineCount(texts.get(p)!) }));
    const over = (max: number) =>
      sizes.filter((s) => s.n > max).map((s) => `${rel(s.p)}: ${s.n} lines`);
    warn(`test files over ${MAX_TEST_FILE_LINES} lines`, over(MAX_TEST_FILE_LINES));
    expect(over(HARD_TEST_FILE_LINES)).toEqual([]);
  });
});

// ---- the heuristics themselves ----

describe('tidy heuristics', () => {
  const at = (...parts: string[]) => join(SRC, ...parts);

  it('classifies strings, templates with nested expressions, regexes and comments', () => {
    // \u0024 is '$': the sample holds a template literal with a nested ${...} expression.
    const text = "a('x{') // {\nb(`t\u0024{ {c:1}.c }u`) /* } */ + /[}'/]/.test(z)";
    const cls = classify(text);
    const codeOnly = [...text].filter((_, k) => cls[k] === 'c').join('');
    expect(codeOnly).toBe("a('') \nb(`\u0024{ {c:1}.c }`)  + //.test(z)");
  });

  it('extracts static, type-only, re-export and dynamic import specifiers, not comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import * as c from 'node:net';",
      "import './side-effect.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "const f = await import('./f.js');",
      "// import { g } from './g.js';",
      'const s = "from \'./h.js\'";',
      'import {',
      '  x,',
      '  y,',
      "} from './multi.js';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([
      { spec: './a.js', line: 1 },
      { spec: '../b.js', line: 2 },
      { spec: 'node:net', line: 3 },
      { spec: './side-effect.js', line: 4 },
      { spec: './d.js', line: 5 },
      { spec: './e.js', line: 6 },
      { spec: './f.js', line: 7 },
      { spec: './multi.js', line: 10 },
    ]);
  });

  it('applies the layer ranks and the explicit rules', () => {
    expect(importViolation(at('message', 'x.ts'), '../common/errors.js')).toBeNull();
    expect(importViolation(at('protocol', 'headers', 'f.ts'), '../../message/m.js')).toBeNull();
    expect(importViolation(at('remoting', 'x.ts'), '../store/s.js')).toBeNull();
    expect(importViolation(at('store', 'x.ts'), '../protocol/p.js')).toMatch(/rank 2.*rank 2/);
    expect(importViolation(at('store', 'x.ts'), '../remoting/r.js')).toMatch(/imports remoting/);
    expect(importViolation(at('common', 'x.ts'), '../message/m.js')).toMatch(/imports message/);
    expect(importViolation(at('client', 'x.ts'), '../store/s.js')).toMatch(/never import store/);
    expect(importViolation(at('client', 'x.ts'), '../broker/b.js')).toMatch(/never import broker/);
    expect(importViolation(at('broker', 'x.ts'), '../namesrv/n.js')).toMatch(/rank 4/);
    expect(importViolation(at('cli', 'x.ts'), '../broker/b.js')).toBeNull();
    expect(importViolation(at('protocol', 'x.ts'), 'node:net')).toMatch(/node:net/);
    expect(importViolation(at('store', 'x.ts'), 'net')).toMatch(/node:net/);
    expect(importViolation(at('remoting', 'x.ts'), 'node:net')).toBeNull();
    expect(importViolation(at('message', 'x.ts'), '../../test/harness/x.js')).toMatch(/outside/);
    expect(importViolation(at('weird', 'x.ts'), '../common/a.js')).toMatch(/no layer rank/);
  });

  it('counts tests and their fixtures as test code, and nothing else', () => {
    expect(isTest(at('store', 'store.fixture.ts'))).toBe(true);
    expect(isTest(at('store', 'message-store.test.ts'))).toBe(true);
    expect(isTest(at('store', 'message-store.ts'))).toBe(false);
    expect(isTest(join(ROOT, 'test', 'harness', 'poll.ts'))).toBe(false);
  });

  it('lets only literal text or URLs push a line past 100', () => {
    const check = (line: string) => lineWidthViolation(line, classify(line));
    expect(check(`const x = ${'1 + '.repeat(30)}1;`)).toMatch(/max 100/);
    expect(check(`    remark: \`the message ${'is long '.repeat(12)}\`,`)).toBeNull();
    expect(check(`  return '${'y'.repeat(170)}';`)).toMatch(/may exceed 160/);
    expect(
      check(`// see https://github.com/apache/rocketmq/blob/develop/${'x'.repeat(60)}.java`),
    ).toBeNull();
    expect(check(`// ${'words '.repeat(20)}`)).toMatch(/max 100/);
  });

  it('measures function bodies by brace matching and skips control blocks', () => {
    const body = (n: number) => Array.from({ length: n }, (_, k) => `  call(${k});`).join('\n');
    const text = [
      'export function big(a: number): Promise<void> {',
      body(75),
      '}',
      'const arrow = async () => {',
      body(80),
      '};',
      'if (x) {',
      body(90),
      '}',
      'class C {',
      '  method(',
      '    a: string,',
      '  ): void {',
      body(72),
      '  }',
      '}',
      'function small() {',
      body(3),
      '}',
    ].join('\n');
    expect(longFunctions(text).map((f) => [f.line, f.lines])).toEqual([
      [1, 77],
      [78, 82],
      [255, 74],
    ]);
  });
});
