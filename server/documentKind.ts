// Which analysis a document gets: modulefiles are Lua files; wrappers are shell scripts
// (by language id, or by shebang for extension-less files such as bin/python).
import { isShellScript } from '../core/analysis/wrapper/shebang';
import { isModulefilePath } from '../core/analysis/project/checkProject';

export type DocumentKind = 'modulefile' | 'wrapper' | 'other';

export function documentKind(languageId: string, path: string, text: string): DocumentKind {
  if (languageId === 'lua' || isModulefilePath(path)) return 'modulefile';
  if (languageId === 'shellscript' || isShellScript(text)) return 'wrapper';
  return 'other';
}
