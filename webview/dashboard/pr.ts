// Precision-recall curve with its average precision, beside the ROC (two-class runs). On a rare
// positive class it shows what the ROC hides: how many of the images called positive are.
import type { EvalReport } from '../../src/engine/types';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { markerDataset } from './marker';
import { referenceLine, UnitChartCard, type UnitChart } from './unitChartCard';

export class PrView extends UnitChartCard {
  constructor() {
    super('pr', 'Precision-recall curve', 'ap');
  }

  protected draw(metrics: EvalReport, theme: ThemeColors): UnitChart | undefined {
    const pr = metrics.pr;
    if (!pr) return undefined;
    const positive = metrics.classes[pr.positiveClass] ?? String(pr.positiveClass);
    return {
      caption: `Average precision ${fixed(pr.averagePrecision)} · prevalence ${fixed(pr.prevalence)} · positive class: ${positive}`,
      ariaLabel: `Precision-recall curve, average precision ${fixed(pr.averagePrecision)}, positive class ${positive}`,
      xTitle: 'recall (sensitivity)',
      yTitle: 'precision (PPV)',
      datasets: [
        { label: `PR (AP ${fixed(pr.averagePrecision)})`, data: pr.points.map(([x, y]) => ({ x, y })), borderColor: theme.purple, backgroundColor: theme.purple, borderWidth: 2, pointRadius: 0, stepped: 'after' },
        referenceLine('guessing', { x: 0, y: pr.prevalence }, { x: 1, y: pr.prevalence }, theme),
        ...markerDataset(this.marker, theme),
      ],
    };
  }
}
