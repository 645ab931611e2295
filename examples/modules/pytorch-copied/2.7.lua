-- A hand-edited copy of CSC's /appl/local/csc/modulefiles/pytorch/2.7.lua, with the mistakes
-- people make when copying it (planted on purpose: see the README's diagnostics list).
local singName = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'
local pytorchVersion = '2.3.0'
local signRoot = os.getenv('PROJHOME') or '/project/project_462000964/members/aylijyra'
local loadTxt = capture('cat ' .. pathJoin(singRoot, 'txt', 'load-pytorch-copied.txt'))

whatis("Name: pytorch")
whatis("Version: " .. pytorchVersion)
help(string.format([[ROCm-enabled PyTorch version %s for Python]], pytorchVersion))

if mode() == "load" then
  LmodMessage(loadTxt)
end

setenv("SING_IMAGE", pathJoin(signRoot, 'images', singName))
prepen_path('PATH', pathJoin(signRoot, 'bin'))
