// laif-missing-bindings (warning): a LUMI AI Factory style module (uses the image's /opt/venv)
// that does not load lumi-aif-singularity-bindings: without its binds the container sees no
// /project, /scratch, /appl or Slurm, and a venv made inside fails with "Read-only file system"
// (LUMI AI guide; see the conventions doc §3 LAIF). Loading is by load/depends_on/try_load.
import type { ModulefileRule } from './types';
import { LAIF_BINDINGS_MODULE } from '../../modulefile/containerKind';

const LOADS = new Set(['load', 'depends_on', 'try_load', 'always_load', 'load_any', 'depends_on_any']);

export const laifMissingBindings: ModulefileRule = (ctx) => {
  if (ctx.containerKind !== 'laif') return [];
  const loadsBindings = ctx.calls.some(
    (c) =>
      c.isGlobal && LOADS.has(c.name) && c.args.some((a) => a.value?.split('/')[0] === LAIF_BINDINGS_MODULE),
  );
  const unknownLoad = ctx.calls.some(
    (c) => c.isGlobal && LOADS.has(c.name) && c.args.some((a) => a.value === undefined),
  );
  if (loadsBindings || unknownLoad) return [];
  const at = { line: ctx.insertionLine, character: 0 };
  return [
    {
      range: ctx.source.range(0, 0),
      severity: 'warning',
      code: 'laif-missing-bindings',
      message: `LAIF module without ${LAIF_BINDINGS_MODULE}: the container will not see /project or /scratch`,
      fixes: [
        {
          title: `Add depends_on("${LAIF_BINDINGS_MODULE}")`,
          edits: [
            {
              range: { start: at, end: at },
              newText:
                `${ctx.text.endsWith('\n') || ctx.text === '' ? '' : '\n'}` +
                `depends_on("${LAIF_BINDINGS_MODULE}")\n`,
            },
          ],
        },
      ],
    },
  ];
};
