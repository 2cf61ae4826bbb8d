// Reliability diagram: in each probability bin, the mean predicted probability against how often
// it came true. Points on the diagonal mean a probability can be read as a frequency.
import type { EvalReport } from '../../src/engine/types';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { referenceLine, UnitChartCard, type UnitChart } from './unitChartCard';

export class ReliabilityView extends UnitChartCard {
  constructor() {
    super('reliability', 'Calibration', 'calibration', 'Reliability diagram');
  }

  protected draw(metrics: EvalReport, theme: ThemeColors): UnitChart | undefined {
    const cal = metrics.calibration;
    if (!cal) return undefined;
    const of = cal.of === 'positive' ? `P(${metrics.classes[cal.positiveClass ?? 0]})` : 'the top class’s probability';
    return {
      caption: `Brier score ${fixed(cal.brier, 4)} · expected calibration error ${fixed(cal.ece, 4)} · 15 bins of ${of}`,
      ariaLabel: `Reliability diagram of ${of}: Brier score ${fixed(cal.brier, 4)}, expected calibration error ${fixed(cal.ece, 4)}`,
      xTitle: 'mean predicted probability',
      yTitle: cal.of === 'positive' ? 'share positive' : 'share correct',
      datasets: [
        {
          label: 'model',
          data: cal.bins.map((b) => ({ x: b.meanPredicted, y: b.observed })),
          borderColor: theme.green,
          backgroundColor: theme.green,
          borderWidth: 2,
          // Bigger dots for fuller bins: a point from two images says little.
          pointRadius: cal.bins.map((b) => Math.min(7, 2 + Math.sqrt(b.count) / 2)),
        },
        referenceLine('perfectly calibrated', { x: 0, y: 0 }, { x: 1, y: 1 }, theme),
      ],
    };
  }
}
