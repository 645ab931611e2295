"""Prints where it runs: on LUMI through the container module, inside the container."""
import os
import sys

print("Hello from Python", sys.version.split()[0])
print("arguments:", sys.argv[1:])
print("inside a container:", os.path.isdir("/.singularity.d"))
print("image:", os.environ.get("SING_IMAGE", "(none)"))
