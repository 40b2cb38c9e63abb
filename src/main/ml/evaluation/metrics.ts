import { EMOTIONS, NUM_CLASSES } from '@shared/emotions';
import type { AverageMetrics, ClassificationMetrics, ClassMetrics, EvaluationReport } from '@shared/training';

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Accuracy, per-class precision/recall/F1 and the confusion matrix (scikit-learn's definitions, 0 for 0/0). */
export function classificationMetrics(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
): ClassificationMetrics {
  if (labels.length !== predictions.length) throw new Error('labels and predictions differ in length');
  const confusion = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]][predictions[i]]++;
    if (labels[i] === predictions[i]) correct++;
  }
  const perClass = EMOTIONS.map((label, c) => {
    const truePositives = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = ratio(truePositives, predicted);
    const recall = ratio(truePositives, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const total = labels.length;
  const average = (weight: (m: ClassMetrics) => number): AverageMetrics => {
    const weights = perClass.map(weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const mean = (key: 'precision' | 'recall' | 'f1') =>
      ratio(
        perClass.reduce((s, m, i) => s + m[key] * weights[i], 0),
        sum,
      );
    return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1'), support: total };
  };
  const macroAverage = average(() => 1);
  return {
    accuracy: ratio(correct, total),
    macroF1: macroAverage.f1,
    perClass,
    macroAverage,
    weightedAverage: average((m) => m.support),
    confusion,
    images: total,
  };
}

export function formatEvaluation(report: ClassificationMetrics & Partial<EvaluationReport>): string {
  const row = (name: string, m: AverageMetrics | ClassMetrics) =>
    `${name.padStart(12)}${[m.precision, m.recall, m.f1].map((v) => v.toFixed(2).padStart(10)).join('')}${String(m.support).padStart(10)}`;
  const lines = [
    `${''.padStart(12)}${['precision', 'recall', 'f1-score', 'support'].map((h) => h.padStart(10)).join('')}`,
    '',
    ...report.perClass.map((m) => row(m.label, m)),
    '',
    `${'accuracy'.padStart(12)}${''.padStart(20)}${report.accuracy.toFixed(4).padStart(10)}${String(report.images).padStart(10)}`,
    row('macro avg', report.macroAverage),
    row('weighted avg', report.weightedAverage),
    ...(report.ece === undefined
      ? []
      : [
          '',
          `calibration: ECE ${report.ece.toFixed(3)} at temperature ${report.temperature?.toFixed(2)} (${report.eceUncalibrated?.toFixed(3)} before)`,
        ]),
    '',
    'confusion (rows: true, columns: predicted)',
    `${''.padStart(10)}${EMOTIONS.map((e) => e.slice(0, 7).padStart(8)).join('')}`,
    ...report.confusion.map((r, i) => `${EMOTIONS[i].padStart(10)}${r.map((v) => String(v).padStart(8)).join('')}`),
  ];
  return lines.join('\n');
}
