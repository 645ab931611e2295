// The functions a modulefile may call: exactly the names in Lmod's sandbox (TACC/Lmod
// src/sandbox.lua `sandbox_env`, 8.7.67 = 1e6b9174, LUMI runs 8.7.x; Debian's 8.6 lacks the rows
// marked `since`), documented in docs/source/050_lua_modulefiles.rst, and LUMI's site functions.
// Modulerc files (.modulerc.lua) run in a smaller sandbox (src/mrc_sandbox.lua): MODULERC_ROWS.
// A name outside the sandbox is nil when the file runs: Lmod fails with "attempt to call a nil
// value". minArgs is only where Lmod itself fails with fewer arguments (validated arguments);
// extra arguments are ignored by Lua, so there is no maximum check.
// Used by unknown-function, wrong-arguments, completion, hover and signature help, and by the
// evaluator (STRING_ARGUMENT_FUNCTIONS: where a nil argument stops the load).

export interface LmodFunction {
  name: string;
  kind: 'lmod' | 'sandbox' | 'site' | 'modulerc';
  /** First Lmod version with the function, when later than 8.6. */
  since?: string;
  signature: string;
  params: { label: string; doc?: string }[];
  minArgs: number;
  maxArgs: number;
  /** 0-based indexes of arguments that must be strings when written as literals. */
  stringArgs: number[];
  doc: string;
  snippet?: string;
}

type Row = [
  name: string,
  kind: LmodFunction['kind'],
  params: string,
  min: number,
  max: number,
  stringArgs: number[],
  doc: string,
  snippet?: string,
  since?: string,
];

const INF = Number.POSITIVE_INFINITY;

/**
 * Lmod functions whose every argument must be a string (Lmod's modfuncs.lua: validateStringArgs,
 * validateStringTable, validateArgsWithValue, validateModules): a nil one stops the load.
 */
export const STRING_ARGUMENT_FUNCTIONS = new Set([
  'setenv',
  'pushenv',
  'prepend_path',
  'append_path',
  'remove_path',
  'whatis',
  'help',
  'family',
  'conflict',
  'set_alias',
  'set_shell_function',
  'add_property',
  'load',
  'try_load',
  'depends_on',
  'always_load',
  'prereq',
  'source_sh',
]);

// params: comma-separated labels; "..." marks a variable tail.
const ROWS: Row[] = [
  [
    'setenv',
    'lmod',
    'NAME, value',
    2,
    INF,
    [0],
    'Sets environment variable NAME to value on load; unsets it on unload. The table form ' +
      '`setenv{"NAME", "value", modeA={"load"}}` needs Lmod 8.7.58 or later (8.6 says "arguments are not ' +
      'strings").',
    'setenv("${1:NAME}", ${2:"value"})',
  ],
  [
    'pushenv',
    'lmod',
    'NAME, value',
    2,
    INF,
    [0],
    'Like setenv, but restores the previous value on unload (a stack).',
    'pushenv("${1:NAME}", ${2:"value"})',
  ],
  [
    'unsetenv',
    'lmod',
    'NAME',
    1,
    INF,
    [0],
    'Unsets environment variable NAME on load.',
    'unsetenv("${1:NAME}")',
  ],
  [
    'prepend_path',
    'lmod',
    'NAME, path, delim, priority',
    2,
    INF,
    [0],
    'Prepends path to the path-like variable NAME (e.g. `PATH`). Table form: `prepend_path{"PATH", ' +
      '"/dir", delim=":", priority=100}`.',
    'prepend_path("${1:PATH}", ${2:pathJoin(root, "bin")})',
  ],
  [
    'append_path',
    'lmod',
    'NAME, path, delim, priority',
    2,
    INF,
    [0],
    'Appends path to the path-like variable NAME.',
    'append_path("${1:PATH}", ${2:"/dir"})',
  ],
  [
    'remove_path',
    'lmod',
    'NAME, path, delim',
    2,
    INF,
    [0],
    'Removes path from the path-like variable NAME.',
    'remove_path("${1:PATH}", ${2:"/dir"})',
  ],
  ['set_alias', 'lmod', 'name, value', 2, INF, [0, 1], 'Defines a shell alias.'],
  ['unset_alias', 'lmod', 'name', 0, INF, [0], 'Removes a shell alias.'],
  ['set_shell_function', 'lmod', 'name, bash_string, csh_string', 0, INF, [0], 'Defines a shell function.'],
  ['unset_shell_function', 'lmod', 'name', 0, INF, [0], 'Removes a shell function.'],
  [
    'source_sh',
    'lmod',
    'shell, script',
    0,
    INF,
    [0],
    'Sources a shell script and records its changes so they are undone on unload.',
  ],
  ['complete', 'lmod', 'shell, name, args', 3, INF, [0, 1, 2], 'Shell completion for a command.'],
  ['uncomplete', 'lmod', 'name', 3, INF, [0], 'Removes shell completion.'],
  ['execute', 'lmod', '{cmd=..., modeA={...}}', 0, INF, [], 'Runs a shell command in the given modes.'],
  [
    'load',
    'lmod',
    'module, ...',
    0,
    INF,
    [],
    'Loads modules (unloads them when this module is unloaded).',
    'load("${1:module}")',
  ],
  ['load_any', 'lmod', 'module, ...', 0, INF, [], 'Loads the first of the modules that exists.'],
  [
    'try_load',
    'lmod',
    'module, ...',
    0,
    INF,
    [],
    'Loads modules, silently skipping those that do not exist.',
  ],
  ['try_add', 'lmod', 'module, ...', 0, INF, [], 'Deprecated name of try_load.'],
  ['always_load', 'lmod', 'module, ...', 0, INF, [], 'Loads modules and keeps them loaded on unload.'],
  [
    'depends_on',
    'lmod',
    'module, ...',
    0,
    INF,
    [],
    'Loads modules as dependencies: unloaded with this module unless something else needs them.',
    'depends_on("${1:singularity-AI-bindings}")',
  ],
  [
    'depends_on_any',
    'lmod',
    'module, ...',
    0,
    INF,
    [],
    'Depends on the first of the modules that exists.',
    undefined,
    '8.7',
  ],
  ['unload', 'lmod', 'module, ...', 0, INF, [], 'Unloads modules.'],
  ['always_unload', 'lmod', 'module, ...', 0, INF, [], 'Unloads modules, also when this module is unloaded.'],
  ['prereq', 'lmod', 'module, ...', 0, INF, [], 'Requires all the modules to be loaded already.'],
  ['prereq_any', 'lmod', 'module, ...', 0, INF, [], 'Requires any of the modules to be loaded already.'],
  ['conflict', 'lmod', 'module, ...', 0, INF, [], 'Refuses to load while any of the modules is loaded.'],
  [
    'family',
    'lmod',
    'name',
    1,
    INF,
    [0],
    'Only one module of a family can be loaded: loading another swaps it out.',
  ],
  ['purge', 'lmod', '', 0, INF, [], 'Unloads all modules.', undefined, '8.7'],
  [
    'atleast',
    'lmod',
    'module, version',
    0,
    INF,
    [0, 1],
    'Version constraint for load/depends_on: at least version.',
  ],
  [
    'atmost',
    'lmod',
    'module, version',
    0,
    INF,
    [0, 1],
    'Version constraint: at most version.',
    undefined,
    '8.7',
  ],
  ['between', 'lmod', 'module, low, high', 0, INF, [0, 1, 2], 'Version constraint: between low and high.'],
  ['latest', 'lmod', 'module', 0, INF, [0], 'Version constraint: the latest version.'],
  ['help', 'lmod', 'text, ...', 0, INF, [], 'Text shown by `module help`.', 'help([[${1:text}]])'],
  [
    'whatis',
    'lmod',
    'text',
    0,
    INF,
    [],
    'A line shown by `module whatis` and searched by `module keyword`.',
    'whatis("${1:Name: }")',
  ],
  ['add_property', 'lmod', 'key, value', 0, INF, [0, 1], 'Adds a property (e.g. lmod = "sticky").'],
  ['remove_property', 'lmod', 'key, value', 0, INF, [0, 1], 'Removes a property.'],
  ['extensions', 'lmod', 'list', 0, INF, [], 'Lists extensions (e.g. Python packages) this module provides.'],
  [
    'haveDynamicMPATH',
    'lmod',
    '',
    0,
    INF,
    [],
    'Marks that the module changes MODULEPATH dynamically.',
    undefined,
    '8.7',
  ],
  ['requireFullName', 'lmod', '', 0, INF, [], 'The module must be loaded by its full name.'],
  ['inherit', 'lmod', '', 0, INF, [], 'Runs the module of the same name further down MODULEPATH.'],
  [
    'LmodMessage',
    'lmod',
    'text, ...',
    0,
    INF,
    [],
    'Prints a message to stderr (used for load messages).',
    'LmodMessage(${1:loadTxt})',
  ],
  ['LmodWarning', 'lmod', 'text, ...', 0, INF, [], 'Prints a warning.'],
  ['LmodError', 'lmod', 'text, ...', 0, INF, [], 'Prints an error and aborts the load.'],
  ['LmodBreak', 'lmod', 'text', 0, INF, [], 'Stops evaluating this modulefile without error.'],
  [
    'mode',
    'lmod',
    '',
    0,
    INF,
    [],
    'The evaluation mode: "load", "unload", "show", "spider", ... (`avail`/`spider` evaluate the file too).',
  ],
  ['myModuleName', 'lmod', '', 0, INF, [], 'Name of this module (`modules/NAME/VERSION.lua` → NAME).'],
  [
    'myModuleVersion',
    'lmod',
    '',
    0,
    INF,
    [],
    'Version of this module (`modules/NAME/VERSION.lua` → VERSION).',
  ],
  ['myModuleFullName', 'lmod', '', 0, INF, [], 'NAME/VERSION of this module.'],
  ['myModuleUsrName', 'lmod', '', 0, INF, [], 'The name the user typed to load this module.'],
  ['myFileName', 'lmod', '', 0, INF, [], 'Absolute path of this modulefile.'],
  ['myShellName', 'lmod', '', 0, INF, [], 'The shell Lmod writes for (bash, zsh, ...).'],
  ['myShellType', 'lmod', '', 0, INF, [], 'sh or csh.'],
  ['hierarchyA', 'lmod', 'fullName, level', 0, INF, [0], 'Hierarchy components of a module path.'],
  ['isloaded', 'lmod', 'module', 0, INF, [], 'True when the module is loaded.'],
  ['isPending', 'lmod', 'module', 0, INF, [], 'True when the module is being loaded.'],
  ['isAvail', 'lmod', 'module', 0, INF, [], 'True when the module can be loaded.'],
  ['LmodVersion', 'lmod', '', 0, INF, [], 'The Lmod version string.'],
  ['userInGroups', 'lmod', 'group, ...', 0, INF, [], 'True when the user is in one of the groups.'],
  [
    'pathJoin',
    'lmod',
    'part, ...',
    0,
    INF,
    [],
    'Joins path parts with `/`, **skipping nil and empty parts**: `pathJoin(os.getenv("UNSET"), "bin")` ' +
      'is the relative path `bin`.',
    'pathJoin(${1:root}, "${2:bin}")',
  ],
  [
    'capture',
    'lmod',
    'command',
    0,
    INF,
    [0],
    'Runs a shell command and returns its output (at every evaluation, also for avail/spider).',
    'capture("cat ${1:file}")',
  ],
  ['subprocess', 'lmod', 'command', 0, INF, [0], 'Runs a command and returns its output.'],
  ['isFile', 'lmod', 'path', 0, INF, [0], 'True when path is a file.'],
  ['isDir', 'lmod', 'path', 0, INF, [0], 'True when path is a directory.'],
  ['splitFileName', 'lmod', 'path', 0, INF, [0], 'Directory and file name of a path.'],
  ['dirname', 'lmod', 'path', 0, INF, [0], 'Directory part of a path.'],
  ['extname', 'lmod', 'path', 0, INF, [0], 'Extension of a path.'],
  ['removeExt', 'lmod', 'path', 0, INF, [0], 'Path without its extension.'],
  ['barefilename', 'lmod', 'path', 0, INF, [0], 'File name without directory.'],
  ['abspath', 'lmod', 'path', 0, INF, [0], 'Absolute path.'],
  ['realpath', 'lmod', 'path', 0, INF, [0], 'Absolute path with links resolved.', undefined, '8.7'],
  [
    'convertToCanonical',
    'lmod',
    'version',
    0,
    INF,
    [0],
    'Canonical form of a version string for comparison.',
  ],
  [
    'mgrload',
    'lmod',
    'required, active',
    0,
    INF,
    [],
    'Loads a module by the rules of a "manager" module (used by sites).',
  ],
  [
    'loaded_modules',
    'lmod',
    '',
    0,
    INF,
    [],
    'The loaded modules: an array of tables with `fullName`, `sn`, `version`, ....',
  ],
  ['userInGroup', 'lmod', 'group', 0, INF, [], 'True when the user is in the group.'],
  [
    'export_shell_function',
    'lmod',
    'name',
    0,
    INF,
    [0],
    'Exports a shell function (bash) to sub-shells.',
    undefined,
    '8.7',
  ],
  ['LmodMsgRaw', 'lmod', 'text, ...', 0, INF, [], 'Prints text to stderr as is.'],
  [
    'LmodSystemError',
    'lmod',
    'text, ...',
    0,
    INF,
    [],
    'Prints an error and aborts, also during avail and spider (modulefiles should use LmodError).',
  ],
  ['moduleStackTraceBack', 'lmod', 'msg', 0, INF, [], 'Prints the stack of modules being loaded.'],
  [
    'myConfig',
    'lmod',
    'name',
    0,
    INF,
    [],
    "Value of one of Lmod's configuration settings.",
    undefined,
    '8.7',
  ],
  ['colorize', 'lmod', 'color, text, ...', 0, INF, [], 'Text in a terminal colour.'],
  ['color_banner', 'lmod', 'color', 0, INF, [], 'A coloured banner line.'],
  ['is_spider', 'lmod', '', 0, INF, [], 'Deprecated: use `mode() == "spider"`.'],
  ['mkdir_recursive', 'lmod', 'path', 0, INF, [], 'Creates a directory and its parents.'],
  ['path_regularize', 'lmod', 'path', 0, INF, [], 'A path with `//` and `/./` removed.'],
  ['UUIDString', 'lmod', 'epoch', 0, INF, [], 'A unique id string.'],
  ['isDefined', 'lmod', 'name', 0, INF, [], 'True when the global name is defined.'],
  ['isNotDefined', 'lmod', 'name', 0, INF, [], 'True when the global name is not defined.'],
  [
    'myModuleUsrAndAliasName',
    'lmod',
    '',
    0,
    INF,
    [],
    'The name the user typed, with aliases resolved.',
    undefined,
    '9.2.9',
  ],
  [
    'protected_getenv',
    'lmod',
    'NAME',
    0,
    INF,
    [],
    'os.getenv for variables Lmod itself changes.',
    undefined,
    '9.2.9',
  ],
  // LUMI's site functions: the 19 names of `sandbox_registration{...}` in
  // Lumi-supercomputer/LUMI-SoftwareStack LMOD/SitePackage.lua (commit
  // f375f35c5d86b5074088d50aa5dd44b8c70fd625).
  ['get_hostname', 'site', '', 0, 0, [], 'LUMI site function: the host name.'],
  [
    'get_user_prefix_EasyBuild',
    'site',
    '',
    0,
    0,
    [],
    'LUMI site function: the user EasyBuild prefix (`$EBU_USER_PREFIX` or `$HOME/EasyBuild`).',
  ],
  [
    'detect_LUMI_partition',
    'site',
    '',
    0,
    0,
    [],
    'LUMI site function: the LUMI partition this node belongs to (C, G, L, ...).',
  ],
  [
    'get_init_module_list',
    'site',
    'partition, PrgEnv',
    0,
    2,
    [],
    'LUMI site function: the modules loaded at login for a partition.',
  ],
  [
    'get_CPE_component',
    'site',
    'package, CPE_version',
    0,
    2,
    [],
    'LUMI site function: the version of a Cray PE component in a CPE release.',
  ],
  [
    'get_CPE_versions',
    'site',
    'CPE_version, table_package_version',
    0,
    2,
    [],
    'LUMI site function: versions of the Cray PE components of a CPE release.',
  ],
  [
    'get_EasyBuild_version',
    'site',
    'stack_version',
    0,
    1,
    [],
    'LUMI site function: the EasyBuild version of a LUMI software stack.',
  ],
  [
    'get_versionedfile',
    'site',
    'matching, directory, filenameprefix, filenamesuffix',
    0,
    4,
    [],
    'LUMI site function: the file of a directory matching a version.',
  ],
  ['get_motd', 'site', '', 0, 0, [], 'LUMI site function: the message of the day.'],
  ['get_fortune', 'site', '', 0, 0, [], 'LUMI site function: a tip shown at login.'],
  ['get_num_motd', 'site', '', 0, 0, [], 'LUMI site function: how often the message of the day was shown.'],
  [
    'set_num_motd',
    'site',
    'num',
    0,
    1,
    [],
    'LUMI site function: records how often the message of the day was shown.',
  ],
  ['is_interactive', 'site', '', 0, 0, [], 'LUMI site function: true in an interactive shell.'],
  [
    'is_LTS_LUMI_stack',
    'site',
    'stack_version',
    0,
    1,
    [],
    'LUMI site function: true for a long-term-support LUMI stack.',
  ],
  [
    'is_full_spider',
    'site',
    '',
    0,
    0,
    [],
    'LUMI site function: true when `LUMI_FULL_SPIDER` or `_LUMI_FULL_SPIDER` is set non-zero.',
  ],
  [
    'get_container_repository_root',
    'site',
    '',
    0,
    0,
    [],
    'LUMI site function: `$LUMI_CONTAINER_REPOSITORY_ROOT` or `/appl/local/containers`.',
  ],
  [
    'get_EB_container_repository',
    'site',
    '',
    0,
    0,
    [],
    'LUMI site function: the container repository root + `/easybuild-sif-images`.',
  ],
  [
    'get_SIF_file',
    'site',
    'sif_file, package_name, installdir',
    0,
    3,
    [],
    'LUMI site function: `installdir/sif_file` when it is a file, else its path in the EasyBuild ' +
      'container repository.',
  ],
  [
    'create_container_vars',
    'site',
    'sif_file, package_name, installdir, bind',
    0,
    4,
    [],
    'LUMI site function of EasyBuild container modules: sets `SIF` and `SIF<NAME>` (`LmodError` on load ' +
      'when the image is in neither place) and, with `bind`, `SINGULARITY_BIND` plus the `user-software` ' +
      'SquashFS or directory.',
  ],
  // Lua in Lmod's sandbox: only these library functions exist there (no `error`, `select`, `setmetatable`,
  // `os.remove`, ...).
  [
    'os.getenv',
    'sandbox',
    'NAME',
    1,
    1,
    [0],
    'Value of an environment variable, or **nil** when unset: write `os.getenv("X") or ""` inside `..` ' +
      'or `pathJoin`.',
    'os.getenv("${1:NAME}")',
  ],
  ['os.execute', 'sandbox', 'command', 0, 1, [0], 'Runs a shell command.'],
  ['os.date', 'sandbox', 'format, time', 0, 2, [0], 'Formatted date.'],
  ['os.time', 'sandbox', 'table', 0, 1, [], 'Current time.'],
  ['os.clock', 'sandbox', '', 0, 0, [], 'CPU time used.'],
  ['os.difftime', 'sandbox', 't2, t1', 0, 2, [], 'Seconds between two times.'],
  ['os.exit', 'sandbox', 'code', 0, 1, [], 'Exits Lmod.'],
  ['io.open', 'sandbox', 'path, mode', 1, 2, [0, 1], 'Opens a file.'],
  ['io.close', 'sandbox', 'file', 0, 1, [], 'Closes a file.'],
  ['io.popen', 'sandbox', 'command, mode', 1, 2, [0, 1], 'Runs a command with a pipe.'],
  ['io.write', 'sandbox', 'text, ...', 0, INF, [], 'Writes to stdout.'],
  [
    'string.format',
    'sandbox',
    'format, ...',
    1,
    INF,
    [0],
    'Formats values (`%s`, `%d`, ...).',
    'string.format("${1:%s}", ${2:value})',
  ],
  ...[
    'byte',
    'char',
    'find',
    'gmatch',
    'gsub',
    'len',
    'lower',
    'match',
    'rep',
    'reverse',
    'sub',
    'upper',
    'split',
    'escape',
  ].map((f): Row => [
    `string.${f}`,
    'sandbox',
    's, ...',
    0,
    INF,
    [],
    f === 'split' || f === 'escape' ? `Lmod's string.${f}.` : `Lua's string.${f}.`,
  ]),
  ...['insert', 'remove', 'sort', 'concat', 'unpack'].map((f): Row => [
    `table.${f}`,
    'sandbox',
    't, ...',
    0,
    INF,
    [],
    `Lua's table.${f}.`,
  ]),
  ...['floor', 'ceil', 'min', 'max'].map((f): Row => [
    `math.${f}`,
    'sandbox',
    'x, ...',
    0,
    INF,
    [],
    `Lua's math.${f}.`,
  ]),
  ...[
    'assert',
    'loadfile',
    'require',
    'ipairs',
    'next',
    'pairs',
    'pcall',
    'tonumber',
    'tostring',
    'type',
    'unpack',
    'print',
  ].map((f): Row => [f, 'sandbox', '...', 0, INF, [], `Lua's ${f}.`]),
  [
    'loadstring',
    'sandbox',
    'text',
    0,
    INF,
    [],
    "Lua's loadstring (load in Lua 5.2 and later).",
    undefined,
    '8.7',
  ],
  [
    'dofile',
    'sandbox',
    'path',
    0,
    INF,
    [],
    'Not supported in modulefiles: Lmod stops with an error ("dofile is not supported").',
    undefined,
    '8.7',
  ],
  ...[
    'attributes',
    'chdir',
    'lock_dir',
    'currentdir',
    'dir',
    'lock',
    'mkdir',
    'rmdir',
    'setmode',
    'symlinkattributes',
    'touch',
    'unlock',
  ].map((f): Row => [`lfs.${f}`, 'sandbox', '...', 0, INF, [], `LuaFileSystem's lfs.${f}.`]),
  ...['uname', 'setenv', 'hostid', 'open', 'openlog', 'closelog', 'syslog', 'stat'].map((f): Row => [
    `posix.${f}`,
    'sandbox',
    '...',
    0,
    INF,
    [],
    `luaposix's posix.${f}.`,
  ]),
  ...['active', 'fini', 'print', 'print2D', 'printA', 'printT', 'start'].map((f): Row => [
    `dbg.${f}`,
    'sandbox',
    '...',
    0,
    INF,
    [],
    `Lmod's debug output dbg.${f}.`,
  ]),
];

// The modulerc sandbox (src/mrc_sandbox.lua; signatures from src/mrc_funcs.lua and
// docs/source/080_hierarchy... "modulerc" pages). 8.6 has module_version, module_alias,
// hide_version, hide_modulefile only; hide/forbid came with 8.7, hideRegex/forbidRegex with 9.0.8,
// module_virtual with 9.2.9.
const MODULERC_ROWS: Row[] = [
  [
    'module_version',
    'modulerc',
    'module_name, version, ...',
    1,
    INF,
    [0],
    'Gives a module version other names: `module_version("foo/1.2", "default")`.',
  ],
  [
    'module_alias',
    'modulerc',
    'name, modulefile',
    2,
    2,
    [0, 1],
    'Makes `name` an alias of `modulefile`: `module_alias("name", "foo/1.2")`.',
  ],
  [
    'hide_version',
    'modulerc',
    'full_module_version',
    1,
    1,
    [0],
    'Hides a module version from avail (deprecated name of hide_modulefile for NAME/VERSION).',
  ],
  [
    'hide_modulefile',
    'modulerc',
    'path',
    1,
    1,
    [0],
    'Hides a modulefile, given by its absolute path, from avail.',
  ],
  [
    'hide',
    'modulerc',
    '{name=..., kind=..., user=..., group=..., after=..., before=...}',
    1,
    1,
    [],
    'Hides modules by name (table form: `hide{name="foo/1.2"}`).',
    undefined,
    '8.7',
  ],
  [
    'forbid',
    'modulerc',
    '{name=..., user=..., group=..., after=..., before=..., message=...}',
    1,
    1,
    [],
    'Forbids loading modules (table form: `forbid{name="foo/1.2"}`).',
    undefined,
    '8.7',
  ],
  [
    'hideRegex',
    'modulerc',
    '{name=..., ...}',
    1,
    1,
    [],
    'Like hide, with the name as a Lua pattern.',
    undefined,
    '9.0.8',
  ],
  [
    'forbidRegex',
    'modulerc',
    '{name=..., ...}',
    1,
    1,
    [],
    'Like forbid, with the name as a Lua pattern.',
    undefined,
    '9.0.8',
  ],
  [
    'module_virtual',
    'modulerc',
    'name, modulefile',
    2,
    2,
    [0, 1],
    'An alias that is hidden from avail (Tcl `module-virtual`).',
    undefined,
    '9.2.9',
  ],
  [
    'myConfig',
    'lmod',
    'name',
    0,
    INF,
    [],
    "Value of one of Lmod's configuration settings.",
    undefined,
    '8.7',
  ],
  ['pathJoin', 'lmod', 'part, ...', 0, INF, [], 'Joins path parts with `/`, skipping nil and empty parts.'],
  ['isDir', 'lmod', 'path', 0, INF, [], 'True when path is a directory.'],
  ['isFile', 'lmod', 'path', 0, INF, [], 'True when path is a file.'],
  ['os.getenv', 'sandbox', 'NAME', 1, 1, [0], 'Value of an environment variable, or nil when unset.'],
  ...['clock', 'difftime', 'time', 'date', 'execute'].map((f): Row => [
    `os.${f}`,
    'sandbox',
    '...',
    0,
    INF,
    [],
    `Lua's os.${f}.`,
  ]),
  ...['open', 'close', 'write'].map((f): Row => [`io.${f}`, 'sandbox', '...', 0, INF, [], `Lua's io.${f}.`]),
  ...['loadfile', 'require'].map((f): Row => [
    f,
    'sandbox',
    '...',
    0,
    INF,
    [],
    `Lua's ${f}.`,
    undefined,
    '8.7',
  ]),
];

function catalogue(rows: Row[]): ReadonlyMap<string, LmodFunction> {
  // The first row of a name wins (a Set, not findIndex: this runs as every thread starts).
  const seen = new Set<string>();
  const firstRows = rows.filter(([name]) => {
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  return new Map(
    firstRows.map(([name, kind, params, minArgs, maxArgs, stringArgs, doc, snippet, since]) => {
      const labels = params ? params.split(', ') : [];
      const sinceDoc = since ? `\n\n(Lmod ${since} and later.)` : '';
      return [
        name,
        {
          name,
          kind,
          since,
          signature: `${name}(${params})`,
          params: labels.map((label) => ({ label })),
          minArgs,
          maxArgs,
          stringArgs,
          doc: doc + sinceDoc,
          snippet,
        },
      ];
    }),
  );
}

/** What a modulefile may call: Lmod's functions, the sandbox's Lua and LUMI's site functions. */
export const lmodFunctions: ReadonlyMap<string, LmodFunction> = catalogue(ROWS);
/** What a modulerc file (.modulerc.lua) may call. */
export const modulercFunctions: ReadonlyMap<string, LmodFunction> = catalogue(MODULERC_ROWS);

/** A site function named by a SitePackage.lua's sandbox_registration (not LUMI's). */
export function siteFunction(name: string, origin: string): LmodFunction {
  return {
    name,
    kind: 'site',
    signature: `${name}(...)`,
    params: [],
    minArgs: 0,
    maxArgs: INF,
    stringArgs: [],
    doc: `Site function registered by ${origin}.`,
  };
}

/** Global tables and values of the modulefile sandbox (read, not called). */
export const SANDBOX_GLOBALS = new Set([
  'os',
  'io',
  'string',
  'table',
  'math',
  'package',
  'lfs',
  'posix',
  'dbg',
  '_VERSION',
]);
/** Global tables of the modulerc sandbox. */
export const MODULERC_GLOBALS = new Set(['os', 'io']);

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
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
