// The classes of issue 25 as their smallest texts, with what the checker reports
// (code:severity@line): test/unit/nil-flow checks the findings, test/integration/lmod-harness has
// real Lmod judge them.
export const NIL_FLOW_CASES: [name: string, text: string, expected: string[]][] = [
  ['guard', `if os.getenv("IMGDIR") then setenv("SIF", pathJoin(os.getenv("IMGDIR"), "a.sif")) end\n`, []],
  ['guard ~= nil', `if os.getenv("D") ~= nil then setenv("B", os.getenv("D") .. "/bin") end\n`, []],
  // nil ~= "" is true in Lua: this guard lets an unset D through.
  [
    'guard ~= ""',
    `if os.getenv("D") ~= "" then setenv("B", os.getenv("D") .. "/bin") end\n`,
    ['getenv-no-fallback:warning@1'],
  ],
  ['defaulted ~= ""', `if (os.getenv("D") or "") ~= "" then setenv("B", os.getenv("D") .. "/bin") end\n`, []],
  [
    'else of not',
    `if not os.getenv("D") then setenv("B", "/x") else setenv("B", os.getenv("D") .. "/b") end\n`,
    [],
  ],
  [
    'early LmodError',
    `if not os.getenv("D") then LmodError("set D") end\nsetenv("B", os.getenv("D") .. "/bin")\n`,
    [],
  ],
  ['early return', `if os.getenv("D") == nil then return end\nsetenv("B", os.getenv("D") .. "/bin")\n`, []],
  ['isDir', `local d = os.getenv("D")\nif isDir(d) then prepend_path("PATH", d .. "/bin") end\n`, []],
  ['setenv before', `setenv("X", "/tmp/x")\nsetenv("B", os.getenv("X") .. "/bin")\n`, []],
  [
    'always set',
    `setenv("A", os.getenv("HOME") .. "/x")\nsetenv("U", pathJoin("/u", os.getenv("USER")))\n`,
    [],
  ],
  ['concat', `setenv("B", os.getenv("D") .. "/bin")\n`, ['getenv-no-fallback:warning@1']],
  ['pathJoin', `setenv("B", pathJoin(os.getenv("D"), "bin"))\n`, ['getenv-no-fallback:warning@1']],
  [
    'local in pathJoin',
    `local dir = os.getenv("D")\nsetenv("A", pathJoin(dir, "a"))\n`,
    ['getenv-no-fallback:warning@2'],
  ],
  [
    'local in ..',
    `local dir = os.getenv("D")\nsetenv("B", dir .. "/bin")\n`,
    ['getenv-no-fallback:warning@2'],
  ],
  ['local narrowed', `local dir = os.getenv("D")\nif dir then setenv("B", dir .. "/bin") end\n`, []],
  [
    'local defaulted',
    `local dir = os.getenv("D")\nif not dir then dir = "/d" end\nsetenv("B", dir .. "/b")\n`,
    [],
  ],
  [
    'once per stop',
    `local d = os.getenv("D")\nsetenv("A", d .. "/a")\nsetenv("B", d .. "/b")\n`,
    ['getenv-no-fallback:warning@2'],
  ],
  ['in a function', `local function f() return os.getenv("D") .. "/b" end\n`, []],
  // unlhcc/hcc-modules: the joined path only feeds isDir; where it exists, Lmod tested it. With G
  // unset the load does what it does with G naming a missing directory: nothing.
  [
    'pathJoin local tested by isDir',
    `local p = pathJoin(os.getenv("G"), "3") or ""\nif isDir(p) then append_path("ENVS", p) end\n`,
    [],
  ],
  [
    'pathJoin local used',
    `local p = pathJoin(os.getenv("G"), "3")\nif isDir(p) then append_path("A", p) end\nsetenv("P", p)\n`,
    ['getenv-no-fallback:warning@1'],
  ],
  [
    'undefined in ..',
    `local image = pathJoin("/c", uri)\nsetenv("SIF", image .. "/" .. uri)\n`,
    ['undefined-variable:warning@1', 'undefined-variable:error@2'],
  ],
  [
    'undefined in .. in a branch',
    `if isDir("/x") then setenv("A", "/x/" .. uri) end\n`,
    ['undefined-variable:warning@1'],
  ],
  [
    'undefined in .. in load mode',
    `if mode() == "load" then setenv("A", "/x/" .. uri) end\n`,
    ['undefined-variable:error@1'],
  ],
  [
    'site package',
    `require("SitePackage")\nsetenv("ARCH", get_highest_supported_architecture())\n`,
    ['unknown-function:hint@2'],
  ],
  // Lmod checks the arguments of setenv, prepend_path, ... are strings: a nil stops the load there,
  // so a later use of the same value is not reported again.
  [
    'argument of setenv',
    `local w = os.getenv("WORK")\nsetenv("NXF_HOME", w)\nsetenv("B", w .. "/b")\n`,
    ['getenv-no-fallback:warning@2'],
  ],
  [
    'argument of prepend_path',
    `prepend_path("PATH", os.getenv("TOOLBIN"))\n`,
    ['getenv-no-fallback:warning@1'],
  ],
  ['argument guarded', `if os.getenv("D") then setenv("B", os.getenv("D")) end\n`, []],
  ['LUMI site function', `create_container_vars("a.sif", "PyTorch", "/appl/x")\n`, []],
  ['unknown', `setenv("ARCH", get_highest_supported_architecture())\n`, ['unknown-function:error@1']],
  ['unknown in a branch', `if isDir("/x") then foo() end\n`, ['unknown-function:warning@1']],
];
