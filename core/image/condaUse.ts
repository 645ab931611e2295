// What a WITH_CONDA value uses of an image: the files it sources and the env it activates,
// checked against the image's conda installations. Plain data in, one problem in words out.
import type { ImageFacts } from './facts';

/** The first thing WITH_CONDA needs that the image lacks, in words, or undefined. */
export function condaReferences(value: string, facts: ImageFacts): string | undefined {
  const words = value.split(/\s+|&&|;/).filter((w) => w !== '');
  const roots = facts.conda.map((c) => c.root).join(', ') || 'none';
  let root: ImageFacts['conda'][number] | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if ((w === 'source' || w === '.') && words[i + 1]?.startsWith('/')) {
      const file = words[i + 1];
      const m = /^(.*)\/(bin\/activate|etc\/profile\.d\/conda\.sh)$/.exec(file);
      if (!m) continue;
      root = facts.conda.find((c) => c.root === m[1]);
      const present = root && (m[2] === 'bin/activate' ? root.activate : root.profileScript);
      if (!present) return `WITH_CONDA sources ${file}, not in the image (its conda: ${roots})`;
      // `source <root>/bin/activate ENV`
      const env = m[2] === 'bin/activate' ? words[i + 2] : undefined;
      if (env && !/^[-$&|]/.test(env) && env !== 'base' && root && !root.envs.includes(env))
        return (
          `WITH_CONDA activates env '${env}', not in ${root.root} ` +
          `(envs: ${root.envs.join(', ') || 'none'})`
        );
    }
    if (w === 'conda' && words[i + 1] === 'activate' && words[i + 2] && !words[i + 2].startsWith('-')) {
      const env = words[i + 2];
      const where = root ? [root] : facts.conda;
      if (env !== 'base' && !env.startsWith('/') && !where.some((c) => c.envs.includes(env)))
        return (
          `WITH_CONDA activates env '${env}', which the image lacks ` +
          `(envs: ${where.flatMap((c) => c.envs).join(', ') || 'none'})`
        );
    }
  }
  return undefined;
}
