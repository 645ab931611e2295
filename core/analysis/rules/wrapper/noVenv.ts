// wrapper-no-venv (information): VIRTUAL_ENV is not carried into the container, so a venv
// activated after `module load` is ignored by the container's python. Python wrappers only, and
// not those of LUMI's EasyBuild container modules, whose venv lives inside the container
// (`/user-software/venv/...`, activated by the module and the image).
import { basename } from 'node:path';
import { isLumiEasyBuildWrapper } from '../../wrapper/convention';
import type { WrapperRule } from './types';

/** python, python3.12, pip3 ... as a word of the code (a command, an argument, inside bash -c '...'). */
const PYTHON_WORD = /(?:^|[\s'"/;&|(=])(python|pip)[0-9.]*(?=$|[\s'";&|)])/m;

/** A Python wrapper: named python... or pip..., or runs python/pip. Only there does a venv matter. */
export function isPythonWrapper(filePath: string, code: string): boolean {
  return /^(python|pip)/.test(basename(filePath)) || PYTHON_WORD.test(code);
}

export const noVenv: WrapperRule = ({ script, filePath }) => {
  const start = script.containerCommands[0];
  if (
    !start ||
    !isPythonWrapper(filePath, script.code) ||
    isLumiEasyBuildWrapper(script) ||
    script.expandedVariables.has('VIRTUAL_ENV') ||
    /VIRTUAL_ENV/.test(script.code)
  )
    return [];
  return [
    {
      range: script.range(start.node),
      severity: 'information',
      code: 'wrapper-no-venv',
      message: "VIRTUAL_ENV is not carried into the container: the venv's packages are not seen inside",
    },
  ];
};
