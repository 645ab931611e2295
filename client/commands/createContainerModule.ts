// "LUMI: Create Container Module": a multi-step input (start, name, version, image, style, root,
// conda env, bindings) validated at each step by the scaffold core, then the same plan and writer as
// `lumi-modules scaffold`, writing through vscode.workspace.fs (works in a Remote-SSH window).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { describeModule, type ModuleDescription } from '../../core/scaffold/describe';
import {
  componentProblem,
  defaultBindingsModule,
  defaultCondaEnv,
  defaultStyle,
  LAIF_BINDINGS,
  planScaffold,
  readModuleText,
  ScaffoldInputError,
  type ScaffoldOptions,
  type ScaffoldStyle,
} from '../../core/scaffold/plan';
import { repairFromPlan, ScaffoldFromError } from '../../core/scaffold/repair';
import { ScaffoldBlockedError, ScaffoldConflictError, writeScaffold } from '../../core/scaffold/write';
import { shellQuote } from '../../core/shell/quote';
import type { LumiSettings } from '../../core/settings/schema';
import type { Ctx } from '../ctx';
import { readSettings } from '../settings';
import { workspaceFsTarget } from '../workspaceFsTarget';

const TOTAL_STEPS = 8;

/** One input box step; resolves undefined when the user cancels. */
function ask(
  step: number,
  title: string,
  options: {
    value?: string;
    prompt: string;
    validate: (v: string) => string | undefined;
    browse?: () => Promise<string | undefined>;
  },
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = `Create container module: ${title}`;
    box.step = step;
    box.totalSteps = TOTAL_STEPS;
    box.value = options.value ?? '';
    box.prompt = options.prompt;
    box.ignoreFocusOut = true;
    const browseButton: vscode.QuickInputButton = {
      iconPath: new vscode.ThemeIcon('folder-opened'),
      tooltip: 'Browse...',
    };
    if (options.browse) box.buttons = [browseButton];
    let done = false;
    const finish = (value: string | undefined) => {
      done = true;
      box.hide();
      box.dispose();
      resolve(value);
    };
    box.onDidChangeValue((v) => (box.validationMessage = v === '' ? undefined : options.validate(v)));
    box.onDidAccept(() => {
      const problem = options.validate(box.value);
      if (problem) box.validationMessage = problem;
      else finish(box.value);
    });
    box.onDidTriggerButton(async () => {
      const picked = await options.browse?.();
      if (picked !== undefined) box.value = picked;
      box.validationMessage = options.validate(box.value);
      box.show();
    });
    box.onDidHide(() => {
      if (!done) finish(undefined);
    });
    box.show();
  });
}

function defaultRoot(folder: vscode.WorkspaceFolder | undefined, settings: LumiSettings): string {
  const configured = settings.env.PROJHOME;
  const fromEnv = process.env.PROJHOME;
  const candidate =
    configured?.replace('${workspaceFolder}', folder?.uri.fsPath ?? '') ||
    fromEnv ||
    folder?.uri.fsPath ||
    '';
  return isAbsolute(candidate) ? candidate : '';
}

/** Step 1: add a version of a module in the project home, the bundled template, or any module (`--from`). */
async function pickStart(roots: string[]): Promise<{ from?: string; newVersion?: boolean } | undefined> {
  // HOME/modules, or HOME/bin/modules as some projects keep them; the first home that has modules.
  const trees = roots.filter((r) => r !== '').flatMap((r) => [join(r, 'modules'), join(r, 'bin', 'modules')]);
  const modulesDir = trees.find((d) => listModules(d).length > 0) ?? trees[0] ?? '';
  const ownModules = modulesDir === '' ? [] : listModules(modulesDir);
  const addVersion = {
    label: 'Add a version of an existing module',
    description: ownModules.length > 0 ? `${ownModules.length} in ${modulesDir}` : 'pick its modulefile',
  };
  const template = { label: 'Bundled template', description: "CSC's delayed-container pattern" };
  const existing = {
    label: 'An existing modulefile...',
    description: "e.g. CSC's /appl/local/csc/modulefiles/pytorch/2.7.lua, rewritten in place of the template",
  };
  const picked = await vscode.window.showQuickPick([addVersion, template, existing], {
    title: `Create container module: start from (1/${TOTAL_STEPS})`,
    ignoreFocusOut: true,
  });
  if (picked === undefined) return undefined;
  if (picked === template) return {};
  if (picked === addVersion && ownModules.length > 0) {
    const module = await vscode.window.showQuickPick(
      ownModules.map((m) => ({ label: m, path: join(modulesDir, `${m}.lua`) })),
      { title: 'Module to add a version of', ignoreFocusOut: true },
    );
    return module === undefined ? undefined : { from: module.path, newVersion: true };
  }
  const csc = '/appl/local/csc/modulefiles';
  const files = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'Lmod modulefiles': ['lua'] },
    title: picked === addVersion ? 'Module to add a version of' : 'Module to start from',
    defaultUri:
      modulesDir !== '' && existsSync(modulesDir)
        ? vscode.Uri.file(modulesDir)
        : existsSync(csc)
          ? vscode.Uri.file(csc)
          : undefined,
  });
  return files?.[0] ? { from: files[0].fsPath, newVersion: picked === addVersion } : undefined;
}

/** NAME/VERSION of the .lua modules in DIR (one level of names). */
function listModules(dir: string): string[] {
  const out: string[] = [];
  try {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      if (!name.isDirectory()) continue;
      for (const f of readdirSync(join(dir, name.name)))
        if (f.endsWith('.lua')) out.push(`${name.name}/${f.slice(0, -4)}`);
    }
  } catch {
    return [];
  }
  return out.sort();
}

const STYLE_CHOICES: { style: ScaffoldStyle; label: string; description: string }[] = [
  {
    style: 'csc',
    label: 'CSC style',
    description: "SING_IMAGE and wrappers on PATH, as CSC's pytorch modules",
  },
  {
    style: 'laif',
    label: 'LUMI AI Factory (LAIF)',
    description: "lumi-aif-singularity-bindings, the image's /opt/venv, no conda",
  },
  {
    style: 'easybuild',
    label: 'LUMI EasyBuild style',
    description:
      "SIF, SIF<NAME>, SINGULARITY_BIND, CONTAINERROOT and runscripts, as LUMI's container modules",
  },
];

/** Step 5 for the template: the convention, the one the image suggests first (as `--style`'s default). */
async function pickStyle(image: string): Promise<ScaffoldStyle | undefined> {
  const suggested = defaultStyle(image);
  const items = [...STYLE_CHOICES].sort(
    (a, b) => Number(b.style === suggested) - Number(a.style === suggested),
  );
  const picked = await vscode.window.showQuickPick(
    items.map((c) => ({ ...c, detail: c.style === suggested ? 'suggested for this image' : undefined })),
    { title: `Create container module: style (5/${TOTAL_STEPS})`, ignoreFocusOut: true },
  );
  return picked?.style;
}

/** What the chosen module already says, to prefill the steps; undefined for the template. */
async function prefillFrom(from: string | undefined): Promise<ModuleDescription | undefined> {
  if (from === undefined) return undefined;
  try {
    return await describeModule(readModuleText(from), from);
  } catch {
    return undefined;
  }
}

/** A message as plain text for a notification (VS Code shows no markdown there): no backticks. */
export function plainText(message: string): string {
  return message.replace(/`([^`]*)`/g, "'$1'").replace(/`/g, "'");
}

/**
 * An error as a short plain notification with "Show details" (the whole text in the output channel);
 * the other actions as given. Resolves the action picked.
 */
export async function notifyError(
  ctx: Ctx,
  summary: string,
  details: string,
  ...actions: string[]
): Promise<string | undefined> {
  ctx.log(`${summary}\n${details}`);
  const show = 'Show details';
  const first = plainText(summary.split('\n')[0]);
  const answer = await vscode.window.showErrorMessage(
    `LUMI: ${first.length > 200 ? first.slice(0, 197) + '...' : first}`,
    ...actions,
    show,
  );
  if (answer === show) ctx.showOutput();
  return answer;
}

type ImageKind = 'file' | 'missing' | 'other';
function imageKind(path: string): ImageKind {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** The answers so far; kept when a later step or the writing fails, to start again from them. */
interface Answers {
  name?: string;
  version?: string;
  image?: string;
  allowMissingImage?: boolean;
  style?: ScaffoldStyle;
  root?: string;
  condaEnv?: string;
  bindings?: string;
}

export async function createContainerModule(ctx: Ctx): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const settings = readSettings(folder?.uri);
  // The configured PROJHOME may name another project: the workspace folder's modules count too.
  const start = await pickStart([defaultRoot(folder, settings), folder?.uri.fsPath ?? '']);
  if (start === undefined) return;
  const source = await prefillFrom(start.from);
  let answers: Answers = {};
  for (;;) {
    const next = await askAll(start, source, answers, folder, settings);
    if (next === undefined) return;
    answers = next;
    const again = await createFrom(ctx, start, answers, settings);
    if (!again) return;
  }
}

/** Steps 2-8, each answer checked at its own step; `kept` prefills them (a run after a failure). */
async function askAll(
  start: { from?: string; newVersion?: boolean },
  source: ModuleDescription | undefined,
  kept: Answers,
  folder: vscode.WorkspaceFolder | undefined,
  settings: LumiSettings,
): Promise<Answers | undefined> {
  const name = await ask(2, 'name', {
    value: kept.name ?? source?.name,
    prompt: 'Module name (e.g. my-pytorch): letters, digits, . _ + -',
    validate: (v) => componentProblem('name', v),
  });
  if (name === undefined) return undefined;
  const version = await ask(3, 'version', {
    value: kept.version ?? (start.newVersion ? '' : source?.version),
    prompt: start.newVersion
      ? `New version (${source?.name ?? 'the module'} has ${source?.version ?? '?'})`
      : 'Module version (e.g. 2.7)',
    validate: (v) =>
      componentProblem('version', v) ??
      (start.newVersion && v === source?.version ? 'that version exists: give a new one' : undefined),
  });
  if (version === undefined) return undefined;
  let image = kept.image ?? source?.image;
  let allowMissingImage = kept.allowMissingImage ?? false;
  for (;;) {
    const answer = await ask(4, 'image', {
      value: image,
      prompt:
        'Absolute path of the Singularity image (.sif), e.g. ' +
        '/appl/local/containers/sif-images/lumi-pytorch-rocm-...sif',
      validate: (v) =>
        !v.endsWith('.sif')
          ? 'the image must be a .sif file'
          : !isAbsolute(v)
            ? 'give an absolute path (it starts with /)'
            : imageKind(v) === 'other'
              ? 'that is not a file'
              : undefined,
      browse: async () =>
        (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: { 'Singularity images': ['sif'] },
            title: 'Singularity image',
          })
        )?.[0]?.fsPath,
    });
    if (answer === undefined) return undefined;
    image = answer;
    if (imageKind(image) === 'file') {
      allowMissingImage = false;
      break;
    }
    const later = 'Copy it there later';
    const other = 'Choose another image';
    const picked = await vscode.window.showQuickPick([later, other], {
      title: `Create container module: ${basename(image)} is not on this machine (4/${TOTAL_STEPS})`,
      placeHolder: 'The module links it now; load the module once the image is there',
      ignoreFocusOut: true,
    });
    if (picked === undefined) return undefined;
    if (picked === later) {
      allowMissingImage = true;
      break;
    }
  }
  // A module to start from keeps its own convention (--from rewrites it); the template asks.
  const style = start.from === undefined ? await pickStyle(image) : undefined;
  if (start.from === undefined && style === undefined) return undefined;
  const homeProblem = (v: string): string | undefined => {
    if (!isAbsolute(v)) return 'the project home must be an absolute path';
    try {
      if (!statSync(v).isDirectory()) return 'that is a file, not a directory';
    } catch {
      // a new home: made when the module is written
    }
    try {
      planScaffold({ name, version, image: image!, root: v, from: start.from, style, allowMissingImage });
      return undefined;
    } catch (err) {
      return err instanceof ScaffoldInputError ? plainText(err.message) : undefined;
    }
  };
  const root = await ask(6, 'project home', {
    // From a module: where it lies (HOME/modules/NAME/VERSION.lua), else its root fallback.
    value: kept.root ?? source?.root ?? defaultRoot(folder, settings),
    prompt:
      source?.root !== undefined
        ? "Project home, from where the chosen module lies: the new module's files go under it"
        : 'Project home: modules/, bin/, txt/ and sif/ go under it',
    validate: homeProblem,
    browse: async () =>
      (
        await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          title: 'Project home',
        })
      )?.[0]?.fsPath,
  });
  if (root === undefined) return undefined;
  const known = defaultCondaEnv(image);
  const suggestedEnv =
    kept.condaEnv ?? (source !== undefined ? source.condaEnv : known === false ? '' : known);
  // LAIF images have no conda (their venv /opt/venv): no step.
  const condaEnv =
    style === 'laif'
      ? ''
      : await ask(7, 'conda environment', {
          value: suggestedEnv ?? '',
          prompt:
            suggestedEnv === undefined
              ? `The image name does not tell its conda environment: type it if its python needs ` +
                'conda activate (WITH_CONDA), else leave empty'
              : 'Conda environment activated inside the container (WITH_CONDA); leave empty for none',
          validate: (v) =>
            v === '' || /^[A-Za-z0-9._-]+$/.test(v) ? undefined : 'a plain conda environment name',
        });
  if (condaEnv === undefined) return undefined;
  // The EasyBuild style binds through SINGULARITY_BIND itself (LUMI's modules conflict with the bindings
  // module): no step.
  const needed = defaultBindingsModule(image, style ?? 'csc');
  const bindings =
    style === 'easybuild'
      ? ''
      : await ask(8, 'bindings module', {
          // From a module: its own bindings (none when it handles them itself); else what the image needs
          // (LUMI's images in /appl/local/containers: the setting's module; LAIF: LAIF's own).
          value:
            kept.bindings ??
            (source !== undefined
              ? source.bindingsModule
              : needed === undefined
                ? ''
                : needed === LAIF_BINDINGS
                  ? LAIF_BINDINGS
                  : settings.scaffold.bindingsModule),
          prompt: 'Module with LUMI bind mounts to depend on (empty: none)',
          validate: (v) =>
            v === '' || componentProblem('bindings module', v.replace('/', '')) === undefined
              ? undefined
              : 'a module name such as singularity-AI-bindings',
        });
  if (bindings === undefined) return undefined;
  return { name, version, image, allowMissingImage, style, root, condaEnv, bindings };
}

/** Plans and writes the module; true when the user wants to edit the answers and try again. */
async function createFrom(
  ctx: Ctx,
  start: { from?: string },
  a: Answers,
  settings: LumiSettings,
): Promise<boolean> {
  const { name, version, image, root } = a as Required<Answers>;
  const options: ScaffoldOptions = {
    name,
    version,
    image,
    root,
    condaEnv: a.condaEnv === '' ? false : a.condaEnv,
    bindingsModule: a.bindings ?? '',
    templateDir: settings.scaffold.templateDir || undefined,
    from: start.from,
    style: a.style,
    allowMissingImage: a.allowMissingImage,
  };
  const edit = 'Edit answers';
  try {
    const plan = planScaffold(options);
    if (options.from !== undefined) {
      let fixed: string[];
      try {
        fixed = await repairFromPlan(plan, root, false, a.allowMissingImage);
      } catch (err) {
        if (!(err instanceof ScaffoldFromError)) throw err;
        const anyway = 'Write it anyway';
        const answer = await vscode.window.showWarningMessage(
          'The rewritten module still has errors the checker cannot fix.',
          { modal: true, detail: err.message },
          anyway,
        );
        if (answer !== anyway) return false;
        fixed = await repairFromPlan(plan, root, true, a.allowMissingImage);
      }
      if (fixed.length > 0)
        void vscode.window.showInformationMessage(plainText(`Fixed in the new module: ${fixed.join('; ')}`));
    }
    const target = workspaceFsTarget();
    try {
      await writeScaffold(plan, { force: false, target, root });
    } catch (err) {
      if (err instanceof ScaffoldBlockedError)
        throw new ScaffoldInputError(`nothing written: ${err.problems.join('; ')}`);
      if (!(err instanceof ScaffoldConflictError)) throw err;
      const overwrite = 'Overwrite (keep backups)';
      const answer = await vscode.window.showWarningMessage(
        `${err.paths.length} file(s) already exist and differ; overwriting keeps each old one as FILE.~N~.`,
        { modal: true, detail: err.diffs.join('\n\n') },
        overwrite,
      );
      if (answer !== overwrite) return false;
      await writeScaffold(plan, { force: true, target, root });
    }
    const modulefile = vscode.Uri.file(plan[0].path);
    await vscode.window.showTextDocument(modulefile);
    const modulesDir = dirname(dirname(plan[0].path));
    const lines = `module use ${shellQuote(modulesDir)}\nmodule load ${shellQuote(`${name}/${version}`)}`;
    ctx.log(`Create Container Module: wrote ${plan.map((f) => f.path).join(', ')}`);
    const copy = 'Copy module commands';
    const missing = a.allowMissingImage ? ` Copy ${basename(image)} to ${image} before loading it.` : '';
    // Not awaited inside the try: the module is written, and a toast left open when the window
    // closes (its promise then rejects) is no failure of the creation.
    void vscode.window
      .showInformationMessage(
        plainText(
          `Created ${name}/${version} for ${basename(image)}.${missing} Use it with: ` +
            lines.replace('\n', '; '),
        ),
        copy,
      )
      .then(
        (answer) => (answer === copy ? vscode.env.clipboard.writeText(lines + '\n') : undefined),
        () => undefined,
      );
    return false;
  } catch (err) {
    const message =
      err instanceof ScaffoldInputError
        ? err.message
        : `could not create the module: ${(err as Error).message}`;
    const first = message.split(/[;:]\s/)[0];
    const answer = await notifyError(ctx, `Create Container Module: ${first}`, message, edit);
    return answer === edit;
  }
}
