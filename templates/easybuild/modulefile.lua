-- {{name}}/{{version}}: a user module in the style of LUMI's EasyBuild container modules, made by
-- `lumi-modules scaffold --style easybuild`: SIF and SIF<NAME> name the image, SINGULARITY_BIND
-- binds LUMI's system directories and $CONTAINERROOT/runscripts as /runscripts (on PATH in the
-- container), CONTAINERROOT is the project home. Modelled on Lumi-supercomputer/LUMI-EasyBuild-containers
-- easybuild/easyconfigs/p/PyTorch/PyTorch-2.7.1-rocm-6.2.4-python-3.12-singularity-20250827.eb
-- (commit 642b7f1; its modextravars and modluafooter) and on create_container_vars in
-- Lumi-supercomputer/LUMI-SoftwareStack LMOD/SitePackage.lua (f375f35), written out here because
-- that site function exists only under LUMI's Lmod. Every path is built from signRoot.
local singName = {{lua:imageName}}
local moduleVersion = {{lua:version}}
-- The project home is where this file lies (HOME/{{modulesDir}}/NAME/VERSION.lua), as LUMI's
-- EasyBuild modules are tied to their install directory; PROJHOME is not read (it often names
-- another project). Override: set {{homeVariable}} to use another home for this module.
local signRoot = {{home}}
local sifFile = pathJoin(signRoot, 'sif', singName)
local runscripts = pathJoin(signRoot, 'runscripts')

whatis("Name: {{name}}")
whatis("Version: " .. moduleVersion)
whatis("Image: " .. singName)
-- One container module at a time: loading another swaps this one out whole.
family("container")
help([[{{name}} {{version}}: the container image ]] .. singName .. [[ in the style of LUMI's EasyBuild container modules.
Outside the container: SIF and ]] .. {{lua:sifVar}} .. [[ name the image (singularity exec $SIF ...),
SINGULARITY_BIND binds LUMI's directories and the run scripts, CONTAINERROOT is the project home,
RUNSCRIPTS its runscripts directory; python, python3, pip and pip3 start the container when called.
Inside the container: /runscripts is on PATH (conda-python-simple, conda-python-distributed).]])

if mode() == "load" then
  -- Read with io.open, not capture('cat ...'): no shell runs, whatever the project path holds.
  local loadTxt = io.open(pathJoin(signRoot, 'txt', {{lua:loadMessage}}))
  if loadTxt then
    LmodMessage(loadTxt:read('*a'))
    loadTxt:close()
  end
end

-- LUMI's container modules bind for themselves and declare the clash with the bindings module.
conflict('singularity-AI-bindings')

-- create_container_vars: SIF and SIF<NAME> (upper case, '-' as MIN).
setenv("SIF", sifFile)
setenv({{lua:sifVar}}, sifFile)
-- LUMI's bind list, each entry only where it exists (singularity refuses a missing bind source),
-- and the run scripts as /runscripts.
local binds = { runscripts .. ':/runscripts' }
for _, dir in ipairs({ '/var/spool/slurmd', '/opt/cray', '/usr/lib64/libcxi.so.1', '/pfs', '/scratch', '/projappl', '/project', '/flash', '/appl' }) do
  if isDir(dir) or isFile(dir) then binds[#binds + 1] = dir end
end
setenv("SINGULARITY_BIND", table.concat(binds, ','))
setenv("CONTAINERROOT", signRoot)
setenv("RUNSCRIPTS", runscripts)
setenv({{lua:runscriptsVar}}, runscripts)
setenv("SINGULARITYENV_PREPEND_PATH", '/runscripts')
-- RCCL on LUMI's Slingshot network, as LUMI's PyTorch modules set it.
setenv("NCCL_SOCKET_IFNAME", 'hsn')
setenv("NCCL_NET_GDR_LEVEL", '3')
prepend_path('PATH', pathJoin(signRoot, 'bin'))
{{withConda}}
