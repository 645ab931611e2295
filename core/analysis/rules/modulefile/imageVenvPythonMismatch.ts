// image-venv-python-mismatch: the module uses a venv on the host (VIRTUAL_ENV, or a PATH entry
// <venv>/bin with a pyvenv.cfg) made for another Python version than the image has: its
// packages were built for that version and do not import under the image's.
import type { ModulefileRule } from './types';

export const imageVenvPythonMismatch: ModulefileRule = (ctx) => {
  const image = ctx.image;
  if (!image?.outcome.ok || !ctx.hostVenv?.version) return [];
  const want = /^(\d+\.\d+)/.exec(ctx.hostVenv.version)?.[1];
  const have = image.outcome.facts.pythonVersions;
  if (!want || have.length === 0 || have.includes(want)) return [];
  return [
    {
      range: ctx.hostVenv.range,
      severity: 'warning',
      code: 'image-venv-python-mismatch',
      message: `The venv is for Python ${want}, the image has Python ${have.join(', ')}`,
    },
  ];
};
