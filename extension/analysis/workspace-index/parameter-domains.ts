/**
 * The values a constructor's code allows a parameter (issue #13 item 2): `assert mode in MODES` or
 * `if mode not in MODES: raise …` in its body, MODES a literal tuple, list or set (or a dict: its
 * keys) written there, in the class body (`self.MODES`, `cls.MODES`, `Class.MODES`, `MODES`) or at
 * the module's top level; or a `Literal[…]` annotation. Values are strings, integers, booleans and
 * None. Syntax only.
 */
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { moduleLevel, type ClassInfo, type FunctionInfo, type ModuleInfo } from './module-index';

export type Constant = string | number | boolean | null;

/** Per parameter of `init` whose values the code lists, those values in the order written. */
export function parameterDomains(init: FunctionInfo, cls: ClassInfo, module: ModuleInfo): Map<string, readonly Constant[]> {
  const domains = new Map<string, readonly Constant[]>();
  for (const p of init.params) {
    const listed = p.annotation ? literalAnnotation(p.annotation) : undefined;
    if (listed) domains.set(p.name, listed);
  }
  const names = new Set(init.params.map((p) => p.name));
  for (const stmt of init.body) {
    const check = membershipCheck(stmt);
    if (!check || !names.has(check.name) || domains.has(check.name)) continue;
    const values = constants(check.container) ?? constants(namedConstant(check.container, cls, module));
    if (values) domains.set(check.name, values);
  }
  return domains;
}

/** `assert name in C` or `if name not in C: raise …`: the parameter's name and C. */
function membershipCheck(stmt: SyntaxNode): { readonly name: string; readonly container: SyntaxNode } | undefined {
  if (stmt.type === 'assert_statement') return membership(namedChildren(stmt)[0], 'in');
  if (stmt.type !== 'if_statement' || stmt.children.some((c) => c.field === 'alternative')) return undefined;
  const raises = field(stmt, 'consequence')?.children.some((s) => s.type === 'raise_statement');
  return raises ? membership(field(stmt, 'condition'), 'not in') : undefined;
}

function membership(test: SyntaxNode | undefined, op: 'in' | 'not in'): { readonly name: string; readonly container: SyntaxNode } | undefined {
  if (test?.type !== 'comparison_operator') return undefined;
  const [left, right] = namedChildren(test);
  const opNode = test.children.find((c) => c.field === 'operators');
  if (!left || !right || left.type !== 'identifier' || !opNode || textOf(opNode).replace(/\s+/g, ' ') !== op) return undefined;
  return { name: textOf(left), container: right };
}

/** What `self.MODES` / `cls.MODES` / `Class.MODES` / `MODES` is assigned in the class body, else at the module's top level. */
function namedConstant(node: SyntaxNode, cls: ClassInfo, module: ModuleInfo): SyntaxNode | undefined {
  const owner = node.type === 'attribute' ? field(node, 'object') : undefined;
  const onClass = owner?.type === 'identifier' && ['self', 'cls', cls.name].includes(textOf(owner));
  const name = onClass ? textOf(field(node, 'attribute')!) : node.type === 'identifier' ? textOf(node) : undefined;
  if (!name) return undefined;
  return assignedIn(cls.body, name) ?? (onClass ? undefined : assignedIn(moduleLevel(module).body, name));
}

function assignedIn(stmts: readonly SyntaxNode[], name: string): SyntaxNode | undefined {
  for (const stmt of stmts) {
    const assignment = stmt.type === 'expression_statement' ? namedChildren(stmt)[0] : undefined;
    const left = assignment?.type === 'assignment' ? field(assignment, 'left') : undefined;
    if (left?.type === 'identifier' && textOf(left) === name) return field(assignment!, 'right');
  }
  return undefined;
}

/** The constants of a literal tuple, list or set, or the keys of a literal dict; undefined where one is not a constant. */
function constants(node: SyntaxNode | undefined): Constant[] | undefined {
  if (!node || !['tuple', 'list', 'set', 'dictionary'].includes(node.type)) return undefined;
  const items = namedChildren(node).map((item) => (node.type === 'dictionary' ? (item.type === 'pair' ? field(item, 'key') : undefined) : item));
  const values = items.map(constant);
  return values.length > 0 && values.every((v) => v !== undefined) ? values as Constant[] : undefined;
}

function constant(node: SyntaxNode | undefined): Constant | undefined {
  switch (node?.type) {
    case 'string': return node.children.some((c) => c.type === 'interpolation') ? undefined : stringValue(textOf(node));
    case 'integer': return Number(textOf(node));
    case 'true': return true;
    case 'false': return false;
    case 'none': return null;
    default: return undefined;
  }
}

function stringValue(text: string): string {
  return text.replace(/^[rbu]*("""|'''|"|')/i, '').replace(/("""|'''|"|')$/, '');
}

/** `Literal["torch", "xformers"]` (`typing.` or not): its constants; undefined for any other annotation. */
function literalAnnotation(annotation: string): Constant[] | undefined {
  const inner = /^(?:typing(?:_extensions)?\.)?Literal\[(.*)\]$/s.exec(annotation.trim())?.[1];
  if (inner === undefined) return undefined;
  const items = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const values = items.map((item): Constant | undefined => {
    const quoted = /^(['"])(.*)\1$/s.exec(item);
    if (quoted) return quoted[2]!;
    if (/^-?\d+$/.test(item)) return Number(item);
    return item === 'True' ? true : item === 'False' ? false : item === 'None' ? null : undefined;
  });
  return values.length > 0 && values.every((v) => v !== undefined) ? values as Constant[] : undefined;
}
