// The functions a modulefile may call: Lmod's modulefile API ("Lua Modulefile Functions" in the
// Lmod documentation), the Lua sandbox Lmod provides, and LUMI's site functions. Used by
// unknown-function, wrong-arguments, completion, hover and signature help.

export interface LmodFunction {
  name: string;
  kind: 'lmod' | 'sandbox' | 'site';
  signature: string;
  params: { label: string; doc?: string }[];
  minArgs: number;
  maxArgs: number;
  /** 0-based indexes of arguments that must be strings when written as literals. */
  stringArgs: number[];
  doc: string;
  snippet?: string;
}

type Row = [name: string, kind: LmodFunction['kind'], params: string, min: number, max: number, stringArgs: number[], doc: string, snippet?: string];

const INF = Number.POSITIVE_INFINITY;

// params: comma-separated labels; "..." marks a variable tail.
const ROWS: Row[] = [
  ['setenv', 'lmod', 'NAME, value', 2, 3, [0], 'Sets environment variable NAME to value on load; unsets it on unload.', 'setenv("${1:NAME}", ${2:"value"})'],
  ['pushenv', 'lmod', 'NAME, value', 2, 2, [0], 'Like setenv, but restores the previous value on unload (a stack).', 'pushenv("${1:NAME}", ${2:"value"})'],
  ['unsetenv', 'lmod', 'NAME', 1, 2, [0], 'Unsets environment variable NAME on load.', 'unsetenv("${1:NAME}")'],
  ['prepend_path', 'lmod', 'NAME, path, delim, priority', 2, 4, [0], 'Prepends path to the path-like variable NAME (e.g. `PATH`). Table form: `prepend_path{"PATH", "/dir", delim=":", priority=100}`.', 'prepend_path("${1:PATH}", ${2:pathJoin(root, "bin")})'],
  ['append_path', 'lmod', 'NAME, path, delim, priority', 2, 4, [0], 'Appends path to the path-like variable NAME.', 'append_path("${1:PATH}", ${2:"/dir"})'],
  ['remove_path', 'lmod', 'NAME, path, delim', 2, 3, [0], 'Removes path from the path-like variable NAME.', 'remove_path("${1:PATH}", ${2:"/dir"})'],
  ['set_alias', 'lmod', 'name, value', 2, 2, [0, 1], 'Defines a shell alias.'],
  ['unset_alias', 'lmod', 'name', 1, 1, [0], 'Removes a shell alias.'],
  ['set_shell_function', 'lmod', 'name, bash_string, csh_string', 2, 3, [0], 'Defines a shell function.'],
  ['unset_shell_function', 'lmod', 'name', 1, 1, [0], 'Removes a shell function.'],
  ['source_sh', 'lmod', 'shell, script', 2, 2, [0], 'Sources a shell script and records its changes so they are undone on unload.'],
  ['complete', 'lmod', 'shell, name, args', 3, 3, [0, 1, 2], 'Shell completion for a command.'],
  ['uncomplete', 'lmod', 'name', 1, 1, [0], 'Removes shell completion.'],
  ['execute', 'lmod', '{cmd=..., modeA={...}}', 1, 1, [], 'Runs a shell command in the given modes.'],
  ['load', 'lmod', 'module, ...', 1, INF, [], 'Loads modules (unloads them when this module is unloaded).', 'load("${1:module}")'],
  ['load_any', 'lmod', 'module, ...', 1, INF, [], 'Loads the first of the modules that exists.'],
  ['try_load', 'lmod', 'module, ...', 1, INF, [], 'Loads modules, silently skipping those that do not exist.'],
  ['try_add', 'lmod', 'module, ...', 1, INF, [], 'Deprecated name of try_load.'],
  ['always_load', 'lmod', 'module, ...', 1, INF, [], 'Loads modules and keeps them loaded on unload.'],
  ['depends_on', 'lmod', 'module, ...', 1, INF, [], 'Loads modules as dependencies: unloaded with this module unless something else needs them.', 'depends_on("${1:singularity-AI-bindings}")'],
  ['depends_on_any', 'lmod', 'module, ...', 1, INF, [], 'Depends on the first of the modules that exists.'],
  ['unload', 'lmod', 'module, ...', 1, INF, [], 'Unloads modules.'],
  ['always_unload', 'lmod', 'module, ...', 1, INF, [], 'Unloads modules, also when this module is unloaded.'],
  ['prereq', 'lmod', 'module, ...', 1, INF, [], 'Requires all the modules to be loaded already.'],
  ['prereq_any', 'lmod', 'module, ...', 1, INF, [], 'Requires any of the modules to be loaded already.'],
  ['conflict', 'lmod', 'module, ...', 1, INF, [], 'Refuses to load while any of the modules is loaded.'],
  ['family', 'lmod', 'name', 1, 1, [0], 'Only one module of a family can be loaded: loading another swaps it out.'],
  ['purge', 'lmod', '', 0, 1, [], 'Unloads all modules.'],
  ['atleast', 'lmod', 'module, version', 2, 2, [0, 1], 'Version constraint for load/depends_on: at least version.'],
  ['atmost', 'lmod', 'module, version', 2, 2, [0, 1], 'Version constraint: at most version.'],
  ['between', 'lmod', 'module, low, high', 3, 3, [0, 1, 2], 'Version constraint: between low and high.'],
  ['latest', 'lmod', 'module', 1, 1, [0], 'Version constraint: the latest version.'],
  ['help', 'lmod', 'text, ...', 1, INF, [], 'Text shown by `module help`.', 'help([[${1:text}]])'],
  ['whatis', 'lmod', 'text', 1, 1, [], 'A line shown by `module whatis` and searched by `module keyword`.', 'whatis("${1:Name: }")'],
  ['add_property', 'lmod', 'key, value', 2, 2, [0, 1], 'Adds a property (e.g. lmod = "sticky").'],
  ['remove_property', 'lmod', 'key, value', 2, 2, [0, 1], 'Removes a property.'],
  ['extensions', 'lmod', 'list', 1, INF, [], 'Lists extensions (e.g. Python packages) this module provides.'],
  ['haveDynamicMPATH', 'lmod', '', 0, 0, [], 'Marks that the module changes MODULEPATH dynamically.'],
  ['requireFullName', 'lmod', '', 0, 0, [], 'The module must be loaded by its full name.'],
  ['inherit', 'lmod', '', 0, 0, [], 'Runs the module of the same name further down MODULEPATH.'],
  ['LmodMessage', 'lmod', 'text, ...', 1, INF, [], 'Prints a message to stderr (used for load messages).', 'LmodMessage(${1:loadTxt})'],
  ['LmodWarning', 'lmod', 'text, ...', 1, INF, [], 'Prints a warning.'],
  ['LmodError', 'lmod', 'text, ...', 1, INF, [], 'Prints an error and aborts the load.'],
  ['LmodBreak', 'lmod', 'text', 0, 1, [], 'Stops evaluating this modulefile without error.'],
  ['mode', 'lmod', '', 0, 0, [], 'The evaluation mode: "load", "unload", "show", "spider", ... (`avail`/`spider` evaluate the file too).'],
  ['myModuleName', 'lmod', '', 0, 0, [], 'Name of this module (`modules/NAME/VERSION.lua` → NAME).'],
  ['myModuleVersion', 'lmod', '', 0, 0, [], 'Version of this module (`modules/NAME/VERSION.lua` → VERSION).'],
  ['myModuleFullName', 'lmod', '', 0, 0, [], 'NAME/VERSION of this module.'],
  ['myModuleUsrName', 'lmod', '', 0, 0, [], 'The name the user typed to load this module.'],
  ['myFileName', 'lmod', '', 0, 0, [], 'Absolute path of this modulefile.'],
  ['myShellName', 'lmod', '', 0, 0, [], 'The shell Lmod writes for (bash, zsh, ...).'],
  ['myShellType', 'lmod', '', 0, 0, [], 'sh or csh.'],
  ['hierarchyA', 'lmod', 'fullName, level', 2, 2, [0], 'Hierarchy components of a module path.'],
  ['isloaded', 'lmod', 'module', 1, 1, [], 'True when the module is loaded.'],
  ['isPending', 'lmod', 'module', 1, 1, [], 'True when the module is being loaded.'],
  ['isAvail', 'lmod', 'module', 1, 1, [], 'True when the module can be loaded.'],
  ['LmodVersion', 'lmod', '', 0, 0, [], 'The Lmod version string.'],
  ['userInGroups', 'lmod', 'group, ...', 1, INF, [], 'True when the user is in one of the groups.'],
  ['pathJoin', 'lmod', 'part, ...', 1, INF, [], 'Joins path parts with `/`, **skipping nil and empty parts**: `pathJoin(os.getenv("UNSET"), "bin")` is the relative path `bin`.', 'pathJoin(${1:root}, "${2:bin}")'],
  ['capture', 'lmod', 'command', 1, 2, [0], 'Runs a shell command and returns its output (at every evaluation, also for avail/spider).', 'capture("cat ${1:file}")'],
  ['subprocess', 'lmod', 'command', 1, 1, [0], 'Runs a command and returns its output.'],
  ['isFile', 'lmod', 'path', 1, 1, [0], 'True when path is a file.'],
  ['isDir', 'lmod', 'path', 1, 1, [0], 'True when path is a directory.'],
  ['splitFileName', 'lmod', 'path', 1, 1, [0], 'Directory and file name of a path.'],
  ['dirname', 'lmod', 'path', 1, 1, [0], 'Directory part of a path.'],
  ['extname', 'lmod', 'path', 1, 1, [0], 'Extension of a path.'],
  ['removeExt', 'lmod', 'path', 1, 1, [0], 'Path without its extension.'],
  ['barefilename', 'lmod', 'path', 1, 1, [0], 'File name without directory.'],
  ['abspath', 'lmod', 'path', 1, 1, [0], 'Absolute path.'],
  ['realpath', 'lmod', 'path', 1, 1, [0], 'Absolute path with links resolved.'],
  ['convertToCanonical', 'lmod', 'version', 1, 1, [0], 'Canonical form of a version string for comparison.'],
  // LUMI site functions (SitePackage.lua of LUMI's Lmod set-up and its EasyBuild container modules).
  ['create_container_vars', 'site', 'sif, name, dir, ...', 1, INF, [], 'LUMI site function: sets `SIF`/`SIF<NAME>` and the bind variables of an EasyBuild container module.'],
  ['get_SIF_file', 'site', 'file, name, dir', 1, 3, [], 'LUMI site function: the path of a container image of an EasyBuild container module.'],
  ['get_container_dir', 'site', 'name', 0, INF, [], 'LUMI site function: directory of an EasyBuild container installation.'],
  ['get_hostname', 'site', '', 0, 0, [], 'LUMI site function: the host name.'],
  ['get_user_prefix_EasyBuild', 'site', '', 0, 0, [], 'LUMI site function: the user EasyBuild prefix.'],
  ['is_interactive', 'site', '', 0, 0, [], 'LUMI site function: true in an interactive shell.'],
  ['is_LUMI_partition', 'site', '', 0, 0, [], 'LUMI site function: the current partition.'],
  // Lua sandbox.
  ['os.getenv', 'sandbox', 'NAME', 1, 1, [0], 'Value of an environment variable, or **nil** when unset: write `os.getenv("X") or ""` inside `..` or `pathJoin`.', 'os.getenv("${1:NAME}")'],
  ['os.execute', 'sandbox', 'command', 0, 1, [0], 'Runs a shell command.'],
  ['os.date', 'sandbox', 'format, time', 0, 2, [0], 'Formatted date.'],
  ['os.time', 'sandbox', 'table', 0, 1, [], 'Current time.'],
  ['os.exit', 'sandbox', 'code', 0, 1, [], 'Exits Lmod.'],
  ['os.remove', 'sandbox', 'path', 1, 1, [0], 'Removes a file.'],
  ['os.rename', 'sandbox', 'from, to', 2, 2, [0, 1], 'Renames a file.'],
  ['os.tmpname', 'sandbox', '', 0, 0, [], 'A temporary file name.'],
  ['io.open', 'sandbox', 'path, mode', 1, 2, [0, 1], 'Opens a file.'],
  ['io.popen', 'sandbox', 'command, mode', 1, 2, [0, 1], 'Runs a command with a pipe.'],
  ['io.write', 'sandbox', 'text, ...', 0, INF, [], 'Writes to stdout.'],
  ['io.read', 'sandbox', 'format', 0, INF, [], 'Reads from stdin.'],
  ['io.lines', 'sandbox', 'path', 0, INF, [], 'Iterates the lines of a file.'],
  ['string.format', 'sandbox', 'format, ...', 1, INF, [0], 'Formats values (`%s`, `%d`, ...).', 'string.format("${1:%s}", ${2:value})'],
  ...['find', 'match', 'gmatch', 'gsub', 'sub', 'upper', 'lower', 'len', 'rep', 'reverse', 'byte', 'char'].map(
    (f): Row => [`string.${f}`, 'sandbox', 's, ...', 1, INF, [], `Lua's string.${f}.`],
  ),
  ...['insert', 'remove', 'concat', 'sort', 'unpack', 'pack'].map((f): Row => [`table.${f}`, 'sandbox', 't, ...', 1, INF, [], `Lua's table.${f}.`]),
  ...['floor', 'ceil', 'max', 'min', 'abs', 'random', 'sqrt', 'fmod', 'tointeger'].map((f): Row => [`math.${f}`, 'sandbox', 'x, ...', 0, INF, [], `Lua's math.${f}.`]),
  ...['pairs', 'ipairs', 'next', 'type', 'tostring', 'tonumber', 'print', 'require', 'pcall', 'xpcall', 'error', 'assert', 'select', 'unpack', 'setmetatable', 'getmetatable', 'rawget', 'rawset', 'rawequal', 'rawlen', 'load', 'loadstring', 'dofile', 'loadfile', 'collectgarbage'].map(
    (f): Row => [f, 'sandbox', '...', 0, INF, [], `Lua's ${f}.`],
  ),
];

export const lmodFunctions: ReadonlyMap<string, LmodFunction> = new Map(
  ROWS.filter(([name], i) => ROWS.findIndex(([n]) => n === name) === i).map(([name, kind, params, minArgs, maxArgs, stringArgs, doc, snippet]) => {
    const labels = params ? params.split(', ') : [];
    return [name, { name, kind, signature: `${name}(${params})`, params: labels.map((label) => ({ label })), minArgs, maxArgs, stringArgs, doc, snippet }];
  }),
);

/** Global tables and values of the Lua sandbox (read, not called). */
export const SANDBOX_GLOBALS = new Set(['os', 'io', 'string', 'table', 'math', '_G', 'arg', '_VERSION', 'utf8', 'coroutine', 'debug', 'package']);

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The candidate closest to name, when close enough to be a plausible typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance && c !== name) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
