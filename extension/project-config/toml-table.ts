/**
 * One table of a TOML file, read strictly: `[tool.attnlens]` holds only flat keys whose values are
 * strings, integers, booleans or arrays of them, so this reads that subset (comments, basic and
 * literal strings with escapes, arrays over several lines, trailing commas) and refuses anything
 * else inside the table with the line it is on. The rest of the file is skipped, multi-line strings
 * included, so another tool's section cannot pose as ours.
 */

export type TomlValue = string | number | boolean | readonly TomlValue[];

export interface TomlEntry {
  readonly value: TomlValue;
  /** 1-based line of the key. */
  readonly line: number;
}

/** A syntax error or unsupported construct inside the table; the message starts with `line N:`. */
export class TomlError extends Error {
  override readonly name = 'TomlError';
}

/** The table's keys in order, or undefined when the file has no `[name]` table. */
export function readTomlTable(text: string, name: string): Map<string, TomlEntry> | undefined {
  const header = findHeader(text, name);
  return header === undefined ? undefined : new TableReader(text, header).entries();
}

const HEADER = /^[ \t]*\[(?!\[)([^\]\n]*)\][ \t]*(#.*)?$/;

/**
 * A line that opens with the table's name in brackets, whatever follows: one that is not a header
 * (`[tool.attnlens` without its `]`, a key after the `]`, `[[tool.attnlens]]`) would otherwise
 * leave the whole table unread without a word. A sub-table (`[tool.attnlens.x]`) is not one.
 */
function looseHeader(name: string): RegExp {
  const parts = name.split('.').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^[ \\t]*\\[+[ \\t]*${parts.join('[ \\t]*\\.[ \\t]*')}[ \\t]*(\\]|$)`);
}

/**
 * The offset just after the `[name]` header line, skipping the contents of multi-line strings; a
 * TomlError for a line that only looks like that header.
 */
function findHeader(text: string, name: string): number | undefined {
  const loose = looseHeader(name);
  let offset = 0;
  let lineNumber = 0;
  let openQuote: '"""' | "'''" | null = null;
  for (const line of text.split('\n')) {
    const next = offset + line.length + 1;
    lineNumber++;
    if (openQuote === null) {
      const bare = line.replace(/\r$/, '');
      const header = HEADER.exec(bare);
      if (header !== null && header[1]!.split('.').map((part) => part.trim()).join('.') === name) return Math.min(next, text.length);
      if (loose.test(bare)) throw new TomlError(`line ${lineNumber}: '${bare.trim()}' is not a table header: write [${name}] alone on its line`);
    }
    for (const quote of line.match(/"""|'''/g) ?? []) {
      if (openQuote === null) openQuote = quote as '"""' | "'''";
      else if (openQuote === quote) openQuote = null;
    }
    offset = next;
  }
  return undefined;
}

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

class TableReader {
  private readonly found = new Map<string, TomlEntry>();

  constructor(private readonly text: string, private pos: number) {}

  entries(): Map<string, TomlEntry> {
    for (;;) {
      this.skipBlankAndComments();
      if (this.pos >= this.text.length || this.text[this.pos] === '[') return this.found;
      const line = this.line();
      const key = this.key();
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      const value = this.value();
      this.endOfLine();
      if (this.found.has(key)) throw this.error(`'${key}' is given twice`, line);
      this.found.set(key, { value, line });
    }
  }

  private key(): string {
    const match = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos));
    if (match === null) throw this.error('expected a key (a bare name like autocast)');
    this.pos += match[0].length;
    if (this.text[this.pos] === '.') throw this.error(`dotted keys are not supported: write '${match[0]}' as a plain key`);
    return match[0];
  }

  private value(): TomlValue {
    const c = this.text[this.pos];
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    if (c === '[') return this.array();
    const match = /^(true|false|[+-]?\d[\d_]*)(?=[\s,\]#]|$)/.exec(this.text.slice(this.pos));
    if (match === null) throw this.error('expected a string, an integer, true, false or an array');
    this.pos += match[0].length;
    if (match[1] === 'true' || match[1] === 'false') return match[1] === 'true';
    if (/__|_$/.test(match[1]!)) throw this.error(`'${match[1]}' is not a valid integer`);
    return Number(match[1]!.replace(/_/g, ''));
  }

  private basicString(): string {
    if (this.text.startsWith('"""', this.pos)) throw this.error('multi-line strings are not supported here');
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') throw this.error('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') { out += c; continue; }
      const e = this.text[this.pos++]!;
      if (e in ESCAPES) { out += ESCAPES[e]; continue; }
      const hex = e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const digits = this.text.slice(this.pos, this.pos + hex);
      if (hex === 0 || !/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== hex) throw this.error(`invalid escape \\${e}`);
      out += String.fromCodePoint(parseInt(digits, 16));
      this.pos += hex;
    }
  }

  private literalString(): string {
    if (this.text.startsWith("'''", this.pos)) throw this.error('multi-line strings are not supported here');
    const end = this.text.indexOf("'", this.pos + 1);
    const newline = this.text.indexOf('\n', this.pos);
    if (end === -1 || (newline !== -1 && newline < end)) throw this.error('unterminated string');
    const out = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return out;
  }

  private array(): TomlValue[] {
    const items: TomlValue[] = [];
    this.pos++;
    for (;;) {
      this.skipBlankAndComments();
      if (this.text[this.pos] === ']') { this.pos++; return items; }
      items.push(this.value());
      this.skipBlankAndComments();
      if (this.text[this.pos] === ',') { this.pos++; continue; }
      this.expect(']');
      return items;
    }
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipBlankAndComments(): void {
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === '#') this.pos = this.text.indexOf('\n', this.pos) === -1 ? this.text.length : this.text.indexOf('\n', this.pos);
      else if (c === '\n' || c === '\r') this.pos++;
      else return;
    }
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.text[this.pos] === '#') this.pos = this.text.indexOf('\n', this.pos) === -1 ? this.text.length : this.text.indexOf('\n', this.pos);
    if (this.text[this.pos] === '\r') this.pos++;
    if (this.pos < this.text.length && this.text[this.pos] !== '\n') throw this.error('expected the end of the line after the value');
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) throw this.error(`expected '${char}'`);
    this.pos++;
  }

  private line(): number {
    return this.text.slice(0, this.pos).split('\n').length;
  }

  private error(message: string, line = this.line()): TomlError {
    return new TomlError(`line ${line}: ${message}`);
  }
}
