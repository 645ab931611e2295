// Scenario: the image in the hover. In a copy of examples/, whose image is a real SIF (made by
// mksquashfs + siftool: scripts/build-example-image.mjs), hovering the SING_IMAGE path of the
// module shows what the image holds, read without running it: its Python, the PATH inside, the
// conda env and whether WITH_CONDA is needed; hovering the local that names it shows the same.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';

export const title = "the image's facts in the hover (a real SIF in a copy of examples/)";

export async function run({ wb, repo, workspaces, codeServer, shot }) {
  const ws = join(workspaces, 'examples-image');
  cpSync(join(repo, 'examples'), ws, { recursive: true, verbatimSymlinks: true });
  await wb.open(codeServer.folderUrl(ws));
  await wb.openFile('modules/pytorch-rocm-mammoth/1.0.lua');

  // The SING_IMAGE path (PROJHOME is ${workspaceFolder} in the workspace settings).
  const hover = await wb.hover(wb.token("'sif'"), 'read without running it');
  assert.match(hover, /SUSE Linux Enterprise Server 15 SP5/);
  assert.match(hover, /Python: 3\.10, 3\.12/);
  assert.match(
    hover,
    /PATH inside: \/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin/,
  );
  assert.match(hover, /python, python3, pip: not on PATH/);
  assert.match(hover, /conda: \/opt\/miniconda3 \(envs: pytorch\)/);
  assert.match(hover, /WITH_CONDA needed: yes: source \/opt\/miniconda3\/bin\/activate pytorch/);
  await shot('image-hover', { docs: 'image-hover.png' });
  await wb.hideHover();

  // The local that names the image: the same facts.
  const local = await wb.hover(wb.token('singName'), 'names the image');
  assert.match(local, /conda: \/opt\/miniconda3 \(envs: pytorch\)/);
  await shot('image-hover-local');
  await wb.hideHover();
}
