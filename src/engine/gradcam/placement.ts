// Where each cell of a conv feature map sits on the model input. 'valid' convolutions and
// flooring pools leave the last conv's cells centred on a narrower band than the whole image
// (for the seed CNN at 48 px: pixels 9..37, not 3..45), so stretching the map edge to edge
// would misplace the heat by up to a sixth of the image.
import type * as tfl from '@tensorflow/tfjs-layers';

/** Cell i of the feature map is centred at input coordinate offset + scale * i (pixel j spans [j, j+1)). */
export interface HeatPlacement {
  scale: number;
  offset: number;
  /** Side of the model input, in pixels. */
  inputSize: number;
}

/** Even spacing over the whole input: for models whose layers this module does not know. */
export function uniformPlacement(cells: number, inputSize: number): HeatPlacement {
  const scale = inputSize / cells;
  return { scale, offset: scale / 2, inputSize };
}

const first = (v: unknown): number => (Array.isArray(v) ? Number(v[0]) : Number(v));

/** Composes the receptive-field centres of the layers up to and including `last` (square kernels and inputs). */
export function placementUpTo(model: tfl.LayersModel, last: tfl.layers.Layer): HeatPlacement | undefined {
  const inputShape = model.inputs[0].shape;
  const inputSize = Number(inputShape[1]);
  let scale = 1;
  let offset = 0.5;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const inShape = (layer.input as tfl.SymbolicTensor).shape as number[];
    const outShape = layer.outputShape as number[];
    if (cls === 'Conv2D' || cls === 'MaxPooling2D' || cls === 'AveragePooling2D') {
      const k = first(cls === 'Conv2D' ? cfg.kernelSize : cfg.poolSize);
      const s = first(cfg.strides ?? k);
      const dilation = first(cfg.dilationRate ?? 1);
      const span = (k - 1) * dilation + 1;
      const pad = cfg.padding === 'same' ? Math.floor(Math.max((outShape[1] - 1) * s + span - inShape[1], 0) / 2) : 0;
      offset += scale * (-pad + (span - 1) / 2);
      scale *= s;
    } else if (Array.isArray(inShape) && Array.isArray(outShape) && inShape.length === 4 && inShape[1] !== outShape[1]) {
      return undefined; // a layer that resizes in a way not modelled here
    }
    if (layer === last) return { scale, offset, inputSize };
  }
  return undefined;
}
