-- {{name}}/{{version}}: a user module for a LUMI AI Factory (LAIF) container image, made by
-- `lumi-modules scaffold --style laif`. LAIF images have no conda: python is the image's venv
-- /opt/venv (the wrappers activate it inside). The bindings come from LAIF's own
-- lumi-aif-singularity-bindings module (Local-LAIF, or /appl/local/laifs/modules on MODULEPATH).
-- Every path is built from signRoot.
local singName = {{lua:imageName}}
local moduleVersion = {{lua:version}}
-- The project home is where this file lies (HOME/{{modulesDir}}/NAME/VERSION.lua), as LUMI's
-- EasyBuild modules are tied to their install directory; PROJHOME is not read (it often names
-- another project). Override: set {{homeVariable}} to use another home for this module.
local signRoot = {{home}}

whatis("Name: {{name}}")
whatis("Version: " .. moduleVersion)
whatis("Image: " .. singName)
-- One container module at a time: loading another swaps this one out whole.
family("container")
help([[{{name}} {{version}} runs python, pip and friends inside the LAIF image ]] .. singName .. [[.
The container starts when a command is called (also in each srun task); $SIF names the image
for `singularity run $SIF ...` as in LAIF's documentation.]])

if mode() == "load" then
  -- Read with io.open, not capture('cat ...'): no shell runs, whatever the project path holds.
  local loadTxt = io.open(pathJoin(signRoot, 'txt', {{lua:loadMessage}}))
  if loadTxt then
    LmodMessage(loadTxt:read('*a'))
    loadTxt:close()
  end
end
{{bindings}}
setenv("SIF", pathJoin(signRoot, 'sif', singName))
setenv("SING_IMAGE", pathJoin(signRoot, 'sif', singName))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
