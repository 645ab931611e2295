// Every wrapper rule, one per diagnostic code.
import { errorExitsZero } from './errorExitsZero';
import { noContainerCheck } from './noContainerCheck';
import { noSingImageCheck } from './noSingImageCheck';
import { noVenv } from './noVenv';
import { noWithConda } from './noWithConda';
import type { WrapperRule } from './types';
import { unquotedArgs } from './unquotedArgs';
import { withCondaNotEvaluated } from './withCondaNotEvaluated';

export const wrapperRules: readonly WrapperRule[] = [
  noSingImageCheck,
  unquotedArgs,
  noContainerCheck,
  noWithConda,
  noVenv,
  withCondaNotEvaluated,
  errorExitsZero,
];
