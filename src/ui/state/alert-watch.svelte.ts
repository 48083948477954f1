/**
 * Optional browser notifications for the alert inbox. Permission is asked only when the
 * user clicks; while the page is hidden, a new alert group or a new escalation of the
 * watched run raises one notification.
 */
import type { AlertGroup, ReplayApi } from '../lab/lab-api';

const POLL_MS = 5000;

export class AlertWatch {
  permission: NotificationPermission | 'unsupported' = $state(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  enabled = $state(false);

  private runId: string | null = null;
  private known = new Map<string, AlertGroup['status']>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly replay: ReplayApi) {}

  /** on a click only: browsers ask the user for permission */
  async enable(): Promise<void> {
    if (this.permission === 'unsupported') return;
    this.permission = await Notification.requestPermission();
    this.enabled = this.permission === 'granted';
    if (this.enabled) this.startPolling();
  }

  disable(): void {
    this.enabled = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** the run whose groups are watched (the live run) */
  watch(runId: string | null): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.known.clear();
    // the groups that exist already are not news
    if (runId && this.enabled) void this.poll(true);
  }

  dispose(): void {
    this.disable();
  }

  private startPolling(): void {
    if (this.timer) return;
    void this.poll(true);
    this.timer = setInterval(() => void this.poll(false), POLL_MS);
  }

  private async poll(quiet: boolean): Promise<void> {
    const runId = this.runId;
    if (!runId || !this.enabled) return;
    let groups: AlertGroup[];
    try {
      groups = await this.replay.listAlertGroups(runId);
    } catch {
      return; // the next poll tries again; the inbox itself shows errors
    }
    if (runId !== this.runId) return;
    const fresh: AlertGroup[] = [];
    const escalated: AlertGroup[] = [];
    for (const g of groups) {
      const before = this.known.get(g.key);
      if (before === undefined) fresh.push(g);
      else if (g.status === 'escalated' && before !== 'escalated') escalated.push(g);
      this.known.set(g.key, g.status);
    }
    if (quiet || !document.hidden || (fresh.length === 0 && escalated.length === 0)) return;
    const name = (g: AlertGroup) => `${g.className ?? 'unlabelled'} on ${g.device ?? 'an unknown device'}`;
    const lines = [...fresh.slice(0, 3).map((g) => `new: ${name(g)} (${g.count})`), ...escalated.slice(0, 3).map((g) => `escalated: ${name(g)}`)];
    new Notification('IoMT Anomaly Lab', { body: lines.join('\n'), tag: `alerts-${runId}` });
  }
}
