#!/bin/bash -l
# Batch job written by `lumi-modules submit` (LUMI: Submit Python File as Batch Job) from the
# LUMI-C template, used when the partition asked for (--sbatch '--partition=...') is not a GPU
# partition (its name does not end in -g). Options given with --sbatch override these lines.
# Defaults and where they come from (LUMI user guide, https://docs.lumi-supercomputer.eu):
# - partition small: LUMI-C nodes shared between jobs, up to 4 nodes and 3 days
#   (runjobs/scheduled-jobs/partitions/); no GPUs there;
# - 8 cores: one L3 cache region of the 128-core nodes (hardware/lumic/);
# - 30 minutes: a short default so a first try starts soon; raise it with --sbatch '--time=...';
# - output in NAME-JOBID.out and NAME-JOBID.err (NAME: the script's file name) in the submit
#   directory, stdout and stderr apart as in the guide's example job scripts (runjobs/scheduled-jobs/batch-job/).
#SBATCH --partition=small
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=8
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out
#SBATCH --error=%x-%j.err
{{account}}
{{preamble}}
{{modules}}
{{venv}}
srun {{srunOptions}}python {{script}}{{args}}
