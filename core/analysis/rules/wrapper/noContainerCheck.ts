// wrapper-no-container-check: starts a container with no branch for "already inside one"; inside,
// the wrapper finds itself first on PATH and starts containers in a loop.
import type { WrapperRule } from './types';

const INSIDE = /\/\.singularity\.d|SINGULARITY_CONTAINER|APPTAINER_CONTAINER|\/proc\/self\/mountinfo/;

export const noContainerCheck: WrapperRule = ({ script }) => {
  const start = script.containerCommands[0];
  if (!start || INSIDE.test(script.code)) return [];
  return [
    {
      range: script.range(start.node),
      severity: 'warning',
      code: 'wrapper-no-container-check',
      message: `${start.name} exec runs without checking whether the wrapper already runs inside a container ([ -d /.singularity.d ]): inside, it would start another container`,
    },
  ];
};
