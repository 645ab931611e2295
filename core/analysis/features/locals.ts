// Editor features on a modulefile's locals: hover (the value the checker folded, where it is
// defined), go to definition and rename. Names are bound by luaLocals.ts on the tolerant parse of
// the text (the analysis's own parser); values come from the analysis (the evaluator's).
import type { LuaVersion } from '../env';
import { parseTolerant, parseLua } from '../modulefile/luaAst';
import type { ModulefileAnalysis } from '../modulefile/types';
import { renderValue } from '../modulefile/renderValue';
import { SourceMap } from '../modulefile/source';
import type { Range } from '../types';
import {
  bindLocals,
  occurrenceAt,
  occurrencesOf,
  type LocalBindings,
  type NameOccurrence,
} from './luaLocals';

const LUA_KEYWORDS = new Set(
  (
    'and break do else elseif end false for function goto if in local nil not or repeat return then ' +
    'true until while'
  ).split(' '),
);
const LUA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Bound {
  bindings: LocalBindings;
  source: SourceMap;
  syntaxError: boolean;
}

function bind(text: string, luaVersion: LuaVersion, analysis?: ModulefileAnalysis): Bound | undefined {
  const parsed = parseTolerant(text, luaVersion, analysis?.resumableParse);
  if (!parsed.chunk) return undefined;
  return {
    bindings: bindLocals(parsed.chunk),
    source: new SourceMap(text),
    syntaxError: parsed.syntaxError !== undefined,
  };
}

/** Whether a name may stand at OFFSET (the cursor on or right after one): else nothing is parsed. */
const nameCharAt = (text: string, offset: number) =>
  /\w/.test(text[offset] ?? '') || /\w/.test(text[offset - 1] ?? '');

/** The local whose name is at OFFSET: the occurrence and its declaration. */
function localAt(bound: Bound, offset: number) {
  const occurrence = occurrenceAt(bound.bindings, offset);
  if (occurrence?.declaration === undefined) return undefined;
  return { occurrence, declaration: bound.bindings.declarations[occurrence.declaration] };
}

const KIND_WORDS = {
  local: 'local',
  function: 'local function',
  parameter: 'parameter',
  loop: 'loop variable',
} as const;

export interface LocalHover {
  markdown: string;
  range: Range;
}

export function hoverLocal(
  text: string,
  offset: number,
  analysis: ModulefileAnalysis,
  luaVersion: LuaVersion,
): LocalHover | undefined {
  if (!nameCharAt(text, offset)) return undefined;
  const bound = bind(text, luaVersion, analysis);
  const at = bound && localAt(bound, offset);
  if (!bound || !at) return undefined;
  const { occurrence, declaration } = at;
  const line = bound.source.position(declaration.start).line + 1;
  const head =
    '```lua\n' +
    `${declaration.kind === 'function' ? 'local function' : 'local'} ${declaration.name}` +
    '\n```';
  const where = occurrence.isDeclaration
    ? `${capitalised(KIND_WORDS[declaration.kind])}, defined here (line ${line}).`
    : `${capitalised(KIND_WORDS[declaration.kind])} defined at line ${line}.`;
  const parts = [head, valueText(analysis, occurrence, declaration.kind), where].filter((p) => p !== '');
  return { markdown: parts.join('\n\n'), range: bound.source.range(occurrence.start, occurrence.end) };
}

function valueText(analysis: ModulefileAnalysis, occurrence: NameOccurrence, kind: string): string {
  if (kind === 'parameter') return "Value: the caller's (not known here).";
  if (kind === 'loop') return 'Value: changes with each pass of the loop.';
  if (kind === 'function') return '';
  const known = analysis.localValues?.get(occurrence.start);
  if (!known) return 'Value: not known here.';
  const vars = known.envReads.map((v) => `\`${v}\``).join(', ');
  const from = vars ? ` (from ${vars})` : '';
  const nil = known.nilWhenUnset ? `; **nil** where \`${known.nilWhenUnset}\` is unset` : '';
  // As messages show it: a value from the process environment as $NAME.
  if (typeof known.value === 'string')
    return 'Value: `' + renderValue(known.value, analysis.hiddenValues) + '`' + from + nil + '.';
  if (known.value === null)
    return known.nilWhenUnset
      ? `Value: **nil** where \`${known.nilWhenUnset}\` is unset.`
      : 'Value: **nil**.';
  const why = vars
    ? ` before load time: it depends on ${vars}; give a value in the \`lumiModules.env\` setting`
    : ' before load time';
  return `Value: not known${why}${nil}.`;
}

const capitalised = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Where the local at OFFSET is declared (offsets), or undefined when no local is there. */
export function definitionOfLocal(
  text: string,
  offset: number,
  luaVersion: LuaVersion,
  analysis?: ModulefileAnalysis,
): Range | undefined {
  if (!nameCharAt(text, offset)) return undefined;
  const bound = bind(text, luaVersion, analysis);
  const at = bound && localAt(bound, offset);
  return at && bound.source.range(at.declaration.start, at.declaration.end);
}

export type RenameTarget =
  { ok: true; range: Range; placeholder: string } | { ok: false; message: string } | undefined;

/** What a rename at OFFSET would rename; undefined where there is no name at all. */
export function prepareRenameLocal(text: string, offset: number, luaVersion: LuaVersion): RenameTarget {
  const bound = bind(text, luaVersion);
  if (!bound) return { ok: false, message: 'fix the syntax error first: the file does not parse' };
  const occurrence = occurrenceAt(bound.bindings, offset);
  if (!occurrence) return undefined;
  if (occurrence.declaration === undefined)
    return { ok: false, message: `'${occurrence.name}' is a global: only locals are renamed` };
  if (bound.syntaxError)
    return { ok: false, message: 'fix the syntax error first: a part of the file does not parse' };
  return {
    ok: true,
    range: bound.source.range(occurrence.start, occurrence.end),
    placeholder: occurrence.name,
  };
}

export type RenameResult =
  { ok: true; edits: { range: Range; newText: string }[] } | { ok: false; message: string };

/**
 * Renames the local at OFFSET and every name that refers to it, nothing else (a shadowing local, a
 * global of the same name, a string). Refused where the new name would change what a name refers
 * to: the renamed text is bound again and must bind every name as before.
 */
export function renameLocal(
  text: string,
  offset: number,
  newName: string,
  luaVersion: LuaVersion,
): RenameResult {
  const target = prepareRenameLocal(text, offset, luaVersion);
  if (!target) return { ok: false, message: 'no local here to rename' };
  if (!target.ok) return target;
  if (!LUA_NAME.test(newName) || LUA_KEYWORDS.has(newName))
    return { ok: false, message: `'${newName}' is not a Lua name` };
  const bound = bind(text, luaVersion)!;
  const { declaration } = localAt(bound, offset)!;
  const index = bound.bindings.declarations.indexOf(declaration);
  const renamed = occurrencesOf(bound.bindings, index);
  let out = '';
  let last = 0;
  for (const o of renamed) {
    out += text.slice(last, o.start) + newName;
    last = o.end;
  }
  out += text.slice(last);
  const conflict = changedBinding(bound.bindings, out, luaVersion, index, newName);
  if (conflict) return { ok: false, message: conflict };
  return {
    ok: true,
    edits: renamed.map((o) => ({ range: bound.source.range(o.start, o.end), newText: newName })),
  };
}

/** Why the renamed text binds a name differently, or undefined when every name keeps its binding. */
function changedBinding(
  before: LocalBindings,
  renamedText: string,
  luaVersion: LuaVersion,
  renamed: number,
  newName: string,
): string | undefined {
  let after: LocalBindings;
  try {
    after = bindLocals(parseLua(renamedText, luaVersion));
  } catch {
    return `renaming to '${newName}' would not parse`;
  }
  if (after.occurrences.length !== before.occurrences.length)
    return `renaming to '${newName}' changes the file's names`;
  for (let i = 0; i < before.occurrences.length; i++) {
    const b = before.occurrences[i];
    const a = after.occurrences[i];
    if (a.declaration !== b.declaration) {
      const line = new SourceMap(renamedText).position(a.start).line + 1;
      return `renaming to '${newName}' changes what '${b.name}' on line ${line} refers to`;
    }
  }
  return undefined;
}
