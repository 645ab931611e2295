// wrapper-no-venv (information): VIRTUAL_ENV is not carried into the container, so a venv
// activated after `module load` is ignored by the container's python.
import type { WrapperRule } from './types';

export const noVenv: WrapperRule = ({ script }) => {
  const start = script.containerCommands[0];
  if (!start || script.expandedVariables.has('VIRTUAL_ENV') || /VIRTUAL_ENV/.test(script.code)) return [];
  return [
    {
      range: script.range(start.node),
      severity: 'information',
      code: 'wrapper-no-venv',
      message: 'VIRTUAL_ENV is not carried into the container: add the venv site-packages to PYTHONPATH before starting it',
    },
  ];
};
