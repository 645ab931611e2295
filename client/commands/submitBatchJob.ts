// "LUMI: Submit Python File as Batch Job", the status bar item of each followed job and the
// "LUMI Jobs" view. Everything goes over the kept connection of `run` (the Ctx's pool), or, in a
// Remote-SSH window (the extension host is on LUMI), straight to Slurm on this machine (host
// LOCAL_HOST); the Slurm work itself (job script, sbatch, follow, scancel, squeue) is core/slurm.
import * as vscode from 'vscode';
import { askForHost } from '../hostPrompt';
import { SshError } from '../../core/remote/connection';
import { parseRunSettings } from '../../core/remote/settings';
import { pythonFileToSend, readSettings } from '../settings';
import { SshConfigError } from '../../core/remote/sshConfig';
import { accountProblem, SubmitInputError } from '../../core/slurm/jobScript';
import {
  cancelJob,
  followJob,
  listJobs,
  readJobOutput,
  SlurmError,
  submitJob,
  type JobEvent,
  type JobSummary,
} from '../../core/slurm/jobs';
import { ExecError, uploadFile, type Executor } from '../../core/remote/executor';
import { LOCAL_HOST, localExecutor } from '../../core/remote/localExecutor';
import { sshExecutor } from '../../core/remote/sshExecutor';
import {
  parseSubmitSettings,
  sbatchHasAccount,
  submitSettingsProblem,
  submitSpecFromSettings,
} from '../../core/slurm/settings';
import type { Ctx } from '../ctx';
import { jobEndLine, jobSubmitFailedLine, jobSubmittedLine } from '../activityLog';

/** A job this window follows; kept in workspaceState so a reloaded window re-attaches. */
interface FollowedJob {
  host: string;
  sshConfigFile?: string;
  jobId: string;
  name: string;
}

const FOLLOWED_KEY = 'lumiModules.submit.followedJobs';
const LAST_HOST_KEY = 'lumiModules.submit.lastHost';

interface Follow {
  job: FollowedJob;
  state: string;
  status: vscode.StatusBarItem;
  terminal: vscode.Terminal;
  abort: AbortController;
}

type Node =
  | { kind: 'host'; host: string; sshConfigFile?: string }
  | { kind: 'job'; host: string; sshConfigFile?: string; job: JobSummary }
  | { kind: 'message'; text: string };

const ACTIVE_ICON: Record<string, string> = {
  PENDING: '$(watch)',
  RUNNING: '$(sync~spin)',
  COMPLETING: '$(sync~spin)',
  CONFIGURING: '$(sync~spin)',
};

/**
 * A Remote-SSH window: the extension host already runs on LUMI, so Slurm is used there directly
 * (not guessed from `sbatch` on PATH: a laptop with its own Slurm client would submit elsewhere).
 */
const onLumi = () => vscode.env.remoteName === 'ssh-remote';

/** How a host reads in messages and the view. */
const hostLabel = (host: string) => (host === LOCAL_HOST ? 'this LUMI node' : host);
/** The host as the output channel's lines take it: undefined for this LUMI node. */
const logHost = (host: string) => (host === LOCAL_HOST ? undefined : host);

function message(err: unknown): string {
  if (
    err instanceof SshError ||
    err instanceof SshConfigError ||
    err instanceof SlurmError ||
    err instanceof SubmitInputError ||
    err instanceof ExecError
  )
    return err.message;
  return `unexpected error: ${(err as Error).message}`;
}

export class BatchJobs implements vscode.Disposable, vscode.TreeDataProvider<Node> {
  private readonly follows = new Map<string, Follow>();
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private refreshTimer?: NodeJS.Timeout;
  /** Set while the window closes: the followed jobs then stay remembered for the next window. */
  private disposing = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly ctx: Ctx,
  ) {
    this.view = vscode.window.createTreeView('lumiModules.jobs', {
      treeDataProvider: this,
      showCollapseAll: false,
    });
    // squeue only while someone looks at the list.
    this.view.onDidChangeVisibility((e) => this.autoRefresh(e.visible));
    this.autoRefresh(this.view.visible);
  }

  private autoRefresh(on: boolean): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = on ? setInterval(() => this.changed.fire(undefined), 15_000) : undefined;
  }

  private settings(uri?: vscode.Uri) {
    const settings = readSettings(uri);
    return { run: parseRunSettings(settings.run), submit: parseSubmitSettings(settings.submit) };
  }

  private key(job: { host: string; jobId: string }): string {
    return `${job.host} ${job.jobId}`;
  }

  private saveFollowed(): void {
    void this.context.workspaceState.update(
      FOLLOWED_KEY,
      [...this.follows.values()].map((f) => f.job),
    );
  }

  /**
   * Runs FN with an executor for HOST: this machine for LOCAL_HOST, else the kept connection
   * (opened or reused, then released).
   */
  private async withExecutor<T>(
    host: string,
    sshConfigFile: string | undefined,
    fn: (executor: Executor) => Promise<T>,
  ): Promise<T> {
    if (host === LOCAL_HOST) return fn(localExecutor());
    return this.ctx.connections().with(host, sshConfigFile, (connection) => fn(sshExecutor(connection)));
  }

  async submit(resource?: vscode.Uri): Promise<void> {
    const uri = await pythonFileToSend(resource, 'submit it as a batch job', 'batch jobs on LUMI');
    if (!uri) return;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        `LUMI: ${uri.scheme} files cannot be submitted: save the script to a file first.`,
      );
      return;
    }
    const { run, submit } = this.settings(uri);
    const problem = submitSettingsProblem(submit);
    if (problem) {
      void vscode.window.showErrorMessage(`LUMI: ${problem}`);
      return;
    }
    // The missing values are asked for, the last answers offered again.
    let host = onLumi() ? LOCAL_HOST : run.host;
    if (!host) {
      const answer = await askForHost(
        'LUMI: Submit batch job',
        this.context.globalState.get<string>(LAST_HOST_KEY) ?? 'lumi',
      );
      if (!answer) return;
      host = answer;
      await this.context.globalState.update(LAST_HOST_KEY, host);
    }
    if (!submit.account && !sbatchHasAccount(submit.sbatchOptions)) {
      const answer = await vscode.window.showInputBox({
        title: 'LUMI: Submit batch job',
        prompt:
          'Project account to bill (project_ and nine digits, see `lumi-workspaces`); ' +
          'saved as lumiModules.submit.account',
        placeHolder: 'project_465000000',
        ignoreFocusOut: true,
        validateInput: (v) => accountProblem(v.trim()),
      });
      if (!answer) return;
      submit.account = answer.trim();
      await vscode.workspace
        .getConfiguration('lumiModules')
        .update('submit.account', submit.account, vscode.ConfigurationTarget.Global);
    }
    const name = uri.path.split('/').pop() ?? 'script';
    try {
      const jobId = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `LUMI: submitting ${name} on ${hostLabel(host)}`,
        },
        () =>
          this.withExecutor(host, run.sshConfigFile, async (executor) => {
            const script = (await uploadFile(executor, uri.fsPath)).path;
            return (await submitJob(executor, submitSpecFromSettings(run, submit, script))).jobId;
          }),
      );
      this.ctx.log(jobSubmittedLine({ jobId, file: uri.fsPath, host: logHost(host), modules: run.modules }));
      this.follow({ host, sshConfigFile: run.sshConfigFile, jobId, name });
    } catch (err) {
      this.ctx.log(jobSubmitFailedLine({ file: uri.fsPath, host: logHost(host) }, message(err)));
      void vscode.window.showErrorMessage(`LUMI: ${message(err)}`);
    }
  }

  /** Follows JOB in a terminal (colours kept) with a status bar item; re-attaches when already followed. */
  follow(job: FollowedJob): void {
    const existing = this.follows.get(this.key(job));
    if (existing) {
      existing.terminal.show(true);
      return;
    }
    const write = new vscode.EventEmitter<string>();
    const abort = new AbortController();
    const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 8);
    let opened!: () => void;
    const ready = new Promise<void>((resolve) => (opened = resolve));
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      open: () => opened(),
      close: () => {
        // Closing the terminal stops following; the job keeps running (follow it again from the view).
        abort.abort();
        if (!this.disposing) this.forget(job, true);
      },
      handleInput: (data) => {
        if (data === '\x03') void this.cancel(job);
      },
    };
    const terminal = vscode.window.createTerminal({
      name: `LUMI job ${job.jobId}: ${job.name}`,
      pty,
      iconPath: new vscode.ThemeIcon('server-process'),
    });
    const entry: Follow = { job, state: 'SUBMITTED', status, terminal, abort };
    this.follows.set(this.key(job), entry);
    this.saveFollowed();
    status.command = {
      command: 'lumiModules.jobs.statusMenu',
      title: 'Job actions',
      arguments: [job.host, job.jobId],
    };
    const show = (state: string, detail = '') => {
      entry.state = state;
      const icon = ACTIVE_ICON[state] ?? (state === 'COMPLETED' ? '$(pass)' : '$(error)');
      status.text = `${icon} ${job.jobId} ${state}`;
      const more = detail ? ` ${detail}` : '';
      status.tooltip =
        `LUMI job ${job.jobId} (${job.name}) on ${hostLabel(job.host)}: ${state}${more}\n` +
        'Click: show the output or cancel the job';
      status.show();
      this.changed.fire(undefined);
    };
    show('SUBMITTED');
    terminal.show(true);
    const toTerminal = (chunk: Buffer) => write.fire(chunk.toString('utf8').replace(/\r?\n/g, '\r\n'));
    const note = (text: string, colour = '2') => write.fire(`\x1b[${colour}m${text}\x1b[0m\r\n`);
    const onEvent = (e: JobEvent) => {
      if (e.kind === 'files')
        note(`output: ${e.stdout === e.stderr ? e.stdout : `${e.stdout}, ${e.stderr}`}`);
      else if (e.kind === 'state') {
        const detail =
          e.state === 'PENDING' && e.reason !== 'None'
            ? `(${e.reason})`
            : e.state === 'RUNNING'
              ? `on ${e.nodes}`
              : '';
        note(`[job ${job.jobId} ${e.state}${detail ? ` ${detail}` : ''}]`, '36');
        show(e.state, detail);
      } else if (e.kind === 'stalled')
        note(`[the Slurm controller does not answer: ${e.message}; retrying]`, '33');
      else if (e.kind === 'resumed') note('[the Slurm controller answers again]', '2');
      else if (e.kind === 'nooutput')
        note(`[job ${job.jobId} ran, but no output file of its own was found: ${e.file}]`, '33');
      else if (e.kind === 'end') {
        note(`[job ${job.jobId} ${e.state}, exit code ${e.exitCode}]`, e.exitCode === 0 ? '32' : '31');
        this.ctx.log(jobEndLine({ jobId: job.jobId, host: logHost(job.host) }, e.state, e.exitCode));
        show(e.state);
      }
    };
    void (async () => {
      await ready;
      note(
        `Following job ${job.jobId} (${job.name}) on ${hostLabel(job.host)}. ` +
          'Ctrl+C cancels the job; closing this terminal only stops following.',
      );
      try {
        const result = await this.withExecutor(job.host, job.sshConfigFile, (t) =>
          followJob(t, job.jobId, { stdout: toTerminal, stderr: toTerminal, event: onEvent }, abort.signal),
        );
        if (result.outcome === 'unknown') {
          note(result.message ?? `job ${job.jobId} is unknown`, '31');
          show('UNKNOWN');
          this.ctx.log(jobEndLine({ jobId: job.jobId, host: logHost(job.host) }, 'UNKNOWN'));
        }
        if (result.outcome !== 'detached') this.forget(job, false);
      } catch (err) {
        note(
          `LUMI: ${message(err)}; the job is not affected: follow it again from the LUMI Jobs view.`,
          '31',
        );
        show('DISCONNECTED');
        this.ctx.log(jobEndLine({ jobId: job.jobId, host: logHost(job.host) }, 'DISCONNECTED'));
        this.forget(job, false);
      }
      // The status item stays a minute after the end so the final state can be seen.
      setTimeout(() => status.dispose(), abort.signal.aborted ? 0 : 60_000);
    })();
  }

  private forget(job: FollowedJob, disposeStatus: boolean): void {
    const entry = this.follows.get(this.key(job));
    if (!entry) return;
    this.follows.delete(this.key(job));
    if (disposeStatus) entry.status.dispose();
    this.saveFollowed();
    this.changed.fire(undefined);
  }

  /** Re-attaches to the jobs followed before the window was reloaded. */
  reattach(): void {
    for (const job of this.context.workspaceState.get<FollowedJob[]>(FOLLOWED_KEY) ?? []) {
      if (job && typeof job.host === 'string' && /^\d+(?:_\d+)?$/.test(job.jobId)) this.follow(job);
    }
  }

  async cancel(
    job: { host: string; sshConfigFile?: string; jobId: string; name?: string },
    confirm = true,
  ): Promise<void> {
    if (confirm) {
      const yes = 'Cancel job';
      const answer = await vscode.window.showWarningMessage(
        `Cancel LUMI job ${job.jobId}${job.name ? ` (${job.name})` : ''} on ${hostLabel(job.host)}?`,
        { modal: true, detail: 'Slurm ends the job (scancel); its output so far stays in its files.' },
        yes,
      );
      if (answer !== yes) return;
    }
    try {
      await this.withExecutor(job.host, job.sshConfigFile, (t) => cancelJob(t, job.jobId));
      this.changed.fire(undefined);
    } catch (err) {
      void vscode.window.showErrorMessage(`LUMI: ${message(err)}`);
    }
  }

  async statusMenu(host: string, jobId: string): Promise<void> {
    const entry = this.follows.get(this.key({ host, jobId }));
    if (!entry) return;
    const pick = await vscode.window.showQuickPick(
      ['Show output', 'Cancel job', 'Stop following (the job keeps running)'],
      { title: `LUMI job ${jobId}: ${entry.state}` },
    );
    if (pick === 'Show output') entry.terminal.show();
    else if (pick === 'Cancel job') await this.cancel(entry.job);
    else if (pick?.startsWith('Stop following')) {
      entry.abort.abort();
      this.forget(entry.job, true);
    }
  }

  /** The job's stdout file (its last MiB; over SFTP, or read here on LUMI), in an editor. */
  async openOutput(node: Node): Promise<void> {
    if (node.kind !== 'job') return;
    try {
      const output = await this.withExecutor(node.host, node.sshConfigFile, (t) =>
        readJobOutput(t, node.job.jobId),
      );
      const text =
        (output.skipped > 0 ? `[${output.path}: the first ${output.skipped} bytes are not shown]\n` : '') +
        output.text;
      await vscode.window.showTextDocument(
        await vscode.workspace.openTextDocument({ content: text, language: 'log' }),
        { preview: true },
      );
    } catch (err) {
      void vscode.window.showErrorMessage(`LUMI: ${message(err)}`);
    }
  }

  // TreeDataProvider: one node per configured host, its jobs below.
  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'message') return new vscode.TreeItem(node.text);
    if (node.kind === 'host') {
      const item = new vscode.TreeItem(hostLabel(node.host), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('remote');
      item.contextValue = 'host';
      return item;
    }
    const j = node.job;
    const item = new vscode.TreeItem(`${j.jobId} ${j.name}`);
    const where = j.state === 'PENDING' ? j.where : `on ${j.where}`;
    item.description = `${j.state} ${j.elapsed} ${where}`;
    item.tooltip =
      `Job ${j.jobId} (${j.name}) in ${j.partition}\nState: ${j.state}\n` +
      `Elapsed: ${j.elapsed} of ${j.timeLimit}\n${j.state === 'PENDING' ? 'Reason' : 'Nodes'}: ${j.where}`;
    item.iconPath = new vscode.ThemeIcon(
      j.state === 'PENDING' ? 'watch' : j.state === 'RUNNING' ? 'play-circle' : 'circle-outline',
    );
    item.contextValue = 'job';
    item.command = { command: 'lumiModules.jobs.follow', title: 'Follow', arguments: [node] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const hosts = new Map<string, string | undefined>();
      const { run } = this.settings();
      if (onLumi()) hosts.set(LOCAL_HOST, undefined);
      else if (run.host) hosts.set(run.host, run.sshConfigFile);
      for (const f of this.follows.values())
        if (!hosts.has(f.job.host)) hosts.set(f.job.host, f.job.sshConfigFile);
      if (hosts.size === 0)
        return [{ kind: 'message', text: 'Set lumiModules.run.host to list your LUMI jobs' }];
      return [...hosts].map(([host, sshConfigFile]) => ({ kind: 'host', host, sshConfigFile }));
    }
    if (node.kind !== 'host') return [];
    try {
      const jobs = await this.withExecutor(node.host, node.sshConfigFile, (t) => listJobs(t));
      if (jobs.length === 0) return [{ kind: 'message', text: 'No jobs in the queue' }];
      return jobs.map((job) => ({ kind: 'job', host: node.host, sshConfigFile: node.sshConfigFile, job }));
    } catch (err) {
      return [{ kind: 'message', text: message(err) }];
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.disposing = true;
    clearInterval(this.refreshTimer);
    // Stop following (the jobs keep running); workspaceState keeps them for the next window.
    const followed = [...this.follows.values()];
    for (const f of followed) {
      f.abort.abort();
      f.status.dispose();
    }
    this.view.dispose();
    this.changed.dispose();
  }
}
