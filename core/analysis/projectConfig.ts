// `.lumi-modules.json`, the project file the CLI and the language server both read: the nearest one
// walking up from the checked file's directory applies (no merging with files further up).
//   { "severity": { "unused-local": "off", "wrapper-no-venv": "hint", "SC2086": "error" } }
import { dirname, join } from 'node:path';
import { directoryOf } from '../common/paths';
import type { FileSystemView } from './env';
import { SEVERITY_OVERRIDES, type SeverityOverride, type SeverityPolicy } from './policy';

export const PROJECT_CONFIG_NAME = '.lumi-modules.json';

export interface ProjectConfig {
  /** The file it came from; undefined when none was found. */
  file?: string;
  severity: SeverityPolicy;
}

export class ProjectConfigError extends Error {}

const CODE = /^[A-Za-z0-9_-]+$/;

/** Validates a severity map (from the project file or the editor settings); throws ProjectConfigError. */
export function parseSeverityPolicy(raw: unknown, where: string): Record<string, SeverityOverride> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProjectConfigError(
      `${where}: "severity" must be an object mapping codes to ${SEVERITY_OVERRIDES.join('|')}`,
    );
  }
  const out: Record<string, SeverityOverride> = {};
  for (const [code, value] of Object.entries(raw)) {
    if (!CODE.test(code)) throw new ProjectConfigError(`${where}: '${code}' is not a diagnostic code`);
    if (!SEVERITY_OVERRIDES.includes(value as SeverityOverride)) {
      throw new ProjectConfigError(
        `${where}: severity of ${code} must be one of ${SEVERITY_OVERRIDES.join('|')}, ` +
          `got ${JSON.stringify(value)}`,
      );
    }
    out[code] = value as SeverityOverride;
  }
  return out;
}

export function parseProjectConfig(text: string, file: string): ProjectConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ProjectConfigError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ProjectConfigError(`${file}: must be a JSON object`);
  for (const key of Object.keys(raw)) {
    if (key !== 'severity' && key !== '$schema')
      throw new ProjectConfigError(`${file}: unknown key '${key}' (known: severity)`);
  }
  return { file, severity: parseSeverityPolicy((raw as { severity?: unknown }).severity, file) };
}

/** Finds and reads project files, caching per directory for one run (or until cleared). */
export class ProjectConfigFinder {
  private readonly byDir = new Map<string, ProjectConfig>();

  constructor(private readonly fs: FileSystemView) {}

  /** The config that applies to a file in `dir`; throws ProjectConfigError on a malformed file. */
  forDirectory(dir: string): ProjectConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const candidate = join(dir, PROJECT_CONFIG_NAME);
    let config: ProjectConfig;
    if (this.fs.kind(candidate) === 'file') {
      const text = this.fs.readText(candidate);
      if (text === undefined) throw new ProjectConfigError(`${candidate}: unreadable`);
      config = parseProjectConfig(text, candidate);
    } else {
      const parent = dirname(dir);
      config = parent === dir ? { severity: {} } : this.forDirectory(parent);
    }
    this.byDir.set(dir, config);
    return config;
  }

  forFile(path: string): ProjectConfig {
    return this.forDirectory(directoryOf(path));
  }

  clear(): void {
    this.byDir.clear();
  }
}
