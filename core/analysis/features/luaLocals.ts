// Which local every name in a Lua chunk refers to, from the syntax tree (luaparse's, walked by
// walkLua): hover, go to definition and rename of locals. luaparse's own `scope` option only marks
// identifiers local or global; the binding is computed here from node ranges, as Lua scopes them:
// a local is visible from the end of its statement to the end of its block, a `local function`
// inside its own body, a parameter inside its function, a loop variable inside its loop's body.
import type * as luaparse from 'luaparse';
import { offsetsOf } from '../modulefile/luaAst';
import { walkLua } from '../modulefile/luaWalk';

export type LocalKind = 'local' | 'function' | 'parameter' | 'loop';

export interface LocalDeclaration {
  name: string;
  kind: LocalKind;
  /** The declaring identifier's offsets. */
  start: number;
  end: number;
  /** Where the name refers to this declaration: [scopeStart, scopeEnd). */
  scopeStart: number;
  scopeEnd: number;
}

export interface NameOccurrence {
  name: string;
  start: number;
  end: number;
  /** Index into `declarations`; undefined: a global (or a name no local of this chunk binds). */
  declaration: number | undefined;
  isDeclaration: boolean;
}

export interface LocalBindings {
  /** In source order of their identifiers. */
  declarations: LocalDeclaration[];
  /** Every name that is a variable (not a field, a table key or a label), in source order. */
  occurrences: NameOccurrence[];
}

type BlockNode = luaparse.Node & { body?: unknown };

export function bindLocals(chunk: luaparse.Chunk): LocalBindings {
  const declarations: LocalDeclaration[] = [];
  const declared = new Map<luaparse.Identifier, number>();
  const uses: luaparse.Identifier[] = [];
  const declare = (id: luaparse.Node, kind: LocalKind, scopeStart: number, scopeEnd: number) => {
    if (id.type !== 'Identifier') return; // `...`
    const [start, end] = offsetsOf(id);
    declared.set(id, declarations.length);
    declarations.push({ name: id.name, kind, start, end, scopeStart, scopeEnd });
  };
  walkLua(chunk, (node, parent) => {
    switch (node.type) {
      case 'LocalStatement': {
        // Visible after the whole statement: `local x = x` reads the outer x.
        const end = blockEnd(parent as BlockNode | undefined, chunk);
        for (const id of node.variables) declare(id, 'local', offsetsOf(node)[1], end);
        return;
      }
      case 'FunctionDeclaration': {
        const [, fnEnd] = offsetsOf(node);
        if (node.isLocal && node.identifier?.type === 'Identifier')
          declare(node.identifier, 'function', offsetsOf(node.identifier)[0], blockEnd(parent, chunk));
        for (const p of node.parameters) declare(p, 'parameter', offsetsOf(p)[1], fnEnd);
        return;
      }
      case 'ForNumericStatement': {
        // The bounds are read before the variable exists: `for i = i, 3` reads the outer i.
        const after = Math.max(
          ...[node.start, node.end, node.step].filter((e) => e).map((e) => offsetsOf(e!)[1]),
        );
        declare(node.variable, 'loop', after, offsetsOf(node)[1]);
        return;
      }
      case 'ForGenericStatement': {
        const after = Math.max(...node.iterators.map((e) => offsetsOf(e)[1]));
        for (const v of node.variables) declare(v, 'loop', after, offsetsOf(node)[1]);
        return;
      }
      case 'Identifier':
        if (!isVariableName(node, parent)) return;
        uses.push(node);
        return;
      default:
        return;
    }
  });
  // The innermost visible declaration is the one whose scope started last (scopes nest).
  const byName = new Map<string, number[]>();
  declarations.forEach((d, i) => {
    const list = byName.get(d.name);
    if (list) list.push(i);
    else byName.set(d.name, [i]);
  });
  const occurrences: NameOccurrence[] = uses.map((id) => {
    const [start, end] = offsetsOf(id);
    const own = declared.get(id);
    if (own !== undefined) return { name: id.name, start, end, declaration: own, isDeclaration: true };
    let best: number | undefined;
    for (const i of byName.get(id.name) ?? []) {
      const d = declarations[i];
      if (
        d.scopeStart <= start &&
        start < d.scopeEnd &&
        (best === undefined || d.scopeStart >= declarations[best].scopeStart)
      )
        best = i;
    }
    return { name: id.name, start, end, declaration: best, isDeclaration: false };
  });
  occurrences.sort((a, b) => a.start - b.start);
  const order = declarations.map((_, i) => i).sort((a, b) => declarations[a].start - declarations[b].start);
  const renumber = new Map(order.map((old, i) => [old, i]));
  return {
    declarations: order.map((i) => declarations[i]),
    occurrences: occurrences.map((o) =>
      o.declaration === undefined ? o : { ...o, declaration: renumber.get(o.declaration) },
    ),
  };
}

/** The end of the block a statement stands in (its parent: a chunk, a clause, a loop, a function). */
function blockEnd(parent: BlockNode | undefined, chunk: luaparse.Chunk): number {
  return parent ? offsetsOf(parent)[1] : offsetsOf(chunk)[1];
}

/** A name read or assigned as a variable: not `t.field`, `{ key = v }`, `::label::` or `goto label`. */
function isVariableName(id: luaparse.Identifier, parent: luaparse.Node | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.identifier !== id;
    case 'TableKeyString':
      return parent.key !== id;
    case 'LabelStatement':
    case 'GotoStatement':
      return false;
    default:
      return true;
  }
}

/** The occurrence whose identifier holds OFFSET (its end included: the cursor right after a name). */
export function occurrenceAt(bindings: LocalBindings, offset: number): NameOccurrence | undefined {
  return bindings.occurrences.find((o) => o.start <= offset && offset <= o.end);
}

/** Every occurrence of the declaration, the declaring one included. */
export function occurrencesOf(bindings: LocalBindings, declaration: number): NameOccurrence[] {
  return bindings.occurrences.filter((o) => o.declaration === declaration);
}
