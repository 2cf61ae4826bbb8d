// Figures of the validation split after each epoch, from its predicted probabilities: the loss
// and accuracy Keras reports, and the figure model selection uses (ROC AUC with two classes,
// macro-F1 with more), which rewards finding the rare class where the loss alone does not.
import { classScores, confusionMatrix, rocCurve } from '../eval/metrics';

export interface ValidationFigures {
  loss: number;
  acc: number;
  auc?: number;
  macroF1: number;
}

export function validationFigures(labels: Int32Array, probs: Float32Array, numClasses: number, positiveClass: number): ValidationFigures {
  const n = labels.length;
  const predicted = new Int32Array(n);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    predicted[i] = best;
    if (best === labels[i]) correct++;
    loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, probs[i * numClasses + labels[i]])));
  }
  const perClass = classScores(confusionMatrix(labels, predicted, numClasses));
  const macroF1 = perClass.reduce((a, c) => a + c.f1, 0) / numClasses;
  const figures: ValidationFigures = { loss: loss / n, acc: correct / n, macroF1 };
  if (numClasses === 2) {
    const roc = rocCurve(Array.from(labels, (l) => l === positiveClass), Array.from({ length: n }, (_, i) => probs[i * 2 + positiveClass]), positiveClass);
    if (roc) figures.auc = roc.auc;
  }
  return figures;
}
