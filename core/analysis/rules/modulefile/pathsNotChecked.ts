// paths-not-checked (information): one per file, naming the top-level directories absent on this
// machine (/project, /appl, /scratch on a laptop) whose paths were therefore not checked. In a
// Remote-SSH window on LUMI the roots exist and every path is checked.
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

export const pathsNotChecked: ModulefileRule = (ctx) => {
  if (ctx.uncheckedRoots.length === 0) return [];
  const first = ctx.paths.find(
    (p) =>
      p.value !== undefined && ctx.uncheckedRoots.some((r) => p.value === r || p.value!.startsWith(r + '/')),
  );
  return [
    {
      range: first?.range ?? ctx.source.range(0, 0),
      severity: 'information',
      code: 'paths-not-checked',
      message: withValue(
        'paths not checked, absent on this machine (check on LUMI)',
        ctx.uncheckedRoots.join(', '),
      ),
    },
  ];
};
