// paths-not-checked (information): one per file, naming the site prefixes absent on this machine
// (/appl/local, /opt/cray, /opt/bwhpc on a laptop; modulefile/site.ts) whose paths were therefore not
// checked. In a Remote-SSH window on LUMI LUMI's prefixes exist and its paths are checked.
import { shortened } from '../../messages';
import type { ModulefileRule } from './types';

export const pathsNotChecked: ModulefileRule = (ctx) => {
  if (ctx.uncheckedRoots.length === 0) return [];
  const first = ctx.paths.find(
    (p) =>
      p.value !== undefined && ctx.uncheckedRoots.some((r) => p.value === r || p.value!.startsWith(r + '/')),
  );
  const roots = ctx.uncheckedRoots.map((r) => ctx.render(r)).join(', ');
  return [
    {
      range: first?.range ?? ctx.source.range(0, 0),
      severity: 'information',
      code: 'paths-not-checked',
      message: `paths under ${shortened(roots, 50)} not checked: not on this machine`,
    },
  ];
};
