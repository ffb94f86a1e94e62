// Entry of the embedding worker: the engine task runner under its own name, so the core can keep one
// long-lived thread (`new WorkerPool(1, 'embed')`) whose ONNX sessions stay loaded and whose onnxruntime
// threads do not compete with the decode/segment pool. Its tasks are `embedCries` and `listBackbones`.
import './engine.worker'
