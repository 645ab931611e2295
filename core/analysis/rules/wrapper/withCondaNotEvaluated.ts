// wrapper-with-conda-not-evaluated: $WITH_CONDA run as a command instead of `eval "$WITH_CONDA"`.
// Its value is shell code (`source .../conda.sh && conda activate env`); expanded as a command, the
// `&&` is a plain word passed to `source`, so `conda activate` never runs. Plain in the wrapper, or
// inside the code of `bash -c '...'` / `bash -c "...\$WITH_CONDA..."` (CSC's wrapper uses eval).
// Not in a wrapper of a LUMI EasyBuild container module when no module on PATH sets WITH_CONDA:
// there the image sets it to one command (`source /opt/miniconda3/bin/activate ENV`), which runs
// as a command just as well, and LUMI's own scripts and image recipes use it so.
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../../types';
import { isLumiEasyBuildWrapper } from '../../wrapper/convention';
import { readWrapper } from '../../wrapper/script';
import type { WrapperRule } from './types';

const WITH_CONDA_COMMAND = /^"?\$\{?WITH_CONDA\}?"?$/;
const MESSAGE =
  '$WITH_CONDA is run as a command, not evaluated: the && or ; in its value are plain words there, so conda activate never runs; use eval "$WITH_CONDA"';

/**
 * The code an inner `bash -c` gets: a single-quoted body as is; a double-quoted one after the host's
 * unescaping.
 */
function innerCode(body: Node): string | undefined {
  if (body.type === 'raw_string') return body.text.slice(1, -1);
  if (body.type !== 'string') return undefined;
  // Host expansions become a plain word: their value is unknown here.
  return body.children
    .filter((c): c is Node => c !== null && c.type !== '"')
    .map((c) => (c.type === 'string_content' ? c.text.replace(/\\([$`"\\\n])/g, '$1') : 'HOST_VALUE'))
    .join('');
}

/** Whether code (parsed with the real bash grammar) runs $WITH_CONDA as a command. */
function runsWithCondaAsCommand(code: string): boolean {
  if (!/WITH_CONDA/.test(code)) return false;
  const inner = readWrapper(code);
  try {
    return (
      inner.commands.some((c) => WITH_CONDA_COMMAND.test(c.name)) ||
      inner.commands.some((c) => bashCBodies(c.args).some((b) => bodyRunsWithConda(b)))
    );
  } finally {
    inner.dispose();
  }
}

function bodyRunsWithConda(body: Node): boolean {
  const code = innerCode(body);
  return code !== undefined && runsWithCondaAsCommand(code);
}

/** The `-c` bodies of `bash -c BODY` / `sh -c BODY` among a command's words. */
function bashCBodies(words: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 1; i + 1 < words.length; i++) {
    if (words[i].text === '-c' && /^(\S*\/)?(bash|sh)$/.test(words[i - 1].text)) out.push(words[i + 1]);
  }
  return out;
}

export const withCondaNotEvaluated: WrapperRule = ({ script, modulesSettingWithConda }) => {
  const out: Finding[] = [];
  if (modulesSettingWithConda.length === 0 && isLumiEasyBuildWrapper(script)) return out;
  for (const command of script.commands) {
    if (WITH_CONDA_COMMAND.test(command.name)) {
      const nameNode = command.node.childForFieldName('name') ?? command.node;
      const range = script.range(nameNode);
      out.push({
        range,
        severity: 'warning',
        code: 'wrapper-with-conda-not-evaluated',
        message: MESSAGE,
        fixes: [{ title: 'Use eval "$WITH_CONDA"', edits: [{ range, newText: 'eval "$WITH_CONDA"' }] }],
      });
      continue;
    }
    for (const body of bashCBodies([
      command.node.childForFieldName('name') ?? command.node,
      ...command.args,
    ])) {
      if (bodyRunsWithConda(body)) {
        out.push({
          range: script.range(body),
          severity: 'warning',
          code: 'wrapper-with-conda-not-evaluated',
          message: `in bash -c: ${MESSAGE}`,
        });
      }
    }
  }
  return out;
};
