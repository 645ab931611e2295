// Signature help for Lmod and sandbox functions, from the lexical cursor (works while typing).
import { lmodFunctions } from '../modulefile/lmodApi';
import { luaCursorAt } from './luaCursor';

export interface SignatureResult {
  label: string;
  documentation: string;
  parameters: { label: string; documentation?: string }[];
  activeParameter: number;
}

export function signatureModulefile(text: string, offset: number): SignatureResult | undefined {
  const call = luaCursorAt(text, offset).call;
  if (!call) return undefined;
  const f = lmodFunctions.get(call.name);
  if (!f) return undefined;
  const last = Math.max(0, f.params.length - 1);
  return {
    label: f.signature,
    documentation: f.doc,
    parameters: f.params.map((p) => ({ label: p.label, documentation: p.doc })),
    activeParameter: Math.min(call.argIndex, last),
  };
}
