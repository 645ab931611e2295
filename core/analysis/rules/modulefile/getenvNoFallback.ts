// getenv-no-fallback: os.getenv('X') straight inside `..` (a load error when X is unset) or
// pathJoin (silently skipped: the path turns relative). Fix: `(os.getenv('X') or '')`; better a
// real default. The message names X and the setting that gives it a value in the editor.
import type { ModulefileRule } from './types';

export const getenvNoFallback: ModulefileRule = (ctx) =>
  ctx.getenvWithoutFallback.map(({ range, variable }) => {
    const call = variable === undefined ? 'os.getenv(...)' : `os.getenv('${variable}')`;
    return {
      range,
      severity: 'warning' as const,
      code: 'getenv-no-fallback',
      message: `${call} has no fallback: when ${variable ?? 'the variable'} is unset, '..' fails at load time and pathJoin silently drops it; write ${call} or '<default>' (for checking, give ${variable ?? 'it'} a value in the lumiModules.env setting or with --env)`,
      fixes: [
        {
          title: `Add a fallback: (${call} or '')`,
          edits: [
            { range: { start: range.start, end: range.start }, newText: '(' },
            { range: { start: range.end, end: range.end }, newText: " or '')" },
          ],
        },
      ],
    };
  });
