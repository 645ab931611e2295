-- {{name}}/{{version}}: a container module (CSC's delayed-container pattern), made by
-- `lumi-modules scaffold`. Every path is built from signRoot; set PROJHOME to move the project.
local singName = '{{imageName}}'
local moduleVersion = '{{version}}'
local signRoot = os.getenv('PROJHOME') or '{{root}}'
local loadTxt = capture('cat ' .. pathJoin(signRoot, 'txt', 'load-{{name}}.txt'))

whatis("Name: {{name}}")
whatis("Version: " .. moduleVersion)
whatis("Image: " .. singName)
help([[{{name}} {{version}} runs python, pip and friends inside ]] .. singName .. [[.
The container starts when a command is called (also in each srun task).]])

if mode() == "load" then
  LmodMessage(loadTxt)
end
{{bindings}}
setenv("SING_IMAGE", pathJoin(signRoot, 'sif', singName))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
{{withConda}}
