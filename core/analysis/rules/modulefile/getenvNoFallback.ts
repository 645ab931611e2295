// getenv-no-fallback: an os.getenv('X') value (inline or through a local) that may be nil where it
// is used: in `..` Lmod stops the load with "attempt to concatenate a nil value" when X is unset;
// pathJoin silently drops it (the path loses its root); as an argument of setenv, prepend_path and
// the other Lmod functions that take strings only, Lmod stops with "one or more arguments are not
// strings". The evaluator has already narrowed: guards (`if os.getenv('X') then`, `~= nil`,
// isDir/isFile, an early LmodError/return), setenv('X') before,
// variables always set (HOME, USER, Lmod's own), values the user gave (--env, lumiModules.env).
// A warning: the load fails or misbehaves only where X is unset. No quick fix: `or ''` would turn a
// loud failure into a silently wrong path; the right default is the user's to write.
import { shortened } from '../../messages';
import type { ModulefileRule } from './types';

export const getenvNoFallback: ModulefileRule = (ctx) =>
  ctx.getenvWithoutFallback.map(({ range, variable, use, local, callee }) => {
    const name = variable ?? 'the variable';
    const what = local ? `'${local}' (os.getenv('${name}'))` : `os.getenv('${name}')`;
    const effect =
      use === 'concat'
        ? "'..' stops the load"
        : use === 'argument'
          ? `${callee} stops the load`
          : 'pathJoin drops it';
    return {
      range,
      severity: 'warning' as const,
      code: 'getenv-no-fallback',
      // The advice (a default; for checking, the variable in lumiModules.env or --env) is in the docs.
      message: `${shortened(what, 60)} is nil when unset: ${effect}`,
    };
  });
