// Every modulefile rule, one per diagnostic code.
import type { ModulefileRule } from './types';
import { captureUnreadable } from './captureUnreadable';
import { imageCondaPathMissing } from './imageCondaPathMissing';
import { imageNotRead } from './imageNotRead';
import { imagePathMissing } from './imagePathMissing';
import { imagePythonNeedsConda } from './imagePythonNeedsConda';
import { imageVenvPythonMismatch } from './imageVenvPythonMismatch';
import { imageWithCondaUnneeded } from './imageWithCondaUnneeded';
import { easybuildContainerBindings } from './easybuildContainerBindings';
import { getenvNoFallback } from './getenvNoFallback';
import { laifMissingBindings } from './laifMissingBindings';
import { missingSingImage } from './missingSingImage';
import { missingWithConda } from './missingWithConda';
import { missingWrapperPath } from './missingWrapperPath';
import { pathNotFound } from './pathNotFound';
import { pathsNotChecked } from './pathsNotChecked';
import { shellFunctionCshArgs } from './shellFunctionCshArgs';
import { shellFunctionUnquotedArgs } from './shellFunctionUnquotedArgs';
import { singImageNotSif } from './singImageNotSif';
import { undefinedVariable } from './undefinedVariable';
import { unknownFunction } from './unknownFunction';
import { unusedLocal } from './unusedLocal';
import { wrongArguments } from './wrongArguments';

export const modulefileRules: readonly ModulefileRule[] = [
  unknownFunction,
  wrongArguments,
  missingSingImage,
  easybuildContainerBindings,
  laifMissingBindings,
  singImageNotSif,
  pathNotFound,
  captureUnreadable,
  pathsNotChecked,
  shellFunctionUnquotedArgs,
  shellFunctionCshArgs,
  missingWrapperPath,
  missingWithConda,
  imageNotRead,
  imagePythonNeedsConda,
  imageCondaPathMissing,
  imageWithCondaUnneeded,
  imageVenvPythonMismatch,
  imagePathMissing,
  getenvNoFallback,
  undefinedVariable,
  unusedLocal,
];
