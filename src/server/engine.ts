// The engine's modules, loaded on first use: the process answers `initialize` without waiting
// for TensorFlow.js, and an engine that fails to load becomes an error answer, not a dead process.
export const loadPipeline = () => import('../engine/runs/pipeline.js');
export const loadStore = () => import('../engine/runs/store.js');
export const loadPredictor = () => import('../engine/predict/predictor.js');
export const loadSample = () => import('../engine/data/sample.js');
export const loadCrossValidation = () => import('../engine/runs/crossValidation.js');
