// Seeded random edits of source texts for fuzz tests, and the files they start from.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pick } from './random';

/** Files under `dir` (recursively, under 200 KB) that `accept` takes. */
export function filesUnder(dir: string, accept: (path: string) => boolean): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out = out.concat(filesUnder(p, accept));
    else if (st?.isFile() && st.size < 200_000 && accept(p)) out.push(p);
  }
  return out;
}

/** Pieces of Lua and shell that break or change a text where they land. */
export const FRAGMENTS = [
  '(',
  ')',
  '{',
  '}',
  '[[',
  ']]',
  '"',
  "'",
  '..',
  'end',
  'then',
  'if ',
  'local ',
  'function',
  '--[[',
  '\n',
  '\t',
  '\0',
  '\uFFFD',
  '\uD800',
  '😀',
  'é',
  '$@',
  '"$@"',
  '$(',
  '`',
  '${',
  '}',
  'fi',
  'esac',
  '<<EOF\n',
  '\\',
  ';;',
  '&&',
  '||',
  'pathJoin(',
  'os.getenv(',
  'setenv(',
  'prepend_path(',
  'capture(',
  'SING_IMAGE',
  'WITH_CONDA',
  '.sif',
  '/appl/',
];

/** One random edit of `text` (a deletion, an insertion, a line moved or cut, or several of them). */
export function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const len = Math.floor(random() * 20);
  const lines = text.split('\n');
  const line = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 8)) {
    case 0:
      return text.slice(0, at) + text.slice(at + len);
    case 1:
      return text.slice(0, at) + pick(random, FRAGMENTS) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    case 3:
      lines.splice(line, 1);
      return lines.join('\n');
    case 4:
      lines.splice(line, 0, lines[Math.floor(random() * lines.length)] ?? '');
      return lines.join('\n');
    case 5:
      return text.slice(0, at);
    case 6:
      return text.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x10000)) + text.slice(at + 1);
    default: {
      let out = text;
      for (let i = 0; i < 5; i++) out = mutate(out, random);
      return out;
    }
  }
}

/**
 * One edit made of Lua tokens (a deletion, a token inserted bare or between spaces, a line cut, a
 * character doubled): the shape of the syntax differential tests against Lua itself.
 */
export function mutateWithTokens(text: string, random: () => number, tokens: readonly string[]): string {
  const at = Math.floor(random() * text.length);
  const lines = text.split('\n');
  const line = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 5)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
    case 1:
      return text.slice(0, at) + pick(random, tokens) + text.slice(at);
    case 2:
      lines.splice(line, 1);
      return lines.join('\n');
    case 3:
      return text.slice(0, at) + text[at] + text.slice(at);
    default:
      return text.slice(0, at) + ' ' + pick(random, tokens) + ' ' + text.slice(at);
  }
}

/** Lua tokens whose insertion or removal breaks or reshapes a text: the luac and load() differentials. */
export const LUA_MUTATION_TOKENS: readonly string[] = [
  '(',
  ')',
  'end',
  'then',
  '..',
  ',',
  '"',
  "'",
  'local',
  '=',
  '{',
  '}',
  'if',
  'do',
  '[[',
  ']]',
  'function',
  '.',
  ':',
];
