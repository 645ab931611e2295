// easybuild-container-bindings (warning): a LUMI EasyBuild container module (create_container_vars
// sets SINGULARITY_BIND itself) that also loads singularity-AI-bindings: LUMI's easyconfigs say
// `conflict('singularity-AI-bindings')` because the two bind sets clash (LUMI-EasyBuild-containers
// PyTorch easyconfigs and USER.md; see docs of the three conventions).
import type { ModulefileRule } from './types';

const LOADS = new Set(['load', 'depends_on', 'try_load', 'always_load', 'load_any', 'depends_on_any']);

export const easybuildContainerBindings: ModulefileRule = (ctx) => {
  if (ctx.containerKind !== 'lumi-easybuild') return [];
  return ctx.calls
    .filter((c) => c.isGlobal && LOADS.has(c.name))
    .flatMap((c) =>
      c.args.filter((a) => a.value !== undefined && a.value.split('/')[0] === 'singularity-AI-bindings'),
    )
    .map((a) => ({
      range: a.range,
      severity: 'warning' as const,
      code: 'easybuild-container-bindings',
      message: "singularity-AI-bindings clashes with this LUMI EasyBuild container module's own bindings",
    }));
};
