// ROC curve with its AUC, shown for two-class runs.
import type { EvalReport } from '../../src/engine/types';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { markerDataset } from './marker';
import { referenceLine, UnitChartCard, type UnitChart } from './unitChartCard';

export class RocView extends UnitChartCard {
  constructor() {
    super('roc', 'ROC curve', 'auc');
  }

  protected draw(metrics: EvalReport, theme: ThemeColors): UnitChart | undefined {
    const roc = metrics.roc;
    if (!roc) return undefined;
    const positive = metrics.classes[roc.positiveClass] ?? String(roc.positiveClass);
    const ci = metrics.intervals?.auc;
    return {
      caption: `AUC ${fixed(roc.auc)}${ci ? ` (95% interval ${fixed(ci[0])}–${fixed(ci[1])})` : ''} · positive class: ${positive}`,
      ariaLabel: `ROC curve, area under the curve ${fixed(roc.auc)}, positive class ${positive}`,
      xTitle: 'false positive rate',
      yTitle: 'true positive rate',
      datasets: [
        { label: `ROC (AUC ${fixed(roc.auc)})`, data: roc.points.map(([x, y]) => ({ x, y })), borderColor: theme.blue, backgroundColor: theme.blue, borderWidth: 2, pointRadius: 0, stepped: false },
        referenceLine('chance', { x: 0, y: 0 }, { x: 1, y: 1 }, theme),
        ...markerDataset(this.marker, theme),
      ],
    };
  }
}
