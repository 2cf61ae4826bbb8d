// Shows the training process's work-done progress as a notification with a working Cancel button
// (the language client's own handler puts it in the status bar, where Cancel cannot be pressed).
import * as vscode from 'vscode';
import {
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type LanguageClient,
  type ProgressToken,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageclient/node';

type Value = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

class NotificationProgress {
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private percent = 0;
  private pending: WorkDoneProgressReport | undefined;
  private end!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.end = resolve));
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: LanguageClient,
    private readonly token: ProgressToken,
    private readonly onDone: () => void,
  ) {
    this.subscription = client.onProgress(WorkDoneProgress.type, token, (value: Value) => this.onValue(value));
  }

  private onValue(value: Value): void {
    if (value.kind === 'begin') this.begin(value);
    else if (value.kind === 'report') this.report(value);
    else this.done();
  }

  private begin(value: WorkDoneProgressBegin): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: value.title, cancellable: value.cancellable === true },
      (progress, cancel) => {
        this.progress = progress;
        cancel.onCancellationRequested(() => {
          void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
        });
        this.report({ kind: 'report', percentage: value.percentage, message: value.message });
        if (this.pending) this.report(this.pending);
        return this.ended;
      },
    );
  }

  private report(value: WorkDoneProgressReport): void {
    if (!this.progress) {
      this.pending = value;
      return;
    }
    const percent = value.percentage ?? this.percent;
    const increment = Math.max(0, percent - this.percent);
    this.percent = Math.max(this.percent, percent);
    this.progress.report({ message: value.message, increment });
  }

  done(): void {
    this.subscription.dispose();
    this.end();
    this.onDone();
  }
}

/** Takes over window/workDoneProgress/create for `client`; call after the client started. */
export function showProgressAsNotifications(client: LanguageClient): vscode.Disposable {
  const parts = new Set<NotificationProgress>();
  const registration = client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    const part: NotificationProgress = new NotificationProgress(client, token, () => parts.delete(part));
    parts.add(part);
  });
  return new vscode.Disposable(() => {
    // Progress of a process that died must not stay on screen with a Cancel that reaches nobody.
    for (const part of [...parts]) part.done();
    try {
      registration.dispose();
    } catch {
      // The connection is gone already.
    }
  });
}
