// missing-sing-image: a CSC-style container module (sets WITH_CONDA or puts CSC-style wrapper
// scripts on PATH) that never sets SING_IMAGE: its wrappers refuse to run. LUMI EasyBuild
// container modules (SIF via create_container_vars) and LAIF modules never use SING_IMAGE.
import type { ModulefileRule } from './types';

export const missingSingImage: ModulefileRule = (ctx) => {
  if (ctx.containerKind !== 'csc' || ctx.setenv.has('SING_IMAGE')) return [];
  const anchor =
    ctx.setenv.get('WITH_CONDA')?.range ??
    ctx.pathPrepends.find((p) => p.variable === 'PATH')?.range ??
    ctx.source.range(0, 0);
  const sif = ctx.locals.find((l) => typeof l.value === 'string' && l.value.endsWith('.sif'));
  const value = sif ? sif.name : '"/path/to/image.sif"';
  const at = { line: ctx.insertionLine, character: 0 };
  return [
    {
      range: anchor,
      severity: 'error',
      code: 'missing-sing-image',
      message: 'CSC-style container module never sets SING_IMAGE: its wrapper scripts will refuse to run',
      fixes: [
        {
          title: 'Add setenv("SING_IMAGE", ...)',
          edits: [
            {
              range: { start: at, end: at },
              newText:
                `${ctx.text.endsWith('\n') || ctx.text === '' ? '' : '\n'}` +
                `setenv("SING_IMAGE", ${value})\n`,
            },
          ],
        },
      ],
    },
  ];
};
