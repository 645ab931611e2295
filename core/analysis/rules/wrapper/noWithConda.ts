// wrapper-no-with-conda: the module putting this wrapper on PATH sets WITH_CONDA and the wrapper
// never applies it; or $WITH_CONDA inside the double quotes of `bash -c "..."`, which expands on
// the host (where the value is only a string) instead of inside the container.
import type { Finding } from '../../types';
import type { WrapperRule } from './types';
import { withValue } from '../../messages';

export const noWithConda: WrapperRule = ({ script, modulesSettingWithConda, kind }) => {
  const out: Finding[] = [];
  for (const command of script.containerCommands) {
    const c = command.args.findIndex((a) => a.text === '-c');
    const body = c > 0 && /^(bash|sh)$/.test(command.args[c - 1].text) ? command.args[c + 1] : undefined;
    // Only a real expansion counts: `\$WITH_CONDA` is escaped and expands inside the container.
    const expandsOnHost =
      body?.type === 'string' &&
      body.children.some(
        (c) =>
          (c?.type === 'simple_expansion' || c?.type === 'expansion') &&
          c.children.some((v) => v?.type === 'variable_name' && v.text === 'WITH_CONDA'),
      );
    if (body && expandsOnHost) {
      out.push({
        range: script.range(body),
        severity: 'warning',
        code: 'wrapper-no-with-conda',
        message:
          '$WITH_CONDA in bash -c "..." expands on the host, not in the container: write \\$WITH_CONDA',
      });
    }
  }
  if (
    kind === 'wrapper' &&
    modulesSettingWithConda.length > 0 &&
    !script.expandedVariables.has('WITH_CONDA')
  ) {
    const at = script.containerCommands[0]?.node;
    out.push({
      range: at ? script.range(at) : script.source.range(0, 0),
      severity: 'warning',
      code: 'wrapper-no-with-conda',
      message: withValue(
        'WITH_CONDA is set but this wrapper never applies it; set by',
        namedModules(modulesSettingWithConda),
      ),
    });
  }
  return out;
};

/** How many modules a message names: a bin/ shared by every version of a tool has hundreds of owners. */
const NAMED_MODULES = 3;

/** `a, b, c and 9,997 more modules`: the first few by name, the rest counted. */
export function namedModules(paths: readonly string[]): string {
  if (paths.length <= NAMED_MODULES) return paths.join(', ');
  const more = withThousandsSeparators(paths.length - NAMED_MODULES);
  return `${paths.slice(0, NAMED_MODULES).join(', ')} and ${more} more modules`;
}

/**
 * 9997 -> `9,997`, as toLocaleString('en-US') writes it, without loading ICU's number formatter (slow
 * to load in a short CLI run).
 */
function withThousandsSeparators(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
