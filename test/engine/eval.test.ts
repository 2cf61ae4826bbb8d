import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/engine/backend/select';
import type { ImageSet } from '../../src/engine/data/imageSet';
import { evaluateModel } from '../../src/engine/eval/evaluate';
import { imagesToTensor } from '../../src/engine/model/input';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { squareImages } from './gradcam-fixtures';
import { computeEvalReport, positiveClassIndex, rocCurve } from '../../src/engine/eval/metrics';
import { classificationReportText, confusionMatrixText, pyFixed } from '../../src/engine/eval/reportText';

/** One-hot-ish probabilities that make `pred` the argmax. */
function probsFor(pred: number[], k: number, confidence = 0.9): number[] {
  const out: number[] = [];
  for (const p of pred) for (let c = 0; c < k; c++) out.push(c === p ? confidence : (1 - confidence) / (k - 1));
  return out;
}

describe('evaluation report', () => {
  it("prints scikit-learn's documented classification_report example character for character", () => {
    // y_true = [0, 1, 2, 2, 2]; y_pred = [0, 0, 2, 2, 1] from scikit-learn's own documentation.
    const report = computeEvalReport({
      classes: ['class 0', 'class 1', 'class 2'],
      labels: [0, 1, 2, 2, 2],
      probabilities: probsFor([0, 0, 2, 2, 1], 3),
      paths: ['a', 'b', 'c', 'd', 'e'],
      loss: 0,
    });
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '     class 0       0.50      1.00      0.67         1',
      '     class 1       0.00      0.00      0.00         1',
      '     class 2       1.00      0.67      0.80         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.50      0.56      0.49         5',
      'weighted avg       0.70      0.60      0.61         5',
      '',
    ].join('\n');
    assert.equal(classificationReportText(report), expected);
  });

  it('counts a class never predicted as precision 0.0 (zero division), like scikit-learn', () => {
    // Hand-computed: everything predicted 'normal'. fractured: P=0 (0/0), R=0, F1=0; normal: P=6/8, R=1, F1=6/7.
    const report = computeEvalReport({
      classes: ['fractured', 'normal'],
      labels: [0, 0, 1, 1, 1, 1, 1, 1],
      probabilities: probsFor([1, 1, 1, 1, 1, 1, 1, 1], 2),
      paths: Array.from({ length: 8 }, (_, i) => `img${i}.png`),
      loss: 0,
    });
    assert.deepEqual(report.perClass[0], { precision: 0, recall: 0, f1: 0, support: 2 });
    assert.equal(report.perClass[1].precision, 0.75);
    assert.equal(report.perClass[1].recall, 1);
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '   fractured       0.00      0.00      0.00         2',
      '      normal       0.75      1.00      0.86         6',
      '',
      '    accuracy                           0.75         8',
      '   macro avg       0.38      0.50      0.43         8',
      'weighted avg       0.56      0.75      0.64         8',
      '',
    ].join('\n');
    assert.equal(classificationReportText(report), expected);
    assert.equal(report.sensitivity, 0, 'sensitivity is the recall of the fractured class');
    assert.equal(report.specificity, 1);
    assert.equal(report.misclassified.length, 2);
  });

  it('widens the name column for long class names and keeps the columns aligned', () => {
    const report = computeEvalReport({
      classes: ['fractured long bone', 'normal'],
      labels: [0, 1],
      probabilities: probsFor([0, 1], 2),
      paths: ['a', 'b'],
      loss: 0,
    });
    const lines = classificationReportText(report).split('\n');
    assert.equal(lines[2], 'fractured long bone       1.00      1.00      1.00         1');
    assert.equal(lines[0].length, lines[2].length);
  });

  it('formats numbers like Python, ties to even on the exact binary value', () => {
    assert.equal(pyFixed(0.125, 2), '0.12');
    assert.equal(pyFixed(0.375, 2), '0.38');
    assert.equal(pyFixed(0.665, 2), '0.67'); // binary value is above the tie
    assert.equal(pyFixed(2 / 3, 4), '0.6667');
    assert.equal(pyFixed(1, 2), '1.00');
    assert.equal(pyFixed(0, 2), '0.00');
  });

  it('picks the positive class by exact name, never by substring ("not fractured" is negative)', () => {
    assert.equal(positiveClassIndex(['fractured', 'not fractured']), 0);
    assert.equal(positiveClassIndex(['Fractured', 'normal']), 0);
    assert.equal(positiveClassIndex(['abnormal', 'normal']), 0);
    assert.equal(positiveClassIndex(['negative', 'Positive']), 1);
    assert.equal(positiveClassIndex(['a', 'b']), 1, 'falls back to class index 1');
  });

  it('computes ROC AUC with tied scores as scikit-learn does', () => {
    // roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) == 0.75
    const roc = rocCurve([false, false, true, true], [0.1, 0.4, 0.35, 0.8], 1)!;
    assert.equal(roc.auc, 0.75);
    assert.deepEqual(roc.points[0], [0, 0]);
    assert.deepEqual(roc.points.at(-1), [1, 1]);
    // All scores tied: a single diagonal step, AUC 0.5.
    assert.equal(rocCurve([true, false, true, false], [0.5, 0.5, 0.5, 0.5], 1)!.auc, 0.5);
    assert.equal(rocCurve([true, true], [0.1, 0.2], 1), undefined, 'undefined with one class only');
  });

  it('builds the confusion matrix with true classes as rows and reports misclassified images, most confident first', () => {
    const report = computeEvalReport({
      classes: ['fractured', 'not fractured'],
      labels: [0, 0, 0, 1, 1],
      probabilities: [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.3, 0.7, 0.95, 0.05],
      paths: ['f1', 'f2', 'f3', 'n1', 'n2'],
      loss: 0.5,
    });
    assert.deepEqual(report.confusion, [
      [1, 2],
      [1, 1],
    ]);
    assert.deepEqual(
      report.misclassified.map((m) => m.path),
      ['n2', 'f2', 'f3'],
    );
    assert.equal(report.roc!.positiveClass, 0);
    assert.match(confusionMatrixText(report), /fractured\s+1\s+2\n/);
  });
});

describe('evaluating a model on an image set', () => {
  it('agrees with model.predict and with tfjs-layers categorical cross-entropy', async () => {
    await initBackend('wasm');
    const size = 24;
    const n = 10;
    const model = buildSeedCnn(size, 2, 3);
    const { pixels, labels } = squareImages(n, size, 8);
    const set: ImageSet = {
      size: n,
      imageSize: size,
      labels: Int32Array.from(labels),
      paths: labels.map((_, i) => `img${i}.png`),
      read: (idx, out) => {
        const px = size * size;
        const buf = out ?? new Uint8Array(idx.length * px);
        for (let i = 0; i < idx.length; i++) buf.set(pixels.subarray(idx[i] * px, (idx[i] + 1) * px), i * px);
        return buf;
      },
    };
    const report = await evaluateModel(model, set, ['fractured', 'normal'], { batchSize: 4 });
    const x = imagesToTensor(pixels, n, size);
    const probs = model.predict(x) as tf.Tensor2D;
    const predicted = Array.from(await tf.argMax(probs, -1).data());
    const expectedAcc = predicted.filter((p, i) => p === labels[i]).length / n;
    assert.equal(report.accuracy, expectedAcc);
    const yTrue = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
    const expectedLoss = (await tf.mean(tfl.metrics.categoricalCrossentropy(yTrue, probs)).data())[0];
    assert.ok(Math.abs(report.loss - expectedLoss) < 1e-5, `${report.loss} vs ${expectedLoss}`);
    assert.equal(report.confusion.flat().reduce((a, b) => a + b, 0), n);
    tf.dispose([x, probs, yTrue]);
    model.dispose();
  });
});
