// Every wrapper rule, one per diagnostic code.
import { errorExitsZero } from './errorExitsZero';
import { noContainerCheck } from './noContainerCheck';
import { noSingImageCheck } from './noSingImageCheck';
import { noVenv } from './noVenv';
import { noWithConda } from './noWithConda';
import type { WrapperRule } from './types';
import { unquotedArgs } from './unquotedArgs';
import { withCondaNotEvaluated } from './withCondaNotEvaluated';

/** A rule about what a wrapper must do in place of its program: job scripts and others get none. */
const wrapperOnly =
  (rule: WrapperRule): WrapperRule =>
  (ctx) =>
    ctx.kind === 'wrapper' || ctx.kind === 'launcher' ? rule(ctx) : [];

/** A rule about a wrapper found on PATH under the name of what it runs: launchers get none either. */
const foundOnPathOnly =
  (rule: WrapperRule): WrapperRule =>
  (ctx) =>
    ctx.kind === 'wrapper' ? rule(ctx) : [];

export const wrapperRules: readonly WrapperRule[] = [
  wrapperOnly(noSingImageCheck),
  wrapperOnly(unquotedArgs),
  foundOnPathOnly(noContainerCheck),
  noWithConda,
  wrapperOnly(noVenv),
  withCondaNotEvaluated,
  wrapperOnly(errorExitsZero),
];
