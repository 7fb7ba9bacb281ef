import * as vscode from 'vscode';

/** What the user chose in the Runs view; kept per workspace so a reload shows the same view. */
export class RunsViewState {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  get filter(): string {
    return this.memento.get<string>('mlops.runs.filter', '');
  }
  get orderBy(): string {
    return this.memento.get<string>('mlops.runs.orderBy', '');
  }
  get showDeleted(): boolean | undefined {
    return this.memento.get<boolean>('mlops.runs.showDeleted');
  }
  keyMetric(storeUri: string, experimentId: string): string | undefined {
    return this.memento.get<Record<string, string>>('mlops.runs.keyMetrics', {})[`${storeUri}#${experimentId}`];
  }

  async setFilter(text: string): Promise<void> {
    await this.memento.update('mlops.runs.filter', text.trim());
    this.changed.fire();
  }
  async setOrderBy(text: string): Promise<void> {
    await this.memento.update('mlops.runs.orderBy', text.trim());
    this.changed.fire();
  }
  async setShowDeleted(show: boolean): Promise<void> {
    await this.memento.update('mlops.runs.showDeleted', show);
    this.changed.fire();
  }
  async setKeyMetric(storeUri: string, experimentId: string, key: string): Promise<void> {
    const all = { ...this.memento.get<Record<string, string>>('mlops.runs.keyMetrics', {}), [`${storeUri}#${experimentId}`]: key };
    await this.memento.update('mlops.runs.keyMetrics', all);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
