// THE list of `lumiModules.*` settings, each declared once: type, default and allowed values in a zod
// schema (the pattern of bash-language-server's server/src/config.ts), and beside each leaf what the
// editor shows and guards (description, scope, restricted, user-level only). The language server,
// the VS Code commands and the CLI read settings through `parseSettings`; package.json's
// `contributes.configuration` and `restrictedConfigurations` and docs/settings.md's table are
// written from this file by scripts/gen-manifest.mjs (core/settings/manifest.ts), as rust-analyzer's
// editors/code writes its package.json from its config.
import { z } from 'zod';
import { LUA_VERSIONS } from '../analysis/env';

export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;

/** What `lumiModules.diagnostics.severity` may give a code (core/analysis/policy.ts applies it). */
export const SEVERITY_OVERRIDES = ['error', 'warning', 'information', 'hint', 'off'] as const;

/** VS Code's configuration scopes (where a value may be set: user, remote machine, folder). */
export type SettingScope =
  'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';

interface SettingDocBase {
  /** Markdown: the Settings editor's text and docs/settings.md's row. */
  markdownDescription: string;
  /** One per allowed value, in the enum's order (an enum setting, or a record of enum values). */
  markdownEnumDescriptions?: readonly string[];
  /**
   * Checks only the editor makes (package.json), for a value the code reports in its own words
   * rather than replacing (submit.account: core/slurm's accountProblem).
   */
  editorPattern?: { pattern: string; message: string };
}

/**
 * What package.json says of one setting besides its type. `restricted`: the value names a program,
 * shell text or a file that is run, so VS Code takes it from user settings only in Restricted Mode
 * (capabilities.untrustedWorkspaces.restrictedConfigurations). `userLevelOnly`: a folder's
 * settings.json never chooses it, trusted or not (client/settings.ts readSettings reads the user's
 * value only); such a setting is restricted and machine-scoped.
 */
export type SettingDoc = SettingDocBase &
  (
    | { scope: 'machine'; restricted: true; userLevelOnly: true }
    | { scope: 'machine' | 'machine-overridable'; restricted: true; userLevelOnly?: false }
    | { scope: SettingScope; restricted?: false; userLevelOnly?: false }
  );

/** Each leaf setting's SettingDoc, keyed by its zod schema (every leaf has one: settings-schema.test.ts). */
export const settingDocs = z.registry<SettingDoc>();

/** Declares a leaf setting: its schema with what the editor shows of it. */
function setting<T extends z.ZodType>(schema: T, doc: SettingDoc): T {
  settingDocs.add(schema, doc);
  return schema;
}

const strings = () => z.array(z.string()).default([]);

// The order here is the order of package.json and of docs/settings.md.
export const settingsSchema = z.object({
  env: setting(z.record(z.string(), z.string()).default({}), {
    scope: 'window',
    markdownDescription:
      'Values for `os.getenv(NAME)` when modulefile paths are resolved, e.g. `{"PROJHOME": ' +
      '"/project/project_465000000/me"}`. Variables not given here come from the environment ' +
      'of VS Code (on LUMI in a Remote-SSH window: your login environment). Unknown variables ' +
      'make a path unresolvable; it is then not reported as missing.',
  }),
  // A site's SitePackage.lua (read, never run) for its sandbox_registration names; '' = none.
  sitePackage: setting(z.string().default(''), {
    scope: 'window',
    markdownDescription:
      "A site's `SitePackage.lua`: the functions its `sandbox_registration{...}` makes " +
      'callable from modulefiles are known (read, never run). Empty: ' +
      "`$LMOD_PACKAGE_PATH/SitePackage.lua` when `LMOD_PACKAGE_PATH` is set. LUMI's site " +
      'functions are always known. `${workspaceFolder}` is expanded.',
  }),
  luaVersion: setting(z.enum(LUA_VERSIONS).default('5.3'), {
    scope: 'window',
    markdownDescription: 'Lua grammar modulefiles are parsed with (Lmod on LUMI runs Lua 5.3).',
    markdownEnumDescriptions: ['Lua 5.1', 'Lua 5.2', "Lua 5.3, the Lua of LUMI's Lmod", 'LuaJIT'],
  }),
  shellcheck: z
    .object({
      enable: setting(z.boolean().default(true), {
        scope: 'window',
        markdownDescription:
          'Add ShellCheck findings (`SCnnnn`) to container wrapper scripts when `shellcheck` is ' +
          'installed.',
      }),
      // Empty would mean "no program": the default name is looked up on PATH instead.
      path: setting(z.string().min(1).default('shellcheck'), {
        scope: 'machine',
        restricted: true,
        userLevelOnly: true,
        markdownDescription:
          'ShellCheck executable: an absolute path, or a name looked up on `PATH` (a relative path ' +
          "is refused). Read from your user settings only, never from a folder's; in Restricted " +
          'Mode `shellcheck` is taken from `PATH`.',
      }),
    })
    .prefault({}),
  diagnostics: z
    .object({
      severity: setting(
        z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.enum(SEVERITY_OVERRIDES)).default({}),
        {
          scope: 'window',
          markdownDescription:
            'Severity per diagnostic code, or `off`, e.g. `{"unused-local": "off", "SC2086": ' +
            '"error"}`. Wins over the project file `.lumi-modules.json` (same `severity` object), ' +
            'which `lumi-modules check` reads too.',
          markdownEnumDescriptions: [
            'reported as an error',
            'reported as a warning',
            'reported as information',
            'reported as a hint (the editor shows it faintly, not in the Problems panel)',
            'not reported',
          ],
        },
      ),
    })
    .prefault({}),
  scaffold: z
    .object({
      templateDir: setting(z.string().default(''), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription:
          'Directory with your own `modulefile.lua`, `wrapper.sh` and `load-message.txt` templates ' +
          "for **LUMI: Create Container Module** (empty: the bundled ones, modelled on CSC's " +
          '`pytorch/2.7.lua`).',
      }),
      bindingsModule: setting(z.string().default('singularity-AI-bindings'), {
        scope: 'window',
        markdownDescription:
          "Module the new container module depends on for LUMI's bind mounts (offered as the " +
          'default answer; empty: none).',
      }),
    })
    .prefault({}),
  checkFolder: z
    .object({
      onOpen: setting(z.boolean().default(false), {
        scope: 'window',
        markdownDescription:
          'Run **LUMI: Check Folder** when a workspace with a module tree ' +
          '(`modules/NAME/VERSION.lua`) opens: every modulefile and wrapper script in the Problems ' +
          'panel, not only the open files.',
      }),
    })
    .prefault({}),
  run: z
    .object({
      host: setting(z.string().default(''), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription:
          'SSH host alias of LUMI from your SSH config (the one Remote-SSH uses), e.g. `lumi`. Not ' +
          'needed in a Remote-SSH window on LUMI: runs then happen there directly.',
      }),
      // Its `Match exec` lines run commands.
      sshConfigFile: setting(z.string().default(''), {
        scope: 'machine',
        restricted: true,
        userLevelOnly: true,
        markdownDescription:
          "SSH config file (empty: OpenSSH's default `~/.ssh/config`). User settings only: a " +
          "folder's settings cannot choose it (`Match exec` lines run commands).",
      }),
      modulePaths: setting(strings(), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription:
          'Directories for `module use` on LUMI, e.g. `/project/project_465000000/me/modules`. ' +
          '`~/` means your LUMI home.',
      }),
      modules: setting(strings(), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription: 'Modules to `module load`, in order, e.g. `["my-pytorch/2.7"]`.',
      }),
      venv: setting(z.string().default(''), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription:
          "A venv on LUMI to activate after the modules (made through the container's python).",
      }),
      cwd: setting(z.string().default(''), {
        scope: 'window',
        markdownDescription: 'Working directory on LUMI (empty: your home).',
      }),
      preamble: setting(z.string().default(''), {
        scope: 'machine',
        restricted: true,
        userLevelOnly: true,
        markdownDescription:
          'Shell lines run on LUMI before `module load` (e.g. `export OMP_NUM_THREADS=7`). User ' +
          "settings only: a folder's settings cannot choose them.",
      }),
      args: setting(strings(), {
        scope: 'window',
        markdownDescription: 'Arguments passed to the script, each exactly as written.',
      }),
      srun: z
        .object({
          enable: setting(z.boolean().default(false), {
            scope: 'window',
            markdownDescription: 'Run through `srun` on compute nodes instead of on the login node.',
          }),
          account: setting(z.string().default(''), {
            scope: 'window',
            markdownDescription: '`--account` for srun, e.g. `project_465000000`.',
          }),
          partition: setting(z.string().default('small-g'), {
            scope: 'window',
            markdownDescription: '`--partition`: `small-g`, `standard-g`, `dev-g`, `small`, ...',
          }),
          time: setting(z.string().default('00:15:00'), {
            scope: 'window',
            markdownDescription: '`--time`, e.g. `00:15:00`.',
          }),
          gpusPerNode: setting(z.int().min(0).default(1), {
            scope: 'window',
            markdownDescription: '`--gpus-per-node` (0: none).',
          }),
          nodes: setting(z.int().min(1).default(1), {
            scope: 'window',
            markdownDescription: '`--nodes`.',
          }),
          tasksPerNode: setting(z.int().min(1).default(1), {
            scope: 'window',
            markdownDescription: '`--ntasks-per-node`.',
          }),
          extraOptions: setting(strings(), {
            scope: 'machine-overridable',
            restricted: true,
            markdownDescription: 'More srun options, one per item, e.g. `--cpus-per-task=7`.',
          }),
        })
        .prefault({}),
      idleTimeoutSeconds: setting(z.int().min(0).default(600), {
        scope: 'window',
        markdownDescription: 'Seconds an unused SSH connection stays open for the next run.',
      }),
    })
    .prefault({}),
  trace: z
    .object({
      server: setting(z.enum(TRACE_LEVELS).default('off'), {
        scope: 'window',
        markdownDescription:
          'Log the messages between VS Code and the language server in the **LUMI Container ' +
          'Modules** output (`messages`: names; `verbose`: also contents).',
        markdownEnumDescriptions: [
          'no trace',
          'the name of each request and notification',
          'each message with its contents',
        ],
      }),
    })
    .prefault({}),
  submit: z
    .object({
      // Checked by core/slurm's accountProblem, so a bad value is reported rather than replaced.
      account: setting(z.string().default(''), {
        scope: 'window',
        markdownDescription:
          'Project account for **LUMI: Submit Python File as Batch Job** (`#SBATCH --account=`), ' +
          'e.g. `project_465000000` (`lumi-workspaces` lists yours). Empty: asked at the first ' +
          'submit and saved here.',
        editorPattern: {
          pattern: '^(project_[0-9]{9})?$',
          message: 'A LUMI project account: project_ and nine digits, e.g. project_465000000.',
        },
      }),
      sbatchOptions: setting(strings(), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription:
          'sbatch options, one per item (e.g. `--time=02:00:00`, `--gpus-per-node=8`, ' +
          "`--partition=small`), passed on sbatch's command line: they override the template's " +
          '`#SBATCH` defaults (LUMI-G: `small-g`, 1 GPU, 7 cores per GPU, 30 minutes). A partition ' +
          'whose name does not end in `-g` uses the LUMI-C template (no GPUs).',
      }),
      srunOptions: setting(strings(), {
        scope: 'machine-overridable',
        restricted: true,
        markdownDescription: 'Options for the `srun` that starts python in the job, one per item.',
      }),
      // A job script run on LUMI.
      template: setting(z.string().default(''), {
        scope: 'machine',
        restricted: true,
        userLevelOnly: true,
        markdownDescription:
          'Your own job script template (a local file; copy `templates/slurm-lumi-g.sh` of this ' +
          'extension to start). Empty: the bundled LUMI-G or LUMI-C template. User settings only: ' +
          'a folder cannot choose the job script.',
      }),
    })
    .prefault({}),
});

export type LumiSettings = z.infer<typeof settingsSchema>;
export type LuaVersionSetting = LumiSettings['luaVersion'];

/** Every setting at its default. */
export const defaultSettings: LumiSettings = settingsSchema.parse({});

/** One leaf setting: `run.srun.nodes` (without `lumiModules.`), its schema and its SettingDoc. */
export interface SettingLeaf {
  key: string;
  schema: z.ZodType;
  doc: SettingDoc | undefined;
}

/** The groups (`run`, `run.srun`) are objects behind a prefault; everything else is a leaf. */
function objectInside(schema: z.ZodType): z.ZodObject | undefined {
  let inner: z.core.$ZodType = schema;
  while (inner instanceof z.ZodPrefault || inner instanceof z.ZodDefault) inner = inner.unwrap();
  return inner instanceof z.ZodObject ? inner : undefined;
}

function leavesOf(shape: Record<string, z.ZodType>, prefix: string): SettingLeaf[] {
  return Object.entries(shape).flatMap(([name, schema]) => {
    const group = objectInside(schema);
    const key = prefix + name;
    return group
      ? leavesOf(group.shape as Record<string, z.ZodType>, `${key}.`)
      : [{ key, schema, doc: settingDocs.get(schema) }];
  });
}

/** Every leaf setting, in declaration order. */
export const settingLeaves: readonly SettingLeaf[] = leavesOf(settingsSchema.shape, '');

/** The settings a folder's settings.json never chooses (`run.preamble`, ...). */
export const USER_LEVEL_ONLY: readonly string[] = settingLeaves
  .filter((leaf) => leaf.doc?.userLevelOnly)
  .map((leaf) => leaf.key);

/**
 * `section` (the editor's merged `lumiModules` values) with every user-level-only setting replaced
 * by `userValue(key)`, the user's own value (VS Code: `inspect(key).globalValue`); undefined
 * removes it, so that the default applies whatever a folder says.
 */
export function withUserLevelOnly(
  section: unknown,
  userValue: (key: string) => unknown,
): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  try {
    if (isRecord(section)) out = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  } catch {
    // not plain data: parseSettings gives the defaults for what is left
  }
  for (const key of USER_LEVEL_ONLY) {
    const names = key.split('.');
    let parent = out;
    for (const name of names.slice(0, -1)) {
      if (!isRecord(parent[name])) parent[name] = {};
      parent = parent[name] as Record<string, unknown>;
    }
    const last = names[names.length - 1];
    const value = userValue(key);
    if (value === undefined) delete parent[last];
    else parent[last] = structuredClone(value);
  }
  return out;
}

/** A string setting's value, undefined when blank (unset); surrounding blanks are no part of it. */
export function unsetIfBlank(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed !== '' ? trimmed : undefined;
}

/** A list setting's items, without the empty ones. */
export function nonEmptyItems(values: readonly string[]): string[] {
  return values.filter((value) => value !== '');
}

export interface ParsedSettings {
  settings: LumiSettings;
  /** One line per value that was not taken (`run.srun.nodes: ...`), for a log. */
  problems: string[];
}

type Path = readonly PropertyKey[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: Path): { found: boolean; value?: unknown } {
  let here: unknown = root;
  for (const key of path) {
    if (typeof here !== 'object' || here === null || !(key in here)) return { found: false };
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: here };
}

/** Replaces (or removes, when `replacement` is not found) the value at `path` inside `root`. */
function replaceAt(
  root: Record<string, unknown>,
  path: Path,
  replacement: { found: boolean; value?: unknown },
): void {
  const parent = valueAt(root, path.slice(0, -1)).value;
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') {
    if (replacement.found) parent[key] = structuredClone(replacement.value);
    else parent.splice(key, 1);
  } else if (typeof parent === 'object' && parent !== null) {
    const p = parent as Record<PropertyKey, unknown>;
    if (replacement.found) p[key] = structuredClone(replacement.value);
    else delete p[key];
  }
}

/**
 * Settings from whatever a client sent: the `lumiModules` section itself or `{ lumiModules: {...} }`.
 * A value of the wrong type or outside its allowed values does not spoil the others: it keeps its
 * `previous` value, or else its default, and is named in `problems`.
 */
export function parseSettingsReporting(raw: unknown, previous?: LumiSettings): ParsedSettings {
  const section = isRecord(raw) && isRecord(raw.lumiModules) ? raw.lumiModules : raw;
  if (section === undefined || section === null)
    return { settings: previous ?? defaultSettings, problems: [] };
  if (!isRecord(section))
    return { settings: previous ?? defaultSettings, problems: ['lumiModules: not an object'] };
  // A plain copy: a VS Code WorkspaceConfiguration carries methods next to the values.
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  } catch {
    return { settings: previous ?? defaultSettings, problems: ['lumiModules: not plain data'] };
  }
  const problems: string[] = [];
  // Each round drops (or restores) the values zod rejected; nested values can need a few rounds.
  for (let round = 0; round < 8; round++) {
    const result = settingsSchema.safeParse(input);
    if (result.success) return { settings: result.data, problems };
    // Deepest and last first, so that removing array items does not shift the ones still to do.
    const issues = [...result.error.issues].sort(
      (a, b) =>
        b.path.length - a.path.length ||
        String(b.path.at(-1)).localeCompare(String(a.path.at(-1)), 'en', { numeric: true }),
    );
    for (const issue of issues) {
      if (issue.path.length === 0)
        return {
          settings: previous ?? defaultSettings,
          problems: [...problems, `lumiModules: ${issue.message}`],
        };
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
      replaceAt(input, issue.path, previous ? valueAt(previous, issue.path) : { found: false });
    }
  }
  return { settings: previous ?? defaultSettings, problems };
}

export function parseSettings(raw: unknown, previous?: LumiSettings): LumiSettings {
  return parseSettingsReporting(raw, previous).settings;
}
