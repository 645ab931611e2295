// "Create container module": what to write for a module, its wrappers and its load message,
// from the templates (files under templates/, or a user's template directory). Pure: no writes.
import { lstatSync, statSync } from 'node:fs';
import { MAX_READ_BYTES, readBounded } from '../common/boundedRead';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
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
  /**
   * Conda environment to activate inside the container; false: none; undefined: by image name where
   * the name tells (defaultCondaEnv), else none.
   */
  condaEnv?: string | false;
  /** A bindings module to depend on; '': none; undefined: the one the image needs (defaultBindingsModule). */
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
  if (style === 'easybuild' && o.bindingsModule !== undefined && o.bindingsModule !== '')
    problems.push(
      "--style easybuild binds through SINGULARITY_BIND itself (LUMI's EasyBuild container modules " +
        'conflict with singularity-AI-bindings): no --bindings',
    );
  if (o.style !== undefined && o.from !== undefined)
    problems.push('--style chooses a template; --from starts from a module instead');
  if (o.condaEnv !== undefined && o.condaEnv !== false && !/^[A-Za-z0-9._-]+$/.test(o.condaEnv))
    problems.push(`conda environment '${o.condaEnv}' is not a plain name`);
  if (
    o.bindingsModule !== undefined &&
    o.bindingsModule !== '' &&
    componentProblem('bindings module', o.bindingsModule.replace('/', '')) !== undefined
  )
    problems.push(`bindings module '${o.bindingsModule}' is not a module name`);
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new ScaffoldInputError(found.join('; '));
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function existsAsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isUnder(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

function imageKind(path: string): 'file' | 'missing' | 'other' {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * The conda environment an image needs for its python: `pytorch` for LUMI's lumi-pytorch-rocm-*
 * images (python on PATH only after `conda activate pytorch`), false for images that are not LUMI's
 * ROCm images (their python is on PATH), undefined when the name does not tell (LUMI's JAX or
 * TensorFlow images: their environment is not `pytorch`, and guessing writes a wrong activation).
 */
export function defaultCondaEnv(image: string): string | false | undefined {
  const name = basename(image);
  if (/^lumi-pytorch-rocm-/.test(name)) return 'pytorch';
  if (/^lumi-.*-rocm-/.test(name)) return undefined;
  // Reading the image itself (its /opt/conda/envs, core/image) answers the unknown case: one call here.
  return false;
}

/** MODULEPATH directories of LUMI's bindings modules, which are not on MODULEPATH by default. */
export const BINDINGS_MODULE_DIRS: Readonly<Record<string, string>> = {
  'singularity-AI-bindings': '/appl/local/containers/ai-modules',
  [LAIF_BINDINGS]: '/appl/local/laifs/modules',
};

/** LUMI's AI bindings module, the one LUMI's own images in /appl/local/containers are made for. */
export const AI_BINDINGS = 'singularity-AI-bindings';

/**
 * The bindings module an image needs when none is given: LAIF's for the LAIF style, LUMI's AI
 * bindings for images in LUMI's container repository (/appl/local/containers, its easybuild-sif-images
 * aside: those modules bind themselves), none otherwise.
 */
export function defaultBindingsModule(image: string, style: ScaffoldStyle): string | undefined {
  if (style === 'laif') return LAIF_BINDINGS;
  if (style === 'easybuild') return undefined;
  return image.startsWith('/appl/local/containers/') ? AI_BINDINGS : undefined;
}

/** The modulefile lines for a bindings dependency: its directory on MODULEPATH first where LUMI keeps it. */
export function bindingsLines(module: string): string {
  const dir = BINDINGS_MODULE_DIRS[module.split('/')[0]];
  const use = dir
    ? `-- ${module.split('/')[0]} is not on LUMI's default MODULEPATH (module use ${dir}).\n` +
      `local bindingsModules = ${luaString(dir, '"')}\n` +
      `if isDir(bindingsModules) then prepend_path("MODULEPATH", bindingsModules) end\n`
    : '';
  return `${use}depends_on(${luaString(module, '"')})\n`;
}

/** The override of a generated module's home: an environment variable for this module only. */
export function homeOverrideVariable(name: string): string {
  return `LUMI_MODULE_HOME_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** A Lua pattern that matches `text` literally. */
function luaPatternLiteral(text: string): string {
  return text.replace(/[\^$()%.[\]*+?-]/g, '%$&');
}

/**
 * The Lua expression of a generated module's home: the override variable, else the directory above
 * its modules tree from the module's own location (myFileName(), HOME/MODULES/NAME/VERSION.lua), else the
 * home it was written for. PROJHOME is not read: it often points at another project.
 */
export function homeExpression(
  name: string,
  modulesDir: string,
  root: string,
  quote: "'" | '"' = "'",
): string {
  const pattern = `^(.*)/${luaPatternLiteral(modulesDir)}/[^/]+/[^/]+$`;
  return (
    `os.getenv(${luaString(homeOverrideVariable(name), quote)})` +
    ` or string.match(myFileName(), ${luaString(pattern, quote)}) or ${luaString(root, quote)}`
  );
}

/**
 * The modules tree of a new module, relative to the home: the one the --from module lies in when it lies in
 * the home (a new version goes beside the old one), else `modules`.
 */
export function modulesDirFor(o: Pick<ScaffoldOptions, 'from' | 'root'>): string {
  if (o.from === undefined) return 'modules';
  const tree = relative(o.root, dirname(dirname(o.from)));
  return tree === '' || tree.startsWith('..') || isAbsolute(tree) ? 'modules' : tree.split(sep).join('/');
}

/** What a scaffold decides that the user did not say, one plain line each (the CLI prints them). */
export function scaffoldNotes(o: ScaffoldOptions): string[] {
  const notes: string[] = [];
  const style = o.from === undefined ? (o.style ?? defaultStyle(o.image)) : 'csc';
  if (style !== 'laif' && o.condaEnv === undefined && defaultCondaEnv(o.image) === undefined)
    notes.push(
      `${basename(o.image)}: its conda environment is not known from its name, so WITH_CONDA is left out; ` +
        'give --conda-env ENV if its python needs conda activate',
    );
  return notes;
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
    defaultCondaEnv: defaultCondaEnv(o.image) ?? false,
    bindingsModule: o.bindingsModule || undefined,
    home: homeExpression(o.name, modulesDirFor(o), o.root),
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
    style === 'laif'
      ? false
      : (o.condaEnv ?? (fromImage ? fromImage.condaEnv : defaultCondaEnv(o.image)) ?? false);
  const imageWithConda =
    fromImage?.withConda && condaEnv === fromImage.condaEnv ? fromImage.withConda : undefined;
  const bindingsModule =
    o.bindingsModule === undefined ? defaultBindingsModule(o.image, style) : o.bindingsModule || undefined;
  const modulesDir = modulesDirFor(o);
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
    home: homeExpression(o.name, modulesDir, o.root),
    homeVariable: homeOverrideVariable(o.name),
    modulesDir,
    'lua:loadMessage': luaString(`load-${o.name}-${o.version}.txt`),
    'lua:sifVar': luaString(easybuildVar('SIF', o.name)),
    'lua:runscriptsVar': luaString(easybuildVar('RUNSCRIPTS', o.name)),
    bindings: bindingsModule ? bindingsLines(bindingsModule) : '',
    withConda: condaEnv
      ? `setenv("WITH_CONDA", ${luaString(imageWithConda ?? cscWithConda(condaEnv), '"')})`
      : '',
  };
  const rewritten = o.from === undefined ? undefined : fromModule(o, imageName);
  const modulefile = rewritten?.text ?? fill(read('modulefile.lua'), lua, 'modulefile.lua');
  const bin = join(o.root, ...(rewritten?.wrapperDir ?? 'bin').split('/'));
  // A new version of a module of this home shares the home's wrappers as they are (the user's own, maybe).
  const keepWrappers = o.from !== undefined && isUnder(o.root, o.from) && existsAsFile(join(bin, 'python'));
  const files: PlannedFile[] = [
    {
      path: join(o.root, ...modulesDir.split('/'), o.name, `${o.version}.lua`),
      kind: 'file',
      content: modulefile,
      mode: 0o644,
    },
  ];
  if (!keepWrappers)
    files.push(
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
    );
  files.push(
    {
      path: join(o.root, 'txt', `load-${o.name}-${o.version}.txt`),
      kind: 'file',
      content: fill(read('load-message.txt'), text, 'load-message.txt'),
      mode: 0o644,
    },
    { path: join(o.root, 'sif'), kind: 'dir' },
  );
  // images -> sif as CSC's layout names it, unless the home has its own images (a directory or a link).
  if (!exists(join(o.root, 'images')))
    files.push({ path: join(o.root, 'images'), kind: 'symlink', target: 'sif' });
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
