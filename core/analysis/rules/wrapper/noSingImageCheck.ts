// wrapper-no-sing-image-check: SING_IMAGE used without being tested first; without the module
// loaded the wrapper fails obscurely instead of saying "load the module".
import type { WrapperRule } from './types';

export const GUARD = `if [ -z "\${SING_IMAGE:-}" ]; then
  echo "$(basename "$0"): SING_IMAGE is not set: load the container module first (module load ...)" >&2
  exit 1
fi
`;

export const noSingImageCheck: WrapperRule = ({ script }) => {
  if (!script.expandedVariables.has('SING_IMAGE') || script.tests.some((t) => t.includes('SING_IMAGE')))
    return [];
  const first = script.containerCommands[0]?.node ?? script.commands[0]?.node;
  const range = first ? script.range(first) : script.source.range(0, 0);
  const afterShebang = script.text.startsWith('#!')
    ? script.source.position(script.text.indexOf('\n') + 1)
    : { line: 0, character: 0 };
  return [
    {
      range,
      severity: 'warning',
      code: 'wrapper-no-sing-image-check',
      message: 'SING_IMAGE is used but never tested: without the module loaded this fails obscurely',
      fixes: [
        {
          title: 'Add a SING_IMAGE check',
          edits: [{ range: { start: afterShebang, end: afterShebang }, newText: GUARD }],
        },
      ],
    },
  ];
};
