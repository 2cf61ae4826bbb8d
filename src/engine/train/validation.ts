// Figures of the validation split after each epoch, from its predicted probabilities: the loss
// and accuracy Keras reports, and the figure model selection uses (ROC AUC with two classes,
// macro-F1 with more), which rewards finding the rare class where the loss alone does not.
import { crossEntropy } from '../eval/evaluate';
import { classScores, confusionMatrix, rocCurve } from '../eval/metrics';
import { decide } from '../eval/threshold';

export interface ValidationFigures {
  loss: number;
  acc: number;
  auc?: number;
  macroF1: number;
}

export function validationFigures(labels: Int32Array, probs: Float32Array, numClasses: number, positiveClass: number): ValidationFigures {
  const n = labels.length;
  const predicted = Int32Array.from({ length: n }, (_, i) => decide(probs, i * numClasses, numClasses));
  const correct = predicted.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0);
  const perClass = classScores(confusionMatrix(labels, predicted, numClasses));
  const macroF1 = perClass.reduce((a, c) => a + c.f1, 0) / numClasses;
  const figures: ValidationFigures = { loss: crossEntropy(labels, probs, numClasses), acc: correct / n, macroF1 };
  if (numClasses === 2) {
    const roc = rocCurve(Array.from(labels, (l) => l === positiveClass), Array.from({ length: n }, (_, i) => probs[i * 2 + positiveClass]), positiveClass);
    if (roc) figures.auc = roc.auc;
  }
  return figures;
}
