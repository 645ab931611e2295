// paths-not-checked (information): one per file, naming the top-level directories absent on this
// machine (/project, /appl, /scratch on a laptop) whose paths were therefore not checked. In a
// Remote-SSH window on LUMI the roots exist and every path is checked.
import type { ModulefileRule } from './types';

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
      message: `paths under ${ctx.uncheckedRoots.join(', ')} are not checked: ${ctx.uncheckedRoots.length === 1 ? 'that directory does' : 'those directories do'} not exist on this machine (check on LUMI, e.g. in a Remote-SSH window)`,
    },
  ];
};
