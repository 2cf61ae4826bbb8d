// Read-only markdown documents generated from run records, shown in the markdown preview.
// A content provider (not untitled documents) so closing them never asks to save.
import * as vscode from 'vscode';

export const RUN_DOCS_SCHEME = 'fracture-cnn-run';

export class RunDocsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '# Not available\n\nThis document was generated in an earlier session; open it again from the Runs view.';
  }

  /** Shows `markdown` under a stable name; showing it again updates the open preview. */
  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: RUN_DOCS_SCHEME, path: `/${name.replace(/[\\/:*?"<>|]/g, '-')}.md` });
    this.docs.set(uri.toString(), markdown);
    this.changed.fire(uri);
    await openMarkdown(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Markdown preview when the built-in markdown extension is there, else the text itself. */
export async function openMarkdown(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
}
