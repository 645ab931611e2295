-- {{name}}/{{version}}: a container module (CSC's delayed-container pattern), made by
-- `lumi-modules scaffold`. Every path is built from signRoot; set PROJHOME to move the project.
local singName = {{lua:imageName}}
local moduleVersion = {{lua:version}}
local signRoot = os.getenv('PROJHOME') or {{lua:root}}

whatis("Name: {{name}}")
whatis("Version: " .. moduleVersion)
whatis("Image: " .. singName)
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
