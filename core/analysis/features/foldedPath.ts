// The directory a path string continues, where the string is not a whole path itself: a later
// argument of pathJoin (`pathJoin(signRoot, "|`) or the right side of `..` after a local
// (`root .. "/|`). The prefix is what the evaluator folds the earlier arguments or the local to,
// in the document as it is, or else in the document with the string and its brackets closed at the
// cursor (a half-typed call the parser had to skip).
import { join, posix } from 'node:path';
import type { AnalysisEnv } from '../env';
import { evaluateModulefile } from '../modulefile/evaluate';
import { parseTolerant } from '../modulefile/luaAst';
import { SourceMap } from '../modulefile/source';
import type { LmodCall, LocalValueAt } from '../modulefile/types';
import { contains } from './hover';
import type { LuaCursor } from './luaCursor';

/** What the evaluator found in a version of the text: calls, and locals where their names stand. */
interface Folded {
  calls: readonly LmodCall[];
  localValues?: ReadonlyMap<number, LocalValueAt>;
  source: SourceMap;
}

/**
 * `undefined`: the string is no continuation (complete it as a path of its own); `null`: it is one,
 * but the prefix is not known (or leaves it with `..`): nothing to offer; else the directory whose
 * entries complete the string, and where the typed name starts.
 */
export function foldedDirectory(
  text: string,
  offset: number,
  cursor: LuaCursor,
  filePath: string,
  env: AnalysisEnv,
  current?: { calls: readonly LmodCall[]; localValues?: ReadonlyMap<number, LocalValueAt> },
): { dir: string; nameStart: number } | null | undefined {
  const string = cursor.string;
  if (!string || string.close.length !== 1) return undefined;
  const before = text.slice(0, string.contentStart - 1);
  const concat = /([A-Za-z_]\w*)\s*\.\.\s*$/.exec(before);
  const joined =
    !concat && cursor.call?.name === 'pathJoin' && cursor.call.argIndex > 0 && /[(,]\s*$/.test(before);
  if (!concat && !joined) return undefined;
  const prefixOf = (folded: Folded): string | undefined => {
    if (concat) {
      const value = folded.localValues?.get(concat.index)?.value;
      return typeof value === 'string' ? value : undefined;
    }
    const pos = folded.source.position(offset);
    const call = folded.calls
      .filter((c) => {
        const arg = c.args[cursor.call!.argIndex];
        return c.name === 'pathJoin' && c.isGlobal && arg !== undefined && contains(arg.range, pos);
      })
      .pop();
    const parts = call?.args.slice(0, cursor.call!.argIndex).map((a) => a.value);
    return parts && parts.every((p) => typeof p === 'string') ? parts.join('/') + '/' : undefined;
  };
  let prefix = current ? prefixOf({ ...current, source: new SourceMap(text) }) : undefined;
  if (prefix === undefined) {
    const lineEnd = text.indexOf('\n', offset);
    const closed =
      text.slice(0, offset) + string.close + cursor.closing + (lineEnd === -1 ? '' : text.slice(lineEnd));
    prefix = prefixOf(evaluated(closed, filePath, env));
  }
  if (prefix === undefined || !prefix.startsWith('/')) return null;
  const typed = string.prefix;
  const slash = typed.lastIndexOf('/');
  const typedDir = typed.slice(0, slash + 1);
  // Never above what the prefix folds to.
  if (typedDir.split('/').includes('..')) return null;
  return { dir: posix.normalize(join(prefix, typedDir)), nameStart: string.contentStart + slash + 1 };
}

function evaluated(text: string, filePath: string, env: AnalysisEnv): Folded {
  const parsed = parseTolerant(text, env.luaVersion);
  if (!parsed.chunk) return { calls: [], source: new SourceMap(text) };
  const source = new SourceMap(parsed.parsedText);
  try {
    const evaluation = evaluateModulefile(parsed.chunk, source, filePath, env.getenv, undefined, true);
    return { calls: evaluation.calls, localValues: evaluation.localValues, source };
  } catch {
    return { calls: [], source };
  }
}
