import { findTorchPython, runTorch, syntheticXrays } from './bench/trainSupport';
const py = findTorchPython()!;
const r = runTorch(py, syntheticXrays(1460, 48, 1), syntheticXrays(400, 48, 2), 3, 1);
console.log(r.testAcc, r.trainAcc, r.epochSeconds);
