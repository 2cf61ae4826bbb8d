// What "Delete Run" removes and how the question says it. A cross-validation's item holds its
// fold runs as children, so deleting it deletes them too, as deleting a folder deletes what is in it.
import { basename } from 'node:path';
import type { RunSummary } from '../../engine/types';
import { runLabel } from './runsModel';
import type { RunsNode } from './runsModel';

export interface DeletePlan {
  /** Run folders to delete, in order: a cross-validation's fold runs first, its summary last. */
  folders: string[];
  question: string;
  detail: string;
}

/** The fold runs of a cross-validation summary among the runs listed, in fold order. */
export function foldRunsOf(summary: RunSummary, listed: readonly RunSummary[]): RunSummary[] {
  return listed.filter((r) => r.fold?.group === summary.id && r.kind !== 'cv-summary').sort((a, b) => a.fold!.index - b.fold!.index);
}

export function deletePlan(node: Pick<RunsNode, 'runId' | 'runFolder' | 'summary'>, listed: readonly RunSummary[]): DeletePlan {
  const summary = node.summary;
  if (summary?.kind !== 'cv-summary') {
    const name = summary ? runLabel(summary) : node.runId;
    return {
      folders: [node.runFolder],
      question: `Delete run ${name}?`,
      detail: `The folder ${node.runFolder} and everything in it (model, report, history) will be deleted.`,
    };
  }
  const folds = foldRunsOf(summary, listed);
  const count = summary.crossValidation?.folds ?? folds.length;
  const what = `${count}-fold cross-validation ${runLabel(summary)}`;
  if (folds.length === 0) {
    return {
      folders: [summary.folder],
      question: `Delete the ${what}?`,
      detail: `Its summary folder ${summary.folder} will be deleted. None of its fold runs is left to delete.`,
    };
  }
  const runs = folds.length === 1 ? 'its fold run' : `its ${folds.length} fold runs`;
  return {
    folders: [...folds.map((f) => f.folder), summary.folder],
    question: `Delete the ${what} and ${runs}?`,
    detail:
      `The summary folder ${summary.folder} and the fold run folders ${folds.map((f) => basename(f.folder)).join(', ')} beside it will be deleted, ` +
      'with everything in them (models, reports, history). Other runs are kept.',
  };
}
