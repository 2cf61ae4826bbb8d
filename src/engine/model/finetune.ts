// Fine-tuning from a local base model: a TensorFlow.js layers model folder, or an earlier run's
// folder. The base is cut at a layer whose output is a feature map, a new head (global average
// pooling, dropout, softmax) is put on top, and training starts with the base frozen (see
// TrainData.freeze). Grayscale images are repeated into three channels for an RGB base.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, MODEL_JSON } from './io';

export interface FineTuneModel {
  model: tfl.LayersModel;
  /** The base model's layers, frozen for the first epochs. */
  baseLayers: tfl.layers.Layer[];
  imageSize: number;
  cutLayer: string;
}

const settingError = (msg: string) => new RangeError(`Invalid training setting: ${msg}`);

/** The model folder inside a run folder, or the folder itself when it holds model.json. */
export function baseModelFolder(path: string): string {
  const folder = resolve(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw settingError(`baseModel folder ${folder} does not exist`);
  if (existsSync(join(folder, MODEL_JSON))) return folder;
  if (existsSync(join(folder, 'model', MODEL_JSON))) return join(folder, 'model');
  throw settingError(`baseModel folder ${folder} holds no ${MODEL_JSON} (nor model/${MODEL_JSON}): give a TensorFlow.js layers model folder or a run folder`);
}

function isFeatureMap(layer: tfl.layers.Layer): boolean {
  const shape = layer.outputShape;
  return Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4;
}

/** The last layer with a 4-D output: where the base's own pooling and classifier begin. */
function defaultCut(base: tfl.LayersModel): tfl.layers.Layer {
  for (let i = base.layers.length - 1; i >= 0; i--) if (isFeatureMap(base.layers[i]) && base.layers[i].getClassName() !== 'InputLayer') return base.layers[i];
  throw settingError(`baseModel "${base.name}" has no convolutional feature map to cut at`);
}

export interface BaseModel {
  base: tfl.LayersModel;
  folder: string;
  imageSize: number;
  channels: 1 | 3;
}

/** Loads and checks a base model before any data is read, so a bad setting costs nothing. */
export async function loadBaseModel(path: string, requestedSize: number | undefined): Promise<BaseModel> {
  const folder = baseModelFolder(path);
  let base: tfl.LayersModel;
  try {
    ({ model: base } = await loadModel(folder));
  } catch (err) {
    throw settingError(`baseModel ${folder} could not be loaded: ${(err as Error).message}`);
  }
  const inShape = base.inputs[0].shape;
  const [, h, w, channels] = inShape;
  if (inShape.length !== 4 || h === null || h !== w || (channels !== 1 && channels !== 3)) {
    throw settingError(`baseModel ${folder} takes input ${JSON.stringify(inShape)}; a square grayscale (1 channel) or RGB (3 channel) image input is needed`);
  }
  if (requestedSize !== undefined && requestedSize !== h) {
    throw settingError(`imageSize ${requestedSize} does not fit baseModel ${folder}, whose input is ${h}x${w}: leave imageSize unset or set it to ${h}`);
  }
  return { base, folder, imageSize: h, channels };
}

/** Cuts the base at `cutLayer` (or its last feature map) and puts a new classifier head on top. */
export function attachHead(b: BaseModel, cutLayer: string, numClasses: number, seed: number): FineTuneModel {
  const { base, folder, imageSize: h, channels } = b;
  let cut: tfl.layers.Layer;
  if (cutLayer) {
    try {
      cut = base.getLayer(cutLayer);
    } catch {
      throw settingError(`cutLayer "${cutLayer}" is not a layer of baseModel ${folder} (its last feature-map layers: ${base.layers.filter(isFeatureMap).map((l) => l.name).slice(-8).join(', ')})`);
    }
    if (!isFeatureMap(cut)) throw settingError(`cutLayer "${cutLayer}" of baseModel ${folder} outputs ${JSON.stringify(cut.outputShape)}, not a feature map`);
  } else {
    cut = defaultCut(base);
  }
  const trunk = tfl.model({ inputs: base.inputs, outputs: cut.output as tfl.SymbolicTensor, name: `${base.name}_to_${cut.name}` });
  const baseLayers = trunk.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const head = (x: tfl.SymbolicTensor) => {
    const pooled = tfl.layers.globalAveragePooling2d({ name: 'ft_gap' }).apply(x) as tfl.SymbolicTensor;
    const dropped = tfl.layers.dropout({ name: 'ft_dropout', rate: 0.3, seed }).apply(pooled) as tfl.SymbolicTensor;
    return tfl.layers.dense({ name: 'predictions', units: numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }).apply(dropped) as tfl.SymbolicTensor;
  };
  let model: tfl.LayersModel;
  if (channels === 1) {
    model = tfl.model({ inputs: trunk.inputs, outputs: head(trunk.outputs[0]), name: 'finetuned' });
  } else {
    const gray = tfl.input({ shape: [h, h, 1], name: 'gray_input' });
    const rgb = tfl.layers.concatenate({ axis: -1, name: 'gray_to_rgb' }).apply([gray, gray, gray]) as tfl.SymbolicTensor;
    model = tfl.model({ inputs: gray, outputs: head(trunk.apply(rgb) as tfl.SymbolicTensor), name: 'finetuned' });
  }
  return { model, baseLayers, imageSize: h, cutLayer: cut.name };
}
