/**
 * What a module's top level runs, as text that stays the same while that does: its statements
 * other than definitions by identity, definitions without their function bodies. A method body typed
 * into does not change what running the top level as a script does (a class value is its id; which
 * body an id runs is checked per invocation), so the module's kept script run stays reusable; a
 * statement added or edited changes it.
 */
import { field, type SyntaxNode } from '../syntax/syntax';

/** One line per top-level statement: a definition's text without function bodies; any other statement's unit, by identity. */
export function moduleShape(statements: readonly SyntaxNode[]): string {
  return statements.map((s) => (isDefinition(s) ? withoutFunctionBodies(s) : `#${s.unit.id}`)).join('\n');
}

function isDefinition(node: SyntaxNode): boolean {
  return node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'decorated_definition';
}

/** The definition's text with each function body in it (methods of classes, however nested) cut out. */
function withoutFunctionBodies(node: SyntaxNode): string {
  const cuts: SyntaxNode[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'function_definition') {
      const body = field(n, 'body');
      if (body) { cuts.push(body); return; }
    }
    for (const c of n.children) visit(c);
  };
  visit(node);
  let text = ''; let at = node.start;
  for (const cut of cuts) { text += node.unit.text.slice(at, cut.start) + '…'; at = cut.end; }
  return text + node.unit.text.slice(at, node.end);
}
