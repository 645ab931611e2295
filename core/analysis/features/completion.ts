// Completion items for modulefiles: Lmod functions (with snippets), environment variable names
// inside os.getenv/setenv/... string arguments, and file paths inside other string arguments.
import { dirname, isAbsolute, join } from 'node:path';
import type { AnalysisEnv } from '../env';
import { lmodFunctions, modulercFunctions, type LmodFunction } from '../modulefile/lmodApi';
import { modulefileKind } from '../modulefile/fileKind';
import type { ModulefileAnalysis } from '../modulefile/types';
import { foldedDirectory } from './foldedPath';
import { luaCursorAt } from './luaCursor';

export type CompletionKind = 'function' | 'variable' | 'file' | 'folder' | 'module';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string; // markdown
  insertText?: string;
  isSnippet?: boolean;
  /** Offset range (in the document) the insertText replaces; default: the word at the cursor. */
  replace?: { start: number; end: number };
}

/** Calls whose second argument is a path as written: a relative one is the load's working directory's. */
const PATH_VALUE_CALLS = new Set(['prepend_path', 'append_path', 'remove_path']);

/** Calls whose first string argument names an environment variable. */
const ENV_NAME_CALLS = new Set([
  'os.getenv',
  'setenv',
  'pushenv',
  'unsetenv',
  'prepend_path',
  'append_path',
  'remove_path',
]);

/** Variables a container module commonly reads or sets, offered even when not in the environment. */
export const WELL_KNOWN_VARIABLES: Record<string, string> = {
  SING_IMAGE: 'Singularity/Apptainer image (.sif) the wrappers start',
  WITH_CONDA: 'Shell code run inside the container before the command, e.g. conda activation',
  SING_FLAGS: 'Extra flags for `singularity exec` (CSC wrappers)',
  SINGULARITY_BIND: 'Bind mounts for Singularity (LUMI EasyBuild container modules)',
  PROJHOME: "The user's project home (modules/, bin/, txt/, sif/)",
  PATH: 'Executable search path: the wrapper directory goes first',
  MODULEPATH: 'Where Lmod finds modules',
  PYTHONPATH: 'Extra Python import path',
  VIRTUAL_ENV: 'Active Python virtual environment',
  HOME: 'Home directory',
  USER: 'User name',
  SCRATCH: 'Project scratch directory',
  PROJECT: 'Project id',
};

export function completeModulefile(
  text: string,
  offset: number,
  filePath: string,
  env: AnalysisEnv,
  environmentNames: Iterable<string>,
  /** The analysis of this text, when there is one (the editor's): its folded values are reused. */
  analysis?: ModulefileAnalysis,
): CompletionEntry[] {
  const cursor = luaCursorAt(text, offset);
  if (cursor.string) {
    const { prefix, contentStart } = cursor.string;
    if (cursor.call && cursor.call.argIndex === 0 && ENV_NAME_CALLS.has(cursor.call.name)) {
      return variableNames(environmentNames, { start: contentStart, end: offset });
    }
    // `pathJoin(root, "|` and `root .. "/|`: the entries of what the prefix folds to, or none.
    const folded = foldedDirectory(text, offset, cursor, filePath, env, analysis);
    if (folded === null) return [];
    if (folded) {
      const typedName = text.slice(folded.nameStart, offset);
      return directoryEntries(folded.dir, typedName, { start: folded.nameStart, end: offset }, env);
    }
    if (cursor.call?.argIndex === 1 && PATH_VALUE_CALLS.has(cursor.call.name) && !prefix.startsWith('/'))
      return [];
    return pathEntries(prefix, contentStart, offset, filePath, env);
  }
  // A modulerc file offers the modulerc functions only (Lmod runs it in its smaller sandbox).
  const catalogue =
    modulefileKind(filePath, [], [], lmodFunctions, modulercFunctions) === 'modulerc'
      ? modulercFunctions
      : lmodFunctions;
  if (cursor.word.includes('.')) {
    // `os.ge|` -> members of that table from the catalog
    const table = cursor.word.slice(0, cursor.word.lastIndexOf('.') + 1);
    return [...catalogue.values()]
      .filter((f) => f.name.startsWith(table))
      .map((f) =>
        functionEntry(
          f,
          { start: offset - cursor.word.length + table.length, end: offset },
          f.name.slice(table.length),
        ),
      );
  }
  const root = rootLocalName(text);
  return [...catalogue.values()]
    .filter((f) => !f.name.includes('.'))
    .map((f) =>
      withRoot(functionEntry(f, { start: offset - cursor.word.length, end: offset }, f.name), root),
    );
}

/**
 * The file's own root local, the one snippets build paths from: a local read from os.getenv or found
 * from myFileName(), else one whose name says root; undefined when the file has none.
 */
const GETENV_LOCAL =
  /^[ \t]*local[ \t]+([A-Za-z_]\w*)[ \t]*=[ \t]*(?:\(?[ \t]*os\.getenv\b|string\.match\()/m;
const ROOT_NAMED_LOCAL = /^[ \t]*local[ \t]+(\w*[Rr]oot\w*)[ \t]*=/m;

export function rootLocalName(text: string): string | undefined {
  return GETENV_LOCAL.exec(text)?.[1] ?? ROOT_NAMED_LOCAL.exec(text)?.[1];
}

/** A snippet's `root` as the file's root local; without one, a path to fill in (never an undefined name). */
function withRoot(entry: CompletionEntry, root: string | undefined): CompletionEntry {
  if (!entry.isSnippet || entry.insertText === undefined || !/\broot\b/.test(entry.insertText)) return entry;
  const insertText =
    root !== undefined
      ? entry.insertText.replace(/\broot\b/g, root)
      : entry.insertText.replace(/pathJoin\(root, "([^"]*)"\)/g, '"/path/to/$1"');
  return { ...entry, insertText };
}

function functionEntry(
  f: LmodFunction,
  replace: { start: number; end: number },
  label: string,
): CompletionEntry {
  const name = f.name;
  const snippet = f.snippet && name.includes('.') ? f.snippet.slice(name.length - label.length) : f.snippet;
  return {
    label,
    kind: 'function',
    detail: f.signature,
    documentation: f.doc,
    insertText: snippet ?? label,
    isSnippet: snippet !== undefined,
    replace,
  };
}

function variableNames(names: Iterable<string>, replace: { start: number; end: number }): CompletionEntry[] {
  const seen = new Map<string, string | undefined>();
  for (const [name, doc] of Object.entries(WELL_KNOWN_VARIABLES)) seen.set(name, doc);
  for (const name of names) if (!seen.has(name)) seen.set(name, undefined);
  return [...seen].map(([name, doc]) => ({
    label: name,
    kind: 'variable' as const,
    documentation: doc,
    insertText: name,
    replace,
  }));
}

const MAX_PATH_ENTRIES = 500;

/** Entries of the directory typed so far; relative paths are taken from the modulefile's folder. */
function pathEntries(
  prefix: string,
  contentStart: number,
  offset: number,
  filePath: string,
  env: AnalysisEnv,
): CompletionEntry[] {
  if (!prefix.includes('/')) return [];
  const slash = prefix.lastIndexOf('/');
  const typedDir = prefix.slice(0, slash + 1);
  const dir = isAbsolute(typedDir) ? typedDir : join(dirname(filePath), typedDir);
  return directoryEntries(
    dir,
    prefix.slice(slash + 1),
    { start: contentStart + slash + 1, end: offset },
    env,
  );
}

/** DIR's entries (dot files only when the typed name starts with a dot), bounded. */
function directoryEntries(
  dir: string,
  typedName: string,
  replace: { start: number; end: number },
  env: AnalysisEnv,
): CompletionEntry[] {
  const names = env.fs.listDir(dir);
  if (!names) return [];
  return names
    .filter((n) => !n.startsWith('.') || typedName.startsWith('.'))
    .sort()
    .slice(0, MAX_PATH_ENTRIES)
    .map((name) => {
      const isDir = env.fs.kind(join(dir, name)) === 'dir';
      return {
        label: name,
        kind: isDir ? ('folder' as const) : ('file' as const),
        insertText: name,
        replace,
      };
    });
}
