// getenv-no-fallback: os.getenv('X') straight inside `..` (a load error when X is unset) or
// pathJoin (silently skipped: the path turns relative). Fix: `(os.getenv('X') or '')`; better a
// real default. The message names X; the setting that gives it a value is in the code's explanation.
import type { ModulefileRule } from './types';
import { shortened } from '../../messages';

export const getenvNoFallback: ModulefileRule = (ctx) =>
  ctx.getenvWithoutFallback.map(({ range, variable }) => {
    const call = variable === undefined ? 'os.getenv(...)' : `os.getenv('${variable}')`;
    return {
      range,
      severity: 'warning' as const,
      code: 'getenv-no-fallback',
      message: `${shortened(call, 36)} has no fallback: when unset, '..' fails and pathJoin drops it`,
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
