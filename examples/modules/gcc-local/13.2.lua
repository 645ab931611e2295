-- An ordinary (non-container) module: a compiler installed in the project.
-- The container checks stay silent on it.
local root = pathJoin(os.getenv('PROJHOME') or '/project/project_462000964', 'soft', 'gcc', '13.2')

whatis("Name: gcc")
whatis("Version: 13.2")
help([[GCC 13.2 built in the project]])

prepend_path('PATH', pathJoin(root, 'bin'))
prepend_path('LD_LIBRARY_PATH', pathJoin(root, 'lib64'))
setenv('CC', 'gcc')
setenv('CXX', 'g++')
