// Typed access to the fractureCnn.* settings of one workspace folder (they are resource-scoped).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { TrainConfig } from '../engine/config';
import { EDITOR_SETTINGS, resolveFolderSetting, trainConfigFromSettings } from './settings';

export const SECTION = 'fractureCnn';

export class Config {
  /** `base` is used when there is no workspace folder (a dataset picked from outside any). */
  constructor(
    readonly workspaceFolder: vscode.WorkspaceFolder | undefined,
    private readonly base?: string,
  ) {}

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, this.workspaceFolder?.uri);
  }

  private get baseFolder(): string {
    return this.workspaceFolder?.uri.fsPath ?? this.base ?? process.cwd();
  }

  /**
   * The training options the user set, named as the engine names them. Unset ones are left out
   * (not filled with package.json's defaults) so that the chosen model preset's recipe applies.
   */
  get trainConfig(): Partial<TrainConfig> {
    const section = this.section;
    return trainConfigFromSettings((name) => {
      const i = section.inspect(name);
      return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    });
  }

  /** The configured dataset folder as an absolute path, or undefined when the setting is empty. */
  get datasetFolder(): string | undefined {
    const value = this.section.get<string>('datasetFolder', EDITOR_SETTINGS.datasetFolder);
    return value.trim() === '' ? undefined : resolveFolderSetting(value, this.baseFolder);
  }

  get runsFolder(): string {
    return resolveFolderSetting(this.section.get<string>('runsFolder', EDITOR_SETTINGS.runsFolder) || EDITOR_SETTINGS.runsFolder, this.baseFolder);
  }

  /** Whether Train reveals the run's dashboard beside the editor. */
  get openDashboardOnTrain(): boolean {
    return this.section.get<boolean>('openDashboardOnTrain', EDITOR_SETTINGS.openDashboardOnTrain) !== false;
  }

  /** Config for the folder holding `path`, falling back to the first workspace folder, then to the path's parent. */
  static forPath(path: string): Config {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path)) ?? vscode.workspace.workspaceFolders?.[0];
    return new Config(folder, dirname(path));
  }

  static affectsRunsFolder(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(`${SECTION}.runsFolder`);
  }
}
