#!/bin/bash -l
# Batch job written by `lumi-modules submit` (LUMI: Submit Python File as Batch Job) from the
# LUMI-G template. Options given with --sbatch (lumiModules.submit.sbatchOptions) are passed on
# sbatch's command line and override these lines. Defaults and where they come from (LUMI user
# guide, https://docs.lumi-supercomputer.eu):
# - partition small-g: LUMI-G nodes shared between jobs, up to 4 nodes and 3 days
#   (runjobs/scheduled-jobs/partitions/);
# - one GPU: Slurm counts each MI250X die (GCD) as a GPU, 8 per node (hardware/lumig/);
# - 7 CPU cores per GPU: 56 of the 64 cores are usable, one L3 region of 8 cores per GCD with one
#   core reserved (runjobs/scheduled-jobs/lumig-job/);
# - 30 minutes: a short default so a first try starts soon; raise it with --sbatch '--time=...';
# - output in NAME-JOBID.out and NAME-JOBID.err (NAME: the script's file name) in the submit
#   directory, stdout and stderr apart as in the guide's example job scripts (runjobs/scheduled-jobs/batch-job/);
# - MIOpen's kernel cache in /tmp on the node: its default in the home directory is on Lustre,
#   where its SQLite locking fails or is slow (software/packages/pytorch/, LUMI AI guide).
#SBATCH --partition=small-g
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=1
#SBATCH --cpus-per-task=7
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out
#SBATCH --error=%x-%j.err
{{account}}
{{preamble}}
export MIOPEN_USER_DB_PATH="${MIOPEN_USER_DB_PATH:-/tmp/${USER}-miopen-cache-${SLURM_JOB_ID}}"
export MIOPEN_CUSTOM_CACHE_DIR="${MIOPEN_CUSTOM_CACHE_DIR:-$MIOPEN_USER_DB_PATH}"
{{modules}}
{{venv}}
srun {{srunOptions}}python {{script}}{{args}}
