// THE way product code starts a program: execa, with the program and its arguments as an array
// (never a shell). execa is ESM-only and our bundles are CommonJS, so it is imported once, lazily.
type ExecaModule = typeof import('execa');

let loading: Promise<ExecaModule> | undefined;

export function loadExeca(): Promise<ExecaModule> {
  loading ??= import('execa');
  return loading;
}
