// "Create container module": what to write for a module, its wrappers and its load message,
// from the templates (files under templates/, or a user's template directory). Pure: no writes.
import { MAX_READ_BYTES, readBounded } from '../common/boundedRead';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { resourcePath } from '../common/resources';
import { ScaffoldInputError } from './errors';
import { rewriteModule } from './fromModule';

export interface ScaffoldOptions {
  name: string;
  version: string;
  /** Absolute path of the .sif image. */
  image: string;
  /** Absolute project home. */
  root: string;
  /** Conda environment to activate inside the container; false: none; undefined: by image name. */
  condaEnv?: string | false;
  bindingsModule?: string;
  templateDir?: string;
  /** Absolute path of an existing module to rewrite (instead of the modulefile template). */
  from?: string;
}

export interface PlannedFile {
  path: string;
  kind: 'file' | 'symlink' | 'dir';
  content?: string;
  mode?: number;
  target?: string;
}

export { ScaffoldInputError };

const WRAPPER_NAMES = ['python3', 'pip', 'pip3'];

/** Why a NAME or VERSION is unusable as a module path component, or undefined when fine. */
export function componentProblem(what: string, value: string): string | undefined {
  if (value === '') return `${what} is empty`;
  if (/[/\s]/.test(value)) return `${what} '${value}' must not contain '/' or spaces`;
  if (value.includes('..')) return `${what} '${value}' must not contain '..'`;
  if (!/^[A-Za-z0-9._+-]+$/.test(value)) return `${what} '${value}' may only use letters, digits and . _ + -`;
  return undefined;
}

export function validateScaffold(o: ScaffoldOptions): void {
  const problems = [componentProblem('name', o.name), componentProblem('version', o.version)];
  if (!o.image.endsWith('.sif')) problems.push(`image '${o.image}' does not end in .sif`);
  if (!isAbsolute(o.root)) problems.push(`root '${o.root}' is not an absolute path`);
  if (o.condaEnv !== undefined && o.condaEnv !== false && !/^[A-Za-z0-9._-]+$/.test(o.condaEnv)) problems.push(`conda environment '${o.condaEnv}' is not a plain name`);
  if (o.bindingsModule !== undefined && componentProblem('bindings module', o.bindingsModule.replace('/', '')) !== undefined) problems.push(`bindings module '${o.bindingsModule}' is not a module name`);
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new ScaffoldInputError(found.join('; '));
}

/** LUMI's lumi-*-rocm-* images have python on PATH only after `conda activate`. */
export function defaultCondaEnv(image: string): string | false {
  return /^lumi-.*-rocm-/.test(basename(image)) ? 'pytorch' : false;
}

function fill(template: string, values: Record<string, string>, file: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new ScaffoldInputError(`template ${file}: unknown placeholder {{${key}}}`);
    return values[key];
  });
}

function luaString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A module or template through the bounded reader: regular files only (never a FIFO or /dev/zero), within the limit. */
function readInput(path: string, what: string): string {
  const read = readBounded(path);
  if (!read.ok) throw new ScaffoldInputError(`cannot read ${what} ${path}: ${read.message}`);
  if (read.truncated) throw new ScaffoldInputError(`cannot read ${what} ${path}: ${read.size} bytes, over the ${MAX_READ_BYTES / 1024 / 1024} MiB limit`);
  return read.bytes.toString('utf8');
}

/** The modulefile for `--from FILE`: the existing module rewritten through its syntax tree. */
function fromModule(o: ScaffoldOptions, imageName: string): string {
  const from = o.from!;
  const source = readInput(from, 'module');
  return rewriteModule(source, from, {
    name: o.name,
    version: o.version,
    imageName,
    root: o.root,
    // Not given: the module's own WITH_CONDA stays; a module without one gets the image's default.
    condaEnv: o.condaEnv,
    defaultCondaEnv: defaultCondaEnv(o.image),
    bindingsModule: o.bindingsModule,
  });
}

export function planScaffold(o: ScaffoldOptions): PlannedFile[] {
  validateScaffold(o);
  const templates = o.templateDir ?? resourcePath('templates');
  const read = (file: string) => readInput(join(templates, file), 'template');
  const imageName = basename(o.image);
  const condaEnv = o.condaEnv ?? defaultCondaEnv(o.image);
  const values = {
    name: o.name,
    version: o.version,
    imageName: imageName.replace(/'/g, "\\'"),
    root: o.root.replace(/'/g, "\\'"),
    bindings: o.bindingsModule ? `depends_on(${luaString(o.bindingsModule)})\n` : '',
    withConda: condaEnv ? `setenv("WITH_CONDA", "source /opt/conda/etc/profile.d/conda.sh && conda activate ${condaEnv}")` : '',
  };
  const modulefile = o.from === undefined ? fill(read('modulefile.lua'), values, 'modulefile.lua') : fromModule(o, imageName);
  const files: PlannedFile[] = [
    { path: join(o.root, 'modules', o.name, `${o.version}.lua`), kind: 'file', content: modulefile, mode: 0o644 },
    { path: join(o.root, 'bin', 'python'), kind: 'file', content: read('wrapper.sh'), mode: 0o755 },
    ...WRAPPER_NAMES.map((n): PlannedFile => ({ path: join(o.root, 'bin', n), kind: 'symlink', target: 'python' })),
    { path: join(o.root, 'txt', `load-${o.name}.txt`), kind: 'file', content: fill(read('load-message.txt'), values, 'load-message.txt'), mode: 0o644 },
    { path: join(o.root, 'sif'), kind: 'dir' },
    { path: join(o.root, 'images'), kind: 'symlink', target: 'sif' },
  ];
  const inSif = join(o.root, 'sif', imageName);
  if (o.image !== inSif) files.push({ path: inSif, kind: 'symlink', target: relative(dirname(inSif), o.image).startsWith('..') ? o.image : relative(dirname(inSif), o.image) });
  return files;
}
