// "Create container module": what to write for a module, its wrappers and its load message,
// from the templates (files under templates/, or a user's template directory). Pure: no writes.
import { statSync } from 'node:fs';
import { MAX_READ_BYTES, readBounded } from '../common/boundedRead';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { resourcePath } from '../common/resources';
import { ScaffoldInputError } from './errors';
import { rewriteModuleLayout } from './fromModule';
import { luaString } from './luaString';
import { shellQuote } from '../shell/quote';
import { scaffoldFromImage } from '../image/decide';

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
  /** Link an image that does not exist yet (copied later) instead of refusing. */
  allowMissingImage?: boolean;
  /** Template convention; undefined: chosen from the image (defaultStyle). */
  style?: ScaffoldStyle;
  /** Also write bin/container-start and bin/container-stop: many launches in one container instance. */
  persistent?: boolean;
}

/**
 * `csc`: CSC's delayed-container modules; `laif`: a user module for a LUMI AI Factory image;
 * `easybuild`: a user module in the style of LUMI's EasyBuild container modules (SIF, SIF<NAME>,
 * SINGULARITY_BIND, CONTAINERROOT, a runscripts directory).
 */
export type ScaffoldStyle = 'csc' | 'laif' | 'easybuild';
export const STYLES: readonly ScaffoldStyle[] = ['csc', 'laif', 'easybuild'];

/**
 * LAIF images are named lumi-multitorch-* (or live under .../laifs/...); images from LUMI's
 * EasyBuild repository (.../easybuild-sif-images/, get_EB_container_repository in LUMI's
 * SitePackage.lua) get the EasyBuild style; everything else: CSC's pattern.
 */
export function defaultStyle(image: string): ScaffoldStyle {
  if (/^lumi-multitorch-/.test(basename(image)) || /\/laifs\//.test(image)) return 'laif';
  return /\/easybuild-sif-images\//.test(image) ? 'easybuild' : 'csc';
}

/**
 * The SIF<NAME> variable of LUMI's create_container_vars for a module NAME: upper case, '-' as
 * MIN (convert_to_EBvar in LUMI-SoftwareStack's SitePackage.lua), and, as EasyBuild's own
 * convert_name does for EBROOT<NAME>, '+' as PLUS and '.' dropped, so the name is a shell variable.
 */
export function easybuildVar(prefix: string, name: string): string {
  return prefix + name.toUpperCase().replace(/-/g, 'MIN').replace(/\+/g, 'PLUS').replace(/\./g, '');
}

/** The run scripts of the easybuild style, shared by all its modules in ROOT/runscripts. */
const RUNSCRIPTS = ['conda-python-simple', 'conda-python-distributed'];

/** LAIF's bindings module (LUMI's Local-LAIF stack). */
export const LAIF_BINDINGS = 'lumi-aif-singularity-bindings';

export interface PlannedFile {
  path: string;
  kind: 'file' | 'symlink' | 'dir';
  content?: string;
  mode?: number;
  target?: string;
}

export { ScaffoldInputError };

const WRAPPER_NAMES = ['python3', 'pip', 'pip3'];
/** --persistent: the one wrapper, under these names, starts and stops the container instance (its step 6). */
const PERSISTENT_NAMES = ['container-start', 'container-stop'];

/**
 * Longest NAME or VERSION: file names built from them (with our temporary names) stay far below 255 bytes.
 */
export const MAX_COMPONENT = 100;

/**
 * Why a NAME or VERSION is unusable as a module path component, or undefined when fine: Lmod
 * takes NAME from a directory and VERSION from a file name, skips hidden ones (leading `.`), and
 * `module load` reads a leading `-` as an option.
 */
export function componentProblem(what: string, value: string): string | undefined {
  if (value === '') return `${what} is empty`;
  if (/[/\s]/.test(value)) return `${what} '${value}' must not contain '/' or spaces`;
  if (value.includes('..')) return `${what} '${value}' must not contain '..'`;
  if (!/^[A-Za-z0-9._+-]+$/.test(value)) return `${what} '${value}' may only use letters, digits and . _ + -`;
  if (!/^[A-Za-z0-9]/.test(value)) return `${what} '${value}' must start with a letter or digit`;
  if (value.length > MAX_COMPONENT)
    return `${what} is ${value.length} characters long; at most ${MAX_COMPONENT}`;
  return undefined;
}

export function validateScaffold(o: ScaffoldOptions): void {
  const problems = [componentProblem('name', o.name), componentProblem('version', o.version)];
  if (!o.image.endsWith('.sif')) problems.push(`image '${o.image}' does not end in .sif`);
  else if (!isAbsolute(o.image)) problems.push(`image '${o.image}' is not an absolute path`);
  else if (!o.allowMissingImage) {
    const kind = imageKind(o.image);
    if (kind === 'missing')
      problems.push(
        `image '${o.image}' does not exist (use --allow-missing-image when it is copied there later)`,
      );
    else if (kind === 'other') problems.push(`image '${o.image}' is not a regular file`);
  }
  if (!isAbsolute(o.root)) problems.push(`root '${o.root}' is not an absolute path`);
  const style = o.from === undefined ? (o.style ?? defaultStyle(o.image)) : undefined;
  if (style === 'laif' && typeof o.condaEnv === 'string')
    problems.push('--style laif has no conda: LAIF images use their venv /opt/venv');
  if (style === 'easybuild' && o.bindingsModule !== undefined)
    problems.push(
      "--style easybuild binds through SINGULARITY_BIND itself (LUMI's EasyBuild container modules conflict with singularity-AI-bindings): no --bindings",
    );
  if (o.style !== undefined && o.from !== undefined)
    problems.push('--style chooses a template; --from starts from a module instead');
  if (o.condaEnv !== undefined && o.condaEnv !== false && !/^[A-Za-z0-9._-]+$/.test(o.condaEnv))
    problems.push(`conda environment '${o.condaEnv}' is not a plain name`);
  if (
    o.bindingsModule !== undefined &&
    componentProblem('bindings module', o.bindingsModule.replace('/', '')) !== undefined
  )
    problems.push(`bindings module '${o.bindingsModule}' is not a module name`);
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new ScaffoldInputError(found.join('; '));
}

function imageKind(path: string): 'file' | 'missing' | 'other' {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** LUMI's lumi-*-rocm-* images have python on PATH only after `conda activate`. */
export function defaultCondaEnv(image: string): string | false {
  return /^lumi-.*-rocm-/.test(basename(image)) ? 'pytorch' : false;
}

/**
 * Fills `{{key}}` placeholders. In modulefile.lua the values of `{{lua:key}}` are whole Lua
 * string literals (escaped by luaString); a placeholder inside quotes there is refused, so a
 * value can never end a string early.
 */
function fill(template: string, values: Record<string, string>, file: string): string {
  const quoted = /(['"])\{\{[\w:]+\}\}\1/.exec(template);
  if (quoted && file.endsWith('.lua'))
    throw new ScaffoldInputError(
      `template ${file}: write {{lua:KEY}} without quotes (it is a whole Lua string), not ${quoted[0]}`,
    );
  return template.replace(/\{\{([\w:]+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new ScaffoldInputError(`template ${file}: unknown placeholder {{${key}}}`);
    return values[key];
  });
}

/**
 * A module or template through the bounded reader: regular files only (never a FIFO or /dev/zero), within the
 * limit.
 */
function readInput(path: string, what: string): string {
  const read = readBounded(path);
  if (!read.ok) throw new ScaffoldInputError(`cannot read ${what} ${path}: ${read.message}`);
  if (read.truncated)
    throw new ScaffoldInputError(
      `cannot read ${what} ${path}: ${read.size} bytes, over the ${MAX_READ_BYTES / 1024 / 1024} MiB limit`,
    );
  return read.bytes.toString('utf8');
}

/** An existing module's text (for `--from` and the editor's prefilled steps), through the bounded reader. */
export function readModuleText(path: string): string {
  return readInput(path, 'module');
}

/** The modulefile for `--from FILE`: the existing module rewritten through its syntax tree. */
function fromModule(o: ScaffoldOptions, imageName: string): { text: string; wrapperDir: string } {
  const from = o.from!;
  const source = readInput(from, 'module');
  return rewriteModuleLayout(source, from, {
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

const cscWithConda = (env: string) =>
  `source /opt/conda/etc/profile.d/conda.sh && conda activate ${shellQuote(env)}`;

export function planScaffold(o: ScaffoldOptions): PlannedFile[] {
  validateScaffold(o);
  // A readable image decides conda or venv or neither, and its own activation line (core/image).
  const fromImage = scaffoldFromImage(o.image);
  const style = o.from === undefined ? (o.style ?? fromImage?.style ?? defaultStyle(o.image)) : 'csc';
  const templates =
    o.templateDir ?? (style === 'csc' ? resourcePath('templates') : resourcePath('templates', style));
  const sharedTemplates = o.templateDir ?? resourcePath('templates');
  const read = (file: string) => readInput(join(templates, file), 'template');
  const imageName = basename(o.image);
  const condaEnv =
    style === 'laif' ? false : (o.condaEnv ?? (fromImage ? fromImage.condaEnv : defaultCondaEnv(o.image)));
  const imageWithConda =
    fromImage?.withConda && condaEnv === fromImage.condaEnv ? fromImage.withConda : undefined;
  const bindingsModule = o.bindingsModule ?? (style === 'laif' ? LAIF_BINDINGS : undefined);
  const text = {
    name: o.name,
    version: o.version,
    imageName,
    root: o.root,
    persistent: o.persistent
      ? 'container-start runs later calls in one container (per job step and task) until container-stop.\n'
      : '',
  };
  const lua = {
    // name and version are validated plain words: also fit for comments and [[long strings]].
    name: o.name,
    version: o.version,
    'lua:name': luaString(o.name),
    'lua:version': luaString(o.version),
    'lua:imageName': luaString(imageName),
    'lua:root': luaString(o.root),
    'lua:loadMessage': luaString(`load-${o.name}-${o.version}.txt`),
    'lua:sifVar': luaString(easybuildVar('SIF', o.name)),
    'lua:runscriptsVar': luaString(easybuildVar('RUNSCRIPTS', o.name)),
    bindings: bindingsModule ? `depends_on(${luaString(bindingsModule)})\n` : '',
    withConda: condaEnv
      ? `setenv("WITH_CONDA", ${luaString(imageWithConda ?? cscWithConda(condaEnv), '"')})`
      : '',
  };
  const rewritten = o.from === undefined ? undefined : fromModule(o, imageName);
  const modulefile = rewritten?.text ?? fill(read('modulefile.lua'), lua, 'modulefile.lua');
  const bin = join(o.root, ...(rewritten?.wrapperDir ?? 'bin').split('/'));
  const files: PlannedFile[] = [
    {
      path: join(o.root, 'modules', o.name, `${o.version}.lua`),
      kind: 'file',
      content: modulefile,
      mode: 0o644,
    },
    // One wrapper for every style, so modules of both share one bin/.
    {
      path: join(bin, 'python'),
      kind: 'file',
      content: readInput(join(sharedTemplates, 'wrapper.sh'), 'template'),
      mode: 0o755,
    },
    ...[...WRAPPER_NAMES, ...(o.persistent ? PERSISTENT_NAMES : [])].map((n): PlannedFile => ({
      path: join(bin, n),
      kind: 'symlink',
      target: 'python',
    })),
    {
      path: join(o.root, 'txt', `load-${o.name}-${o.version}.txt`),
      kind: 'file',
      content: fill(read('load-message.txt'), text, 'load-message.txt'),
      mode: 0o644,
    },
    { path: join(o.root, 'sif'), kind: 'dir' },
    { path: join(o.root, 'images'), kind: 'symlink', target: 'sif' },
  ];
  if (style === 'easybuild') {
    // Always the bundled run scripts: shared by every module of the home, byte for byte.
    for (const script of RUNSCRIPTS) {
      files.push({
        path: join(o.root, 'runscripts', script),
        kind: 'file',
        content: readInput(resourcePath('templates', 'easybuild', 'runscripts', script), 'template'),
        mode: 0o755,
      });
    }
  }
  const inSif = join(o.root, 'sif', imageName);
  if (o.image !== inSif)
    files.push({
      path: inSif,
      kind: 'symlink',
      target: relative(dirname(inSif), o.image).startsWith('..')
        ? o.image
        : relative(dirname(inSif), o.image),
    });
  return files;
}
