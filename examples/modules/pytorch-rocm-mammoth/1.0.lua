-- A user-made container module (the user's notes): PyTorch from a LUMI ROCm image with the
-- MAMMOTH venv, wrappers in $PROJHOME/bin, load message in $PROJHOME/txt, image in $PROJHOME/sif.
local singName = 'lumi-pytorch-rocm-6.2.0-python-3.10-pytorch-v2.3.0.sif'
local pytorchVersion = '2.3.0'
local signRoot = os.getenv('PROJHOME') or '/project/project_462000964/members/aylijyra'
local loadTxt = capture('cat ' .. pathJoin(signRoot, 'txt', 'load-pytorch-rocm-mammoth.txt'))

whatis("Name: pytorch-rocm-mammoth")
whatis("Version: " .. pytorchVersion)
help(string.format([[ROCm-enabled PyTorch version %s for Python and MAMMOTH venv]], pytorchVersion))

if mode() == "load" then
  LmodMessage(loadTxt)
end

setenv("SING_IMAGE", pathJoin(signRoot, 'sif', singName))
prepend_path('PATH', pathJoin(signRoot, 'bin'))
-- The image has python on PATH only after conda activation: the wrappers apply this inside.
setenv("WITH_CONDA", "source /opt/miniconda3/bin/activate pytorch")
