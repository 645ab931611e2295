// A site's SitePackage.lua, read statically: the names its `sandbox_registration{...}` (or
// `sandbox_registration({...})`) makes callable from modulefiles. Never runs the file.
import type * as luaparse from 'luaparse';
import type { FileSystemView } from '../env';
import { parseLua } from './luaAst';
import { walkLua } from './luaWalk';
import { luaStringValue } from './strings';

/** Registered names, in order; [] for a file that does not parse or registers nothing. */
export function sandboxRegistrationNames(text: string): string[] {
  let chunk: luaparse.Chunk;
  try {
    chunk = parseLua(text, '5.3');
  } catch {
    return [];
  }
  const names: string[] = [];
  walkLua(chunk.body, (n: luaparse.Node) => {
    if (
      (n.type === 'TableCallExpression' || n.type === 'CallExpression') &&
      n.base.type === 'Identifier' &&
      n.base.name === 'sandbox_registration'
    ) {
      const table = n.type === 'TableCallExpression' ? n.arguments : n.arguments[0];
      if (table?.type === 'TableConstructorExpression') {
        for (const field of table.fields) {
          if (field.type === 'TableKeyString') names.push(field.key.name);
          else if (field.type === 'TableKey' && field.key.type === 'StringLiteral') {
            const key = luaStringValue(field.key.raw);
            if (key) names.push(key);
          }
        }
      }
    }
  });
  return names;
}

/** The names registered by the SitePackage.lua at path, or undefined when it cannot be read. */
export function readSitePackage(path: string, fs: FileSystemView): string[] | undefined {
  const size = fs.size(path);
  if (size === undefined || size > 4 * 1024 * 1024) return undefined;
  const text = fs.readText(path);
  return text === undefined ? undefined : sandboxRegistrationNames(text);
}
