/**
 * What one Python file declares: imports (with the libraries they may fail to load), classes,
 * functions and the module-level statements. Built from the file's units, syntax only.
 */
import { field, namedChildren, textOf, type SyntaxNode, type Unit } from '../syntax/syntax';

export interface Param {
  readonly name: string;
  readonly default?: SyntaxNode;
  /** The annotation's text, e.g. `Transformer`. */
  readonly annotation?: string;
  /** `*args` / `**kwargs`, and the bare `*` and `/` markers. */
  readonly star: boolean;
  /** What a starred parameter collects: the extra positional arguments (`*args`) or keywords (`**kwargs`). */
  readonly collects?: 'positional' | 'keywords';
  /** The bare `*` (the parameters after it are keyword-only) or `/`; its name is then the marker. */
  readonly marker?: true;
}

export interface FunctionInfo {
  /** Unique in the workspace: `path:Class.name` or `path:name`; `path:<module>` for module statements. */
  readonly id: string;
  readonly path: string;
  /** `Class.method` or `function`. */
  readonly qualName: string;
  readonly name: string;
  readonly className: string | null;
  readonly params: readonly Param[];
  readonly body: readonly SyntaxNode[];
  readonly decorators: readonly string[];
  /** The decorators' expressions (`torch.autocast('cuda', dtype=…)`), for those that set up a context. */
  readonly decoratorNodes: readonly SyntaxNode[];
  readonly node: SyntaxNode | null;
}

export interface ClassInfo {
  readonly id: string;
  readonly name: string;
  readonly bases: readonly string[];
  readonly methods: ReadonlyMap<string, FunctionInfo>;
  /** Class-level assignments (`flag = True`). */
  readonly body: readonly SyntaxNode[];
  /** The top-level statement the class is in. */
  readonly unit: Unit;
  /**
   * For a `@dataclass` (or `@dataclass(…)`, `@dataclasses.dataclass`), its own fields in order, as the
   * parameters of the `__init__` the decorator writes (inherited fields come first, from its bases).
   */
  readonly dataclassFields?: readonly Param[];
}

export interface ModuleInfo {
  readonly path: string;
  /**
   * Local name → qualified name (`F` → `torch.nn.functional`); a relative import keeps its dots
   * (`from .var import VAR` → `.var.VAR`), resolved by `import-resolution.ts`.
   */
  readonly imports: ReadonlyMap<string, string>;
  /** Names bound by a plain `import a.b.c` (the `a`) → the module it imports (`a.b.c`). */
  readonly dottedImports: ReadonlyMap<string, string>;
  /** Local names bound by imports inside `try: … except ImportError` → the library's top-level name. */
  readonly optional: ReadonlyMap<string, string>;
  readonly classes: ReadonlyMap<string, ClassInfo>;
  readonly functions: ReadonlyMap<string, FunctionInfo>;
  /** Every function and method of the file, module statements included. */
  readonly allFunctions: readonly FunctionInfo[];
  /** The file's top-level statements. */
  readonly units: readonly Unit[];
}

/** The file's top-level statements, as the function `<module>` (always the last of `allFunctions`). */
export function moduleLevel(m: ModuleInfo): FunctionInfo {
  return m.allFunctions[m.allFunctions.length - 1]!;
}

function dottedName(node: SyntaxNode): string {
  return textOf(node).replace(/\s+/g, '');
}

/**
 * Whether an `if` tests whether `library` can be imported: its condition is an availability check
 * that names it (`is_xformers_available()`, `importlib.util.find_spec("flash_attn")`,
 * `XFORMERS_IS_AVAILBLE`, `FLASH_ATTN_INSTALLED`). Its imports of the library are then optional,
 * like those of a `try`; `if torch.cuda.is_available(): import torch…` checks no library.
 */
export function checksAvailability(ifNode: SyntaxNode, library: string): boolean {
  const condition = field(ifNode, 'condition');
  const text = condition ? textOf(condition).toLowerCase() : '';
  return /availabl|find_spec|installed/.test(text) && text.includes(library.toLowerCase());
}

/** The statements of an `if`'s branches (`if`, each `elif`, `else`). */
function ifBlocks(ifNode: SyntaxNode): SyntaxNode[][] {
  const blocks = [field(ifNode, 'consequence')];
  for (const alt of ifNode.children.filter((c) => c.field === 'alternative')) blocks.push(field(alt, alt.type === 'elif_clause' ? 'consequence' : 'body'));
  return blocks.flatMap((b) => (b ? [[...b.children]] : []));
}

export function catchesImportError(tryNode: SyntaxNode): boolean {
  return tryNode.children.some((c) => c.type === 'except_clause'
    && (/ImportError|ModuleNotFoundError|Exception/.test(textOf(c).split(':')[0]) || !/except\s+\w/.test(textOf(c))));
}

/**
 * The names an import statement binds: [local name, qualified name, and for a plain `import a.b.c`
 * (which binds `a`) the module it imports]. A relative import's qualified name keeps its dots
 * (`from ..layers import Block` → `..layers.Block`, `from . import blocks` → `.blocks`).
 */
export function importBindings(stmt: SyntaxNode): [string, string, string?][] {
  const out: [string, string, string?][] = [];
  if (stmt.type === 'import_statement') {
    for (const c of namedChildren(stmt)) {
      if (c.type === 'aliased_import') out.push([textOf(field(c, 'alias')!), dottedName(field(c, 'name')!)]);
      else if (c.type === 'dotted_name') {
        const name = dottedName(c);
        const top = name.split('.')[0];
        out.push(name === top ? [top, top] : [top, top, name]);
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const moduleNode = field(stmt, 'module_name');
    if (!moduleNode) return out;
    const from = dottedName(moduleNode);
    const qualify = (name: string): string => (from.endsWith('.') ? `${from}${name}` : `${from}.${name}`);
    for (const c of stmt.children.filter((x) => x.field === 'name')) {
      if (c.type === 'aliased_import') out.push([textOf(field(c, 'alias')!), qualify(dottedName(field(c, 'name')!))]);
      else out.push([dottedName(c), qualify(dottedName(c))]);
    }
  }
  return out;
}

function addImport(stmt: SyntaxNode, imports: Imports, optional: Map<string, string> | null): void {
  for (const [local, qualified, module] of importBindings(stmt)) {
    imports.names.set(local, qualified);
    if (module === undefined) imports.dotted.delete(local); else imports.dotted.set(local, module);
    optional?.set(local, qualified.split('.')[0]);
  }
}

interface Imports {
  readonly names: Map<string, string>;
  readonly dotted: Map<string, string>;
}

/** The parameters of a `def` or a `lambda`. */
export function parameters(fn: SyntaxNode): Param[] {
  const list = field(fn, 'parameters');
  if (!list) return [];
  return namedChildren(list).map((p): Param => {
    switch (p.type) {
      case 'identifier': return { name: textOf(p), star: false };
      case 'default_parameter': return { name: textOf(field(p, 'name')!), default: field(p, 'value'), star: false };
      case 'typed_parameter': {
        const id = p.children.find((c) => c.type === 'identifier');
        const splat = p.children.find((c) => c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern');
        const name = id ? textOf(id) : textOf(namedChildren(splat ?? p)[0] ?? p);
        return { name, annotation: field(p, 'type') && textOf(field(p, 'type')!), star: splat !== undefined, ...(splat ? { collects: collected(splat) } : {}) };
      }
      case 'typed_default_parameter':
        return { name: textOf(field(p, 'name')!), default: field(p, 'value'), annotation: field(p, 'type') && textOf(field(p, 'type')!), star: false };
      case 'list_splat_pattern': case 'dictionary_splat_pattern': return { name: textOf(p).replace(/^\*+/, ''), star: true, collects: collected(p) };
      default: return { name: textOf(p), star: true, marker: true };
    }
  });
}

/** `@dataclass`, `@dataclass(frozen=True)`, `@dataclasses.dataclass`, `@struct.dataclass`. */
const DATACLASS = /^(\w+\.)*dataclass\s*(\(|$)/;

/**
 * A dataclass field: an annotated name in the class body (`width: int = 768`), `ClassVar`s aside;
 * `field(default=…)` defaults to its `default`, `field(default_factory=…)` to nothing read here.
 */
function dataclassField(stmt: SyntaxNode): Param[] {
  const assignment = stmt.type === 'expression_statement' ? namedChildren(stmt)[0] : undefined;
  const left = assignment?.type === 'assignment' ? field(assignment, 'left') : undefined;
  const type = assignment && field(assignment, 'type');
  if (!assignment || left?.type !== 'identifier' || !type || /^(typing\.)?ClassVar\b/.test(textOf(type))) return [];
  const right = field(assignment, 'right');
  const called = right?.type === 'call' ? field(right, 'function') : undefined;
  const factory = called && /^(dataclasses\.)?field$/.test(textOf(called));
  const keyword = factory ? namedChildren(field(right!, 'arguments')!).find((a) => a.type === 'keyword_argument' && textOf(field(a, 'name')!) === 'default') : undefined;
  const value = factory ? (keyword ? field(keyword, 'value') : undefined) : right;
  return [{ name: textOf(left), annotation: textOf(type), star: false, ...(value ? { default: value } : {}) }];
}

function collected(splat: SyntaxNode): 'positional' | 'keywords' {
  return splat.type === 'list_splat_pattern' ? 'positional' : 'keywords';
}

function unwrapDecorated(node: SyntaxNode): { def: SyntaxNode; decorators: string[]; decoratorNodes: SyntaxNode[] } {
  if (node.type !== 'decorated_definition') return { def: node, decorators: [], decoratorNodes: [] };
  const def = field(node, 'definition') ?? node;
  const decorators = node.children.filter((c) => c.type === 'decorator');
  return { def, decorators: decorators.map((d) => textOf(d).replace(/^@\s*/, '')), decoratorNodes: decorators.flatMap((d) => namedChildren(d).slice(0, 1)) };
}

function functionInfo(path: string, def: SyntaxNode, decorated: { decorators: string[]; decoratorNodes: SyntaxNode[] }, className: string | null): FunctionInfo | undefined {
  const nameNode = field(def, 'name');
  const body = field(def, 'body');
  if (!nameNode || !body) return undefined;
  const name = textOf(nameNode);
  const qualName = className ? `${className}.${name}` : name;
  return { id: `${path}:${qualName}`, path, qualName, name, className, params: parameters(def), body: body.children, decorators: decorated.decorators, decoratorNodes: decorated.decoratorNodes, node: def };
}

/** Index one file's units. */
export function indexModule(path: string, units: readonly Unit[]): ModuleInfo {
  const imports: Imports = { names: new Map(), dotted: new Map() };
  const optional = new Map<string, string>();
  const classes = new Map<string, ClassInfo>();
  const functions = new Map<string, FunctionInfo>();
  const all: FunctionInfo[] = [];
  const moduleStatements: SyntaxNode[] = [];
  for (const unit of units) {
    for (const stmt of unit.root.type === 'ERROR' ? salvage(unit.root) : [unit.root]) {
      const decorated = unwrapDecorated(stmt);
      const { def } = decorated;
      if (def.type === 'function_definition') {
        const info = functionInfo(path, def, decorated, null);
        if (info) { functions.set(info.name, info); all.push(info); }
      } else if (def.type === 'class_definition') {
        const nameNode = field(def, 'name');
        const body = field(def, 'body');
        if (!nameNode || !body) continue;
        const name = textOf(nameNode);
        const methods = new Map<string, FunctionInfo>();
        const classBody: SyntaxNode[] = [];
        for (const member of body.children) {
          const m = unwrapDecorated(member);
          const info = m.def.type === 'function_definition' ? functionInfo(path, m.def, m, name) : undefined;
          if (info) { methods.set(info.name, info); all.push(info); } else classBody.push(member);
        }
        const superclasses = field(def, 'superclasses');
        const bases = superclasses ? namedChildren(superclasses).map(textOf) : [];
        const fields = decorated.decorators.some((d) => DATACLASS.test(d)) ? classBody.flatMap(dataclassField) : undefined;
        classes.set(name, { id: `${path}:${name}`, name, bases, methods, body: classBody, unit, ...(fields ? { dataclassFields: fields } : {}) });
      } else {
        moduleStatements.push(stmt);
      }
    }
  }
  collectTopImports(moduleStatements, imports, optional);
  const moduleFn: FunctionInfo = {
    id: `${path}:<module>`, path, qualName: '<module>', name: '<module>', className: null, params: [], body: moduleStatements, decorators: [], decoratorNodes: [], node: null,
  };
  all.push(moduleFn);
  return { path, imports: imports.names, dottedImports: imports.dotted, optional, classes, functions, allFunctions: all, units };
}

/** Imports at module level, descending into `try` and `if` blocks; a `try` that catches ImportError makes them optional. */
function collectTopImports(stmts: readonly SyntaxNode[], imports: Imports, optional: Map<string, string>): void {
  for (const s of stmts) {
    if (s.type === 'import_statement' || s.type === 'import_from_statement') addImport(s, imports, null);
    else if (s.type === 'try_statement') {
      const body = field(s, 'body');
      if (!body) continue;
      const guarded = catchesImportError(s);
      for (const inner of body.children) {
        if (inner.type === 'import_statement' || inner.type === 'import_from_statement') addImport(inner, imports, guarded ? optional : null);
      }
    } else if (s.type === 'if_statement') {
      // `if is_xformers_available(): import xformers.ops` / `else: xformers = None`: as guarded as a `try`.
      for (const block of ifBlocks(s)) {
        for (const inner of block) {
          const imported = inner.type === 'import_statement' || inner.type === 'import_from_statement' ? importBindings(inner)[0]?.[1].split('.')[0] : undefined;
          if (imported && checksAvailability(s, imported)) addImport(inner, imports, optional);
          else collectTopImports([inner], imports, optional);
        }
      }
    }
  }
}

const STATEMENTS = new Set([
  'expression_statement', 'return_statement', 'if_statement', 'for_statement', 'while_statement', 'with_statement', 'try_statement',
  'function_definition', 'class_definition', 'decorated_definition', 'import_statement', 'import_from_statement', 'call',
]);

/** The statements and calls that did parse inside an ERROR node (tree-sitter's recovery keeps them as children). */
function salvage(error: SyntaxNode): SyntaxNode[] {
  return error.children.flatMap((c) => (STATEMENTS.has(c.type) ? [c] : salvage(c)));
}
