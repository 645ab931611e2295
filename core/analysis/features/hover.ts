// Hover for modulefiles: on a path expression its resolved value and whether it exists; on a
// called function its Lmod documentation.
import { CONTAINER_KIND_NAMES, type ModulefileAnalysis, type PathExpression } from '../modulefile/types';
import { factsMarkdown } from '../../image/describe';
import { localImageFacts } from '../../image/facts';
import { lmodFunctions } from '../modulefile/lmodApi';
import { renderValue } from '../modulefile/renderValue';
import type { Position, Range } from '../types';
import type { LuaVersion } from '../env';
import { offsetAt } from './luaCursor';
import { hoverLocal } from './locals';

export interface HoverResult {
  markdown: string;
  range: Range;
}

export function contains(range: Range, pos: Position): boolean {
  const afterStart =
    pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd =
    pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** Smallest range first, so the innermost expression wins. */
export function rangeSize(r: Range): number {
  return (r.end.line - r.start.line) * 1e6 + (r.end.character - r.start.character);
}

const existsText: Record<string, string> = {
  file: 'exists (file)',
  dir: 'exists (directory)',
  other: 'exists (not a regular file)',
  missing: '**does not exist**',
};

const IMAGE_NAME = /\.(sif|sqsh|squashfs|sqfs)$/;

/** An existing image's facts (read again when it changes: the cache goes by identity). */
function imageHover(path: PathExpression): string {
  const isImage = path.role === 'sing-image' || IMAGE_NAME.test(path.value ?? '');
  if (!isImage || path.exists !== 'file' || !path.value) return '';
  const outcome = localImageFacts(path.value);
  return outcome.ok ? '\n\n' + factsMarkdown(outcome.facts) : `\n\nImage not read: ${outcome.error.message}`;
}

/**
 * The image a local's value names: the existing image path equal to it, or ending in it (a bare
 * `local singName = 'x.sif'` joined onto the image directory), SING_IMAGE's first.
 */
function imageOfLocal(analysis: ModulefileAnalysis, value: string): PathExpression | undefined {
  const candidates = analysis.paths.filter(
    (p) =>
      p.exists === 'file' &&
      p.value !== undefined &&
      (p.value === value || p.value.endsWith('/' + value.replace(/^\.?\/+/, ''))) &&
      (p.role === 'sing-image' || IMAGE_NAME.test(p.value)),
  );
  return candidates.find((p) => p.role === 'sing-image') ?? candidates[0];
}

/** Hover on a local (its name or its value) that holds an image's name or path. */
function localImageHover(analysis: ModulefileAnalysis, pos: Position): HoverResult | undefined {
  const local = analysis.symbols.find(
    (s) =>
      s.kind === 'local' &&
      s.detail &&
      (contains(s.selectionRange, pos) || (s.valueRange !== undefined && contains(s.valueRange, pos))),
  );
  if (!local?.detail) return undefined;
  const image = imageOfLocal(analysis, local.detail);
  if (!image?.value || (!IMAGE_NAME.test(local.detail) && image.value !== local.detail)) return undefined;
  const range = contains(local.selectionRange, pos) ? local.selectionRange : local.valueRange!;
  return {
    markdown:
      `\`${local.name}\` names the image \`${renderValue(image.value, analysis.hiddenValues)}\`` +
      imageHover(image),
    range,
  };
}

/** On a global Lmod function its documentation, on a local its value, on a path expression its value. */
export function hoverModulefile(
  analysis: ModulefileAnalysis,
  pos: Position,
  document?: { text: string; luaVersion: LuaVersion },
): HoverResult | undefined {
  const call = analysis.calls.find((c) => contains(c.nameRange, pos));
  if (call?.isGlobal) {
    const f = analysis.functions.get(call.name) ?? lmodFunctions.get(call.name);
    const kind = analysis.containerKind
      ? `\n\nThis module: ${CONTAINER_KIND_NAMES[analysis.containerKind]}.`
      : '';
    if (f) return { markdown: '```lua\n' + f.signature + '\n```\n\n' + f.doc + kind, range: call.nameRange };
  }
  const path = analysis.paths
    .filter((p) => contains(p.range, pos))
    .sort((a, b) => rangeSize(a.range) - rangeSize(b.range))[0];
  const local =
    document &&
    hoverLocal(
      document.text,
      offsetAt(document.text, pos.line, pos.character),
      analysis,
      document.luaVersion,
    );
  if (local) {
    const image = localImageHover(analysis, pos);
    if (image) return { markdown: `${image.markdown}\n\n---\n\n${local.markdown}`, range: image.range };
    // A local that is a path argument (`prepend_path('PATH', bin)`) or a part of one: the path too.
    const same = path && rangeSize(path.range) === rangeSize(local.range);
    const state =
      !path || path.value === undefined
        ? ''
        : same
          ? '\n\nPath: ' + pathState(path)
          : '\n\nIn the path `' + renderValue(path.value, analysis.hiddenValues) + '`: ' + pathState(path);
    return { markdown: local.markdown + state, range: local.range };
  }
  if (path) {
    if (path.value === undefined) {
      const vars = path.envVariables ?? [];
      const why = vars.length
        ? `depends on ${vars.map((v) => `\`${v}\``).join(', ')}: give ${vars.length === 1 ? 'it' : 'them'} ` +
          `a value in the \`lumiModules.env\` setting (or \`check --env ${vars[0]}=...\`), ` +
          `or write \`os.getenv('${vars[0]}') or '<default>'\``
        : 'depends on a value unknown before load time';
      return { markdown: `Path: *not resolvable statically* (${why})`, range: path.range };
    }
    const state = pathState(path);
    const vars = path.envVariables ?? [];
    const from = vars.length
      ? `\n\nDepends on ${vars.map((v) => `\`${v}\``).join(', ')}: the value from the ` +
        '`lumiModules.env` setting (`check --env`) or the environment; where unset, the `or` fallback, ' +
        'as Lmod does.'
      : '';
    const image = imageHover(path);
    // An image's facts first: a hover shows a dozen lines before it scrolls.
    const about = '`' + renderValue(path.value, analysis.hiddenValues) + '`\n\n' + state + from;
    return { markdown: image ? `${image.trimStart()}\n\n---\n\n${about}` : about, range: path.range };
  }
  return localImageHover(analysis, pos);
}

function pathState(path: PathExpression): string {
  return path.exists
    ? existsText[path.exists]
    : path.value?.startsWith('/')
      ? 'not checked: the site it belongs to is not on this machine'
      : 'relative path: resolved against the current directory at load time';
}
