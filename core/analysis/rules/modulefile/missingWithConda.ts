// missing-with-conda: a wrapper on this module's PATH applies $WITH_CONDA, or the image is a LUMI
// lumi-*-rocm-* conda image (python only after `conda activate`), and the module does not set it.
import { basename } from 'node:path';
import type { ModulefileRule } from './types';
import { withValue } from '../../messages';

export const WITH_CONDA_LINE =
  'setenv("WITH_CONDA", "source /opt/conda/etc/profile.d/conda.sh && conda activate pytorch")';

export const missingWithConda: ModulefileRule = (ctx) => {
  if (ctx.setenv.has('WITH_CONDA')) return [];
  const image = ctx.paths.find((p) => p.role === 'sing-image' && p.value !== undefined);
  // A readable image decides (image-python-needs-conda), not its name.
  const condaImage = !ctx.image?.outcome.ok && image && /^lumi-.*-rocm-/.test(basename(image.value!));
  const wrapper = ctx.wrappers.find((w) => w.facts.usesWithConda);
  if (!condaImage && !wrapper) return [];
  const message = wrapper
    ? withValue('WITH_CONDA is not set, but a wrapper on PATH applies it', ctx.render(wrapper.path))
    : withValue(
        'WITH_CONDA is not set, but the conda image needs it for python',
        basename(ctx.render(image!.value!)),
      );
  const at = { line: ctx.insertionLine, character: 0 };
  return [
    {
      range: ctx.setenv.get('SING_IMAGE')?.range ?? image?.range ?? ctx.source.range(0, 0),
      severity: 'warning',
      code: 'missing-with-conda',
      message,
      fixes: [
        {
          title: 'Add setenv("WITH_CONDA", ...)',
          edits: [
            {
              range: { start: at, end: at },
              newText: `${ctx.text.endsWith('\n') ? '' : '\n'}${WITH_CONDA_LINE}\n`,
            },
          ],
        },
      ],
    },
  ];
};
