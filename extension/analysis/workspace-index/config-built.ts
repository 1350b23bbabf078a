/**
 * Classes a config builds (issue #13 item 2). A factory that looks a class up by a name it is given
 * at run time (`getattr(importlib.import_module(module), name)`, hydra's `instantiate(cfg)` or
 * `get_class(path)`, `pydoc.locate(path)`) builds whatever class a config names, with the arguments
 * the config gives. A class the files never name (imports and its own body aside) is built there if
 * anywhere, so each default of its constructor is what a config may set. Syntax only.
 */
import { fileMark } from '../syntax/file-labels';
import { lineMark } from '../syntax/positions';
import { field, namedChildren, textOf, type SyntaxNode, type Unit } from '../syntax/syntax';
import type { ClassInfo, ModuleInfo } from './module-index';

/** A factory found in a unit: the call, and the function it is in (null at a module's top level). */
interface Factory { readonly call: SyntaxNode; readonly inFunction: string | null }

/** Library functions that build or return what a dotted name names. */
const LOOKUPS = new Set(['hydra.utils.instantiate', 'hydra.utils.get_class', 'hydra.utils.get_method', 'pydoc.locate']);

/** Per unit, its first factory (units are immutable). */
const FACTORIES = new WeakMap<Unit, Factory | null>();
/** Per unit, the names its code uses, import statements aside. */
const NAMES = new WeakMap<Unit, ReadonlySet<string>>();
/** Per module's statements, the units that use each name (a module's statements are kept while its file is unchanged). */
const BY_NAME = new WeakMap<readonly Unit[], ReadonlyMap<string, readonly Unit[]>>();

/** Built once per run and asked per class, like CallersIndex. */
export class ConfigBuilt {
  private factory: string | null | undefined;

  constructor(private readonly modules: readonly ModuleInfo[]) {}

  /**
   * Where a config may build `cls` and set its constructor's arguments (`` `get_obj_from_str` at
   * util.py:185 ``); undefined where the files name the class elsewhere or build nothing by name.
   */
  builder(cls: ClassInfo): string | undefined {
    const factory = this.factoryWhere();
    if (factory === undefined) return undefined;
    const named = this.modules.some((module) => (unitsByName(module.units).get(cls.name) ?? [])
      .some((unit) => unit !== cls.unit || namesOf(unit, cls.name).has(cls.name)));
    return named ? undefined : factory;
  }

  /** Where the workspace builds classes by name (its first factory), if it does. */
  factoryWhere(): string | undefined {
    this.factory ??= firstFactory(this.modules) ?? null;
    return this.factory ?? undefined;
  }
}

function firstFactory(modules: readonly ModuleInfo[]): string | undefined {
  for (const module of modules) {
    for (const unit of module.units) {
      const found = factoryIn(unit, module);
      if (found) return `\`${found.inFunction ?? textOf(found.call)}\` at ${fileMark(module.path)}:${lineMark(found.call)}`;
    }
  }
  return undefined;
}

function factoryIn(unit: Unit, module: ModuleInfo): Factory | undefined {
  let found = FACTORIES.get(unit);
  if (found !== undefined) return found ?? undefined;
  found = null;
  if (/import_module|instantiate|get_class|get_method|locate/.test(unit.text)) {
    // Names bound to an imported module: `module = importlib.import_module(name)`.
    const modulesBound = new Set<string>();
    const visit = (node: SyntaxNode, inFunction: string | null): void => {
      if (found) return;
      if (node.type === 'assignment') {
        const left = field(node, 'left'); const right = field(node, 'right');
        if (left?.type === 'identifier' && right && importsModule(right)) modulesBound.add(textOf(left));
      }
      if (node.type === 'call' && looksUpByName(node, module, modulesBound)) { found = { call: node, inFunction }; return; }
      const name = node.type === 'function_definition' ? field(node, 'name') : undefined;
      for (const c of node.children) visit(c, name ? textOf(name) : inFunction);
    };
    visit(unit.root, null);
  }
  FACTORIES.set(unit, found);
  return found ?? undefined;
}

/** `importlib.import_module(…)` or `import_module(…)`. */
function importsModule(node: SyntaxNode): boolean {
  const fn = node.type === 'call' ? field(node, 'function') : undefined;
  return fn !== undefined && /(^|\.)import_module$/.test(textOf(fn));
}

/** `getattr(<an imported module>, name)` with a name that is no literal, or a library function that resolves a dotted name. */
function looksUpByName(call: SyntaxNode, module: ModuleInfo, modulesBound: ReadonlySet<string>): boolean {
  const fn = field(call, 'function');
  const args = field(call, 'arguments');
  if (!fn || !args) return false;
  if (fn.type === 'identifier' && textOf(fn) === 'getattr') {
    const [obj, name] = namedChildren(args);
    const imported = obj !== undefined && (importsModule(obj) || (obj.type === 'identifier' && modulesBound.has(textOf(obj))));
    return imported && name !== undefined && name.type !== 'string';
  }
  return LOOKUPS.has(qualified(fn, module));
}

/** `instantiate` imported from `hydra.utils` → `hydra.utils.instantiate`; `hydra.utils.instantiate` as written. */
function qualified(fn: SyntaxNode, module: ModuleInfo): string {
  const text = textOf(fn).replace(/\s+/g, '');
  const [head, ...rest] = text.split('.');
  const full = module.imports.get(head!) ?? module.dottedImports.get(head!) ?? head!;
  return [full, ...rest].join('.');
}

/** Name → the units among `units` that use it, import statements aside. */
function unitsByName(units: readonly Unit[]): ReadonlyMap<string, readonly Unit[]> {
  const kept = BY_NAME.get(units);
  if (kept) return kept;
  const byName = new Map<string, Unit[]>();
  for (const unit of units) {
    for (const name of namesOf(unit)) {
      const list = byName.get(name);
      if (list) list.push(unit); else byName.set(name, [unit]);
    }
  }
  BY_NAME.set(units, byName);
  return byName;
}

/**
 * The identifiers a unit's code uses, import statements aside; with `ownClass`, also the body of the
 * class of that name left out (`super(Net, self)` does not build a Net), and not kept.
 */
function namesOf(unit: Unit, ownClass?: string): ReadonlySet<string> {
  const kept = ownClass === undefined ? NAMES.get(unit) : undefined;
  if (kept) return kept;
  const names = new Set<string>();
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement') return;
    if (node.type === 'class_definition' && ownClass !== undefined && textOf(field(node, 'name') ?? node) === ownClass) return;
    if (node.type === 'identifier') names.add(textOf(node));
    for (const c of node.children) visit(c);
  };
  visit(unit.root);
  if (ownClass === undefined) NAMES.set(unit, names);
  return names;
}
