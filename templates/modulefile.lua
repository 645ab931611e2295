-- {{name}}/{{version}}: a container module (CSC's delayed-container pattern), made by
-- `lumi-modules scaffold`. Every path is built from signRoot.
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
help([[{{name}} {{version}} runs python, pip and friends inside ]] .. singName .. [[.
The container starts when a command is called (also in each srun task).]])

if mode() == "load" then
  -- Read with io.open, not capture('cat ...'): no shell runs, whatever the project path holds.
  local loadTxt = io.open(pathJoin(signRoot, 'txt', {{lua:loadMessage}}))
  if loadTxt then
    LmodMessage(loadTxt:read('*a'))
    loadTxt:close()
  end
end
{{bindings}}
setenv("SING_IMAGE", pathJoin(signRoot, 'sif', singName))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
{{withConda}}
