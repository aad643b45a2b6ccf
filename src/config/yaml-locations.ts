import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type ErrorCode, type YAMLError } from "yaml";

/** A 1-based line and column in a YAML file, as editors and `file:line:col` links count them. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed routes file that can say where any of its entries is written. */
export interface YamlFile {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lines: LineCounter;
}

export function parseYamlFile(text: string): YamlFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  return { text, document, lines };
}

/**
 * Where the entry at `path` is written: the key of a mapping entry (`preset:` rather than its
 * value, so a block value or a nested mapping points at the line that names it), or the item of a
 * list. A path that goes further than the file (a missing key) stops at the deepest entry that
 * exists: a missing `destination` is reported at its route.
 */
export function locate(file: YamlFile, path: readonly PropertyKey[]): Position | undefined {
  let node: unknown = file.document.contents;
  let found: number | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(key));
      if (!pair) break;
      found = rangeStart(pair.key) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (item === undefined) break;
      found = rangeStart(item) ?? found;
      node = item;
    } else {
      break;
    }
  }
  return found === undefined ? undefined : position(file, found);
}

/**
 * Where character `offset` of the string at `path` is written: a JSONata syntax error's position,
 * as a line and column in the file. Exact for block literals (`mapping: |`) and for values on one
 * line; undefined where folding makes it a guess (a folded block, a plain scalar over lines).
 */
export function locateInValue(file: YamlFile, path: readonly PropertyKey[], offset: number): Position | undefined {
  const node = file.document.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return undefined;
  const start = file.lines.linePos(node.range[0]);
  const source = file.text.slice(node.range[0], node.range[1]);
  if (node.type === Scalar.BLOCK_LITERAL) {
    // The header line (`|`, `|-`, `|2`), then the value's lines, each with the block's indentation.
    const before = node.value.slice(0, offset);
    const line = start.line + 1 + (before.match(/\n/g)?.length ?? 0);
    const body = lineText(file, line);
    const indent = indentOfBlock(file, start.line + 1);
    return { line, column: Math.min(indent + before.length - before.lastIndexOf("\n"), body.length + 1) };
  }
  if (source.includes("\n")) return undefined;
  if (node.type === Scalar.PLAIN) return { line: start.line, column: start.col + offset };
  if (node.type === Scalar.QUOTE_SINGLE) return { line: start.line, column: start.col + 1 + sourceIndex(source.slice(1), offset, /''/y, 2) };
  if (node.type === Scalar.QUOTE_DOUBLE)
    return { line: start.line, column: start.col + 1 + sourceIndex(source.slice(1), offset, /\\(x..|u....|U........|.)/y) };
  return undefined;
}

/** How many source characters hold the first `decoded` characters of a quoted scalar. */
function sourceIndex(source: string, decoded: number, escapePattern: RegExp, width?: number): number {
  let at = 0;
  for (let count = 0; count < decoded && at < source.length; count += 1) {
    escapePattern.lastIndex = at;
    const match = escapePattern.exec(source);
    at += match ? (width ?? match[0].length) : 1;
  }
  return at;
}

function indentOfBlock(file: YamlFile, firstLine: number): number {
  for (let line = firstLine; line <= file.lines.lineStarts.length; line += 1) {
    const text = lineText(file, line);
    if (text.trim() !== "") return indentOf(text);
  }
  return 0;
}

/** Where the first YAML syntax error of a file is, and what it says, in one line. */
export function firstSyntaxError(file: YamlFile): { position: Position; message: string } | undefined {
  const error: YAMLError | undefined = file.document.errors[0];
  if (!error) return undefined;
  const at = position(file, error.pos[0]);
  const hint = INDENTATION_ERRORS.has(error.code) ? indentationHint(file, at.line) : "";
  return { position: at, message: `YAML: ${withoutExcerpt(error.message)}${hint}` };
}

// What the parser says when a line is indented more or less than the mapping it belongs to.
const INDENTATION_ERRORS: ReadonlySet<ErrorCode> = new Set(["BAD_INDENT", "BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY"]);

/** The offset as a position; a column inside a line's indentation moves to its first character. */
function position(file: YamlFile, offset: number): Position {
  const { line, col } = file.lines.linePos(offset);
  const text = lineText(file, line);
  const indent = text.length - text.trimStart().length;
  return { line, column: text.trim() === "" || col > indent ? col : indent + 1 };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly [number, number, number] } | null)?.range;
  return range?.[0];
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

// The `yaml` package appends "at line L, column C:" and an excerpt; the position is given apart.
function withoutExcerpt(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/**
 * Most YAML errors in a routes file are one line indented differently from its neighbours, and
 * the parser notices it a line or a column later than the slip. Saying how the error's line and
 * the next one are indented points at the slip without guessing which of the two is wrong.
 */
function indentationHint(file: YamlFile, line: number): string {
  const here = lineText(file, line);
  if (here.trim() === "") return "";
  const nextLine = nextContentLine(file, line);
  if (nextLine === undefined) return "";
  const ours = indentOf(here);
  const theirs = indentOf(lineText(file, nextLine));
  if (ours === theirs) return "";
  return ` (line ${line} is indented ${spaces(ours)}, line ${nextLine} ${spaces(theirs)}: check the indentation)`;
}

function nextContentLine(file: YamlFile, line: number): number | undefined {
  const count = file.lines.lineStarts.length;
  for (let next = line + 1; next <= count; next += 1) {
    const text = lineText(file, next).trim();
    if (text !== "" && !text.startsWith("#")) return next;
  }
  return undefined;
}

function lineText(file: YamlFile, line: number): string {
  const starts = file.lines.lineStarts;
  const start = starts[line - 1];
  if (start === undefined) return "";
  const end = starts[line] ?? file.text.length;
  return file.text.slice(start, end).replace(/\r?\n$/, "");
}

const indentOf = (text: string) => text.length - text.trimStart().length;
const spaces = (count: number) => (count === 1 ? "1 space" : `${count} spaces`);
