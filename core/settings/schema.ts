// THE list of `lumiModules.*` settings: type, default and allowed values of each, in one zod
// schema (the pattern of bash-language-server's server/src/config.ts). The language server, the
// VS Code commands and the CLI read settings through `parseSettings`; package.json's
// `contributes.configuration` is checked against this schema by test/unit/settings-schema.test.ts.
import { z } from 'zod';
import { LUA_VERSIONS } from '../analysis/env';

export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;

const strings = () => z.array(z.string()).default([]);

/** What `lumiModules.diagnostics.severity` may give a code (core/analysis/policy.ts applies it). */
export const SEVERITY_OVERRIDES = ['error', 'warning', 'information', 'hint', 'off'] as const;

export const settingsSchema = z.object({
  env: z.record(z.string(), z.string()).default({}),
  luaVersion: z.enum(LUA_VERSIONS).default('5.3'),
  // A site's SitePackage.lua (read, never run) for its sandbox_registration names; '' = none.
  sitePackage: z.string().default(''),
  shellcheck: z
    .object({
      enable: z.boolean().default(true),
      // Empty would mean "no program": the default name is looked up on PATH instead.
      path: z.string().min(1).default('shellcheck'),
    })
    .prefault({}),
  diagnostics: z
    .object({
      severity: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.enum(SEVERITY_OVERRIDES)).default({}),
    })
    .prefault({}),
  scaffold: z
    .object({
      templateDir: z.string().default(''),
      bindingsModule: z.string().default('singularity-AI-bindings'),
    })
    .prefault({}),
  checkFolder: z
    .object({
      // LUMI: Check Folder when a folder with a module tree (modules/NAME/VERSION.lua) opens.
      onOpen: z
        .boolean()
        .default(false)
        .describe('Run LUMI: Check Folder when a workspace with a module tree opens'),
    })
    .prefault({}),
  run: z
    .object({
      host: z.string().default(''),
      sshConfigFile: z.string().default(''),
      modulePaths: strings(),
      modules: strings(),
      venv: z.string().default(''),
      cwd: z.string().default(''),
      preamble: z.string().default(''),
      args: strings(),
      srun: z
        .object({
          enable: z.boolean().default(false),
          account: z.string().default(''),
          partition: z.string().default('small-g'),
          time: z.string().default('00:15:00'),
          gpusPerNode: z.int().min(0).default(1),
          nodes: z.int().min(1).default(1),
          tasksPerNode: z.int().min(1).default(1),
          extraOptions: strings(),
        })
        .prefault({}),
      idleTimeoutSeconds: z.int().min(0).default(600),
    })
    .prefault({}),
  submit: z
    .object({
      // Checked by core/slurm's accountProblem, so a bad value is reported rather than replaced.
      account: z.string().default(''),
      sbatchOptions: strings(),
      srunOptions: strings(),
      template: z.string().default(''),
    })
    .prefault({}),
  trace: z.object({ server: z.enum(TRACE_LEVELS).default('off') }).prefault({}),
});

export type LumiSettings = z.infer<typeof settingsSchema>;
export type LuaVersionSetting = LumiSettings['luaVersion'];

/** Every setting at its default. */
export const defaultSettings: LumiSettings = settingsSchema.parse({});

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
