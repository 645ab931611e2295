// Paths a wrapper expects inside the container: the absolute program of
// `singularity exec [options] "$IMAGE" /abs/program ...`, and, in `bash -c '...'` code run there,
// programs named by absolute path and files given to `source` / `.`. Only what certainly runs is
// taken: nothing inside if/case/while or a function, nothing after `||`; and only with every bind
// target known (an option or a value this reader cannot follow drops the whole command).
import type { Node } from 'web-tree-sitter';
import { readWrapper, type ShellCommand, type WrapperScript } from './script';

export interface ContainerPathUse {
  /** The variable holding the image (`SING_IMAGE`, `SIF`, ...). */
  imageVariable: string;
  path: string;
  /** program: run, so it must be an executable file; source: read by the shell. */
  use: 'program' | 'source';
  /** Bind targets of this command (--bind, --mount, -H, -S) and of the wrapper's own *_BIND. */
  bindTargets: string[];
}

/** apptainer/singularity exec options that take a value (pflag: `--opt value` or `--opt=value`). */
const VALUE_OPTIONS = new Set(
  (
    '-B --bind --mount -H --home -W --workdir -S --scratch --pwd --env --env-file --security ' +
    '--network --network-args --apply-cgroups --app --hostname --dns --drop-caps --add-caps ' +
    '--no-mount --pem-path --cpus --cpu-shares --cpuset-cpus --cpuset-mems --memory ' +
    '--memory-reservation --memory-swap --pids-limit --blkio-weight --blkio-weight-device ' +
    '--authfile --passphrase-file'
  ).split(' '),
);
/** Options that add content this reader does not see: the command is not judged. */
const CONTENT_OPTIONS = new Set(['-o', '--overlay', '--fusemount', '--sandbox']);
/** Short flags without a value (`-ce`, `-C`, `-e`, ...). */
const SHORT_FLAGS = /^-[cCeiwfupnvh]+$/;
/** Their long flags (an unknown one may take a value: the command is then not judged). */
const LONG_FLAGS = new Set(
  (
    '--nv --rocm --cleanenv --containall --contain --no-home --writable --writable-tmpfs ' +
    '--fakeroot --userns --ipc --pid --net --uts --keep-privs --no-privs --no-init --no-umask ' +
    '--disable-cache --unsquash --underlay --nvccli --no-https --allow-setuid --boot --compat ' +
    '--oci --no-eval --no-pid --sharens --passphrase --docker-login --quiet --silent --debug ' +
    '--verbose'
  ).split(' '),
);
const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(bash|sh|dash)$/;
const BIND_VARIABLES = /\b(?:SINGULARITY|APPTAINER)_(?:BIND|BINDPATH|OVERLAY)\b/;

/** The literal text of a word node (quotes removed), or undefined when it expands anything. */
function literal(node: Node): string | undefined {
  if (node.type === 'raw_string') return node.text.slice(1, -1);
  if (node.type === 'word') return /[$`\\*?[{~]/.test(node.text) ? undefined : node.text;
  if (node.type === 'string') {
    const inner = node.text.slice(1, -1);
    return /[$`\\]/.test(inner) ? undefined : inner;
  }
  return undefined;
}

/** A command name's text without its quotes, or undefined when it expands anything. */
function literalText(text: string): string | undefined {
  const inner = /^'([^']*)'$/.exec(text)?.[1] ?? /^"([^"]*)"$/.exec(text)?.[1] ?? text;
  return /[$`\\*?[{~'"]/.test(inner) ? undefined : inner;
}

/** `$NAME`, `${NAME}`, `"$NAME"`, `"${NAME}"`: NAME. */
function expandedName(node: Node): string | undefined {
  return /^"?\$\{?([A-Za-z_]\w*)\}?"?$/.exec(node.text)?.[1];
}

/** Certainly runs when the script does: no branch, loop condition, function body or `||` above. */
function unconditional(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (/^(if_statement|elif_clause|else_clause|case_statement|case_item|while_statement)$/.test(n.type))
      return false;
    if (n.type === 'function_definition' || n.type === 'negated_command') return false;
    if (n.type === 'list' && n.children.some((c) => c?.type === '||')) return false;
  }
  return true;
}

/** Bind targets of one --bind value (`src[:dst[:opts]],...`), or undefined when not literal. */
function bindTargets(spec: string): string[] | undefined {
  const out: string[] = [];
  for (const one of spec.split(',')) {
    if (one === '') continue;
    const [src, dst] = one.split(':');
    const target = dst ?? src;
    if (!target.startsWith('/')) return undefined;
    out.push(target);
  }
  return out;
}

/** The destination of a --mount value (`type=bind,src=...,dst=...`). */
function mountTarget(spec: string): string[] | undefined {
  const dst = /(?:^|,)(?:dst|destination|target)=([^,]+)/.exec(spec)?.[1];
  return dst?.startsWith('/') ? [dst] : undefined;
}

interface ParsedExec {
  imageVariable: string;
  binds: string[];
  /** Words after the image: the program and its arguments. */
  rest: Node[];
}

/** `exec [options] "$IMAGE" ...` after the runtime word, or undefined when not followed. */
function parseExec(c: ShellCommand): ParsedExec | undefined {
  const args = c.args;
  const sub = args.findIndex((a) => literal(a) === 'exec');
  if (sub < 0) return undefined;
  const binds: string[] = [];
  for (let i = sub + 1; i < args.length; i++) {
    const word = literal(args[i]);
    const name = expandedName(args[i]);
    if (word === undefined || !word.startsWith('-')) {
      if (name === undefined) return undefined;
      return { imageVariable: name, binds, rest: args.slice(i + 1) };
    }
    const eq = word.indexOf('=');
    const option = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    const attached = /^-[BHS]./.test(word) ? word.slice(2) : undefined;
    const key = attached !== undefined ? word.slice(0, 2) : option;
    if (CONTENT_OPTIONS.has(key)) return undefined;
    let value: string | undefined;
    if (attached !== undefined) value = attached;
    else if (VALUE_OPTIONS.has(option)) {
      if (eq > 0 && word.startsWith('--')) value = word.slice(eq + 1);
      else {
        const next = args[++i];
        value = next && literal(next);
        if (value === undefined) return undefined;
      }
    } else if (SHORT_FLAGS.test(word) || LONG_FLAGS.has(word)) continue;
    else return undefined;
    if (key === '-B' || key === '--bind') {
      const targets = bindTargets(value);
      if (!targets) return undefined;
      binds.push(...targets);
    } else if (key === '--mount') {
      const targets = mountTarget(value);
      if (!targets) return undefined;
      binds.push(...targets);
    } else if (key === '-H' || key === '--home') {
      const target = value.split(':')[1] ?? value.split(':')[0];
      if (!target.startsWith('/')) return undefined;
      binds.push(target);
    } else if (key === '-S' || key === '--scratch') {
      binds.push(...value.split(',').filter((p) => p.startsWith('/')));
    }
  }
  return undefined;
}

/** Absolute programs and sourced files of shell CODE that certainly run. */
function innerUses(code: string): { path: string; use: 'program' | 'source' }[] {
  let inner: WrapperScript | undefined;
  try {
    inner = readWrapper(code);
    const out: { path: string; use: 'program' | 'source' }[] = [];
    for (const c of inner.commands) {
      if (!unconditional(c.node)) continue;
      const name = literalText(c.name);
      if (name === undefined) continue;
      if (name === 'source' || name === '.') {
        const file = c.args[0] && literal(c.args[0]);
        if (file?.startsWith('/')) out.push({ path: file, use: 'source' });
      } else if (name.startsWith('/')) out.push({ path: name, use: 'program' });
    }
    return out;
  } finally {
    inner?.dispose();
  }
}

/** The in-container paths SCRIPT expects (see the file's comment). */
export function containerPathUses(script: WrapperScript): ContainerPathUse[] {
  // The wrapper's own SINGULARITY_BIND=... (literal) adds targets; anything else is not followed.
  const ownBinds: string[] = [];
  if (BIND_VARIABLES.test(script.code)) {
    for (const name of ['SINGULARITY_BIND', 'APPTAINER_BIND', 'SINGULARITY_BINDPATH', 'APPTAINER_BINDPATH']) {
      if (!new RegExp(`\\b${name}\\b`).test(script.code)) continue;
      const value = script.assignments.get(name);
      const targets = value === undefined ? undefined : bindTargets(value);
      if (!targets) return [];
      ownBinds.push(...targets);
    }
    if (/\b(?:SINGULARITY|APPTAINER)_OVERLAY\b/.test(script.code)) return [];
  }
  const out: ContainerPathUse[] = [];
  for (const c of script.containerCommands) {
    if (!unconditional(c.node)) continue;
    const parsed = parseExec(c);
    if (!parsed || parsed.rest.length === 0) continue;
    const base = { imageVariable: parsed.imageVariable, bindTargets: [...ownBinds, ...parsed.binds] };
    const program = literal(parsed.rest[0]);
    if (program === undefined) continue;
    if (program.startsWith('/')) out.push({ ...base, path: program, use: 'program' });
    const shell = SHELLS.exec(program)?.[1];
    if (!shell) continue;
    // bash [-l] -c 'CODE' / bash -lc 'CODE': the code runs inside the container.
    let i = 1;
    while (
      i < parsed.rest.length &&
      /^-[a-z]*$/.test(parsed.rest[i].text) &&
      !parsed.rest[i].text.includes('c')
    )
      i++;
    if (i >= parsed.rest.length || !/^-[a-z]*c[a-z]*$/.test(parsed.rest[i].text)) continue;
    const code = parsed.rest[i + 1] && literal(parsed.rest[i + 1]);
    if (code === undefined) continue;
    for (const use of innerUses(code)) out.push({ ...base, ...use });
  }
  return out;
}
