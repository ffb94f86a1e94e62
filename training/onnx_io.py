"""ONNX export of EcapaTdnn and the way back (ONNX initializers -> PyTorch module), so the repository keeps
one copy of each model's weights: the .onnx file. Features stay outside the graph (WeSpeaker convention)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from ecapa import EcapaConfig, EcapaTdnn

INPUT_NAME, OUTPUT_NAME = "feats", "embs"
OPSET = 13


def export_onnx(model: EcapaTdnn, path: Path, opset: int = OPSET) -> None:
    model = model.eval()
    dummy = torch.randn(2, 200, model.cfg.n_mels)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, (dummy,), str(path), input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
        dynamic_axes={INPUT_NAME: {0: "B", 1: "T"}, OUTPUT_NAME: {0: "B"}}, opset_version=opset,
        do_constant_folding=False,  # keep every initializer under its state_dict name (see onnx_state_dict)
        training=torch.onnx.TrainingMode.EVAL,
    )
    m = onnx.load(str(path))
    m.doc_string = "ECAPA-TDNN cry embedding; input feats [B,T,80] Kaldi fbank minus utterance mean; output embs [B,192]"
    m.metadata_props.add(key="ecapa_config", value=json.dumps(model.cfg.to_json()))
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def onnx_config(path: Path) -> EcapaConfig:
    m = onnx.load(str(path), load_external_data=False)
    meta = {p.key: p.value for p in m.metadata_props}
    cfg = json.loads(meta["ecapa_config"])
    return EcapaConfig(**{**cfg, "dilations": tuple(cfg["dilations"])})


def onnx_state_dict(path: Path, model: EcapaTdnn) -> dict:
    """State dict for `model` read from the graph. The exporter merges identical initializers (e.g. the all-ones
    BatchNorm scales of an untrained model) behind Identity nodes, so rather than trust names: the Conv / BatchNormalization / Gemm
    nodes of the graph appear in the order the module's Conv1d / BatchNorm1d / Linear layers run, and their
    initializer inputs are (W, b), (scale, bias, mean, var) and (W, b)."""
    m = onnx.load(str(path))
    inits = {i.name: torch.from_numpy(np.array(numpy_helper.to_array(i))) for i in m.graph.initializer}
    for n in m.graph.node:  # merged initializers reach their other users through Identity nodes
        if n.op_type == "Identity" and n.input[0] in inits:
            inits[n.output[0]] = inits[n.input[0]]
    nodes = [n for n in m.graph.node if n.op_type in ("Conv", "BatchNormalization", "Gemm")]
    order: list[tuple[str, torch.nn.Module]] = []
    names = {mod: name for name, mod in model.named_modules()}
    hooks = [mod.register_forward_pre_hook(lambda mod, inp: order.append((names[mod], mod)))
             for mod in model.modules() if isinstance(mod, (torch.nn.Conv1d, torch.nn.BatchNorm1d, torch.nn.Linear))]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 50, model.cfg.n_mels))
    model.train(was_training)
    for h in hooks:
        h.remove()
    if len(order) != len(nodes):
        raise ValueError(f"graph has {len(nodes)} parametric nodes, module runs {len(order)} layers")
    expect = {torch.nn.Conv1d: ("Conv", ["weight", "bias"]),
              torch.nn.BatchNorm1d: ("BatchNormalization", ["weight", "bias", "running_mean", "running_var"]),
              torch.nn.Linear: ("Gemm", ["weight", "bias"])}
    sd = {}
    for (name, mod), node in zip(order, nodes):
        op, fields = expect[type(mod)]
        if node.op_type != op:
            raise ValueError(f"{name}: expected {op}, graph has {node.op_type}")
        for field, inp in zip(fields, list(node.input)[1:]):
            sd[f"{name}.{field}"] = inits[inp]
    return sd


def load_from_onnx(path: Path) -> EcapaTdnn:
    """Rebuild the PyTorch module from the ONNX file's own initializers (BatchNorm statistics included)."""
    model = EcapaTdnn(onnx_config(path))
    weights = onnx_state_dict(path, model)
    sd = model.state_dict()
    for k in sd:
        if k.endswith("num_batches_tracked"):
            continue
        sd[k] = weights[k].reshape(sd[k].shape).to(sd[k].dtype).clone()
    model.load_state_dict(sd, strict=True)
    return model.eval()
