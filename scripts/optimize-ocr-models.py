#!/usr/bin/env python3
"""Derives the faster PP-OCRv4 detection and recognition models xiaobao-ocr embeds
from the unmodified RapidOCR ONNX files, by exact graph rewrites.

Run through scripts/optimize-ocr-models, which pins the Python packages.

PP-LCNetV3, the backbone of both models, follows every convolution with a learnable
affine block (y = a*x + b, a and b scalars) and a hard-swish written out as four
element-wise operators, then another affine block. Paddle2ONNX exports all of it
operator by operator, so a 48-pixel recognition strip passes through about 200
element-wise operators that each read and write the whole activation tensor; in rten
they take a third of the recognition time. The rewrites, each exact in real
arithmetic (only float rounding differs):

1. Conv -> Mul(a) -> Add(b), scalar or per-channel constants: folded into the
   convolution's weights and bias (W' = a*W, B' = a*B + b).
2. Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(6): replaced by one HardSwish
   (opset 14).
3. Mul(a) -> Add(b) feeding only convolutions: for an unpadded convolution the affine
   map is folded into it (W' = a*W, B' = B + b * sum(W)); for a padded one only the
   scale is folded (W' = a*W) and a single Add(b/a) stays, because the zero padding
   of the convolution's input is not affine-mapped.

The rewritten model is checked against the original with onnxruntime on random input
(maximum absolute difference printed and bounded).
"""

import argparse
import hashlib
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter


def load_with_initializers(path):
    """Loads a model and turns its Constant nodes into initializers, so weights can be
    looked up and rewritten in one place."""
    model = onnx.load(path)
    graph = model.graph
    kept = []
    for node in graph.node:
        if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
            tensor = onnx.TensorProto()
            tensor.CopyFrom(node.attribute[0].t)
            tensor.name = node.output[0]
            graph.initializer.append(tensor)
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return model


class Graph:
    def __init__(self, model):
        self.model = model
        self.g = model.graph
        # Nodes are edited as a plain list of detached copies and written back by
        # `finish`: protobuf's repeated fields copy on insertion, which would detach
        # references held while rewriting.
        self.nodes = []
        for node in self.g.node:
            copy = onnx.NodeProto()
            copy.CopyFrom(node)
            self.nodes.append(copy)
        self.inits = {t.name: t for t in self.g.initializer}
        self.outputs = {o.name for o in self.g.output}

    def const(self, name):
        t = self.inits.get(name)
        return None if t is None else numpy_helper.to_array(t)

    def set_const(self, name, array):
        t = numpy_helper.from_array(np.ascontiguousarray(array), name)
        if name in self.inits:
            self.inits[name].CopyFrom(t)
        else:
            self.g.initializer.append(t)
            self.inits[name] = self.g.initializer[-1]

    def new_name(self, base):
        i = 0
        while f"{base}.{i}" in self.inits:
            i += 1
        return f"{base}.{i}"

    def finish(self):
        del self.g.node[:]
        self.g.node.extend(self.nodes)

    def consumers(self):
        uses = {}
        for node in self.nodes:
            for name in node.input:
                uses.setdefault(name, []).append(node)
        return uses

    def producer(self):
        return {out: node for node in self.nodes for out in node.output}

    def remove(self, nodes):
        ids = {id(n) for n in nodes}
        self.nodes = [n for n in self.nodes if id(n) not in ids]

    def prune_initializers(self):
        used = {name for node in self.nodes for name in node.input}
        used |= self.outputs
        kept = [t for t in self.g.initializer if t.name in used]
        del self.g.initializer[:]
        self.g.initializer.extend(kept)
        self.inits = {t.name: t for t in self.g.initializer}


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def scalar_or_channel(array, channels):
    """The constant as a per-output-channel vector, if it broadcasts as a scalar or
    over the channel axis of an NCHW tensor; None otherwise."""
    if array is None:
        return None
    if array.size == 1:
        return np.full(channels, array.reshape(()), dtype=np.float32)
    squeezed = array.reshape(-1)
    if squeezed.size == channels and array.ndim in (3, 4) and array.shape[-1] == 1 and array.shape[-2] == 1:
        return squeezed.astype(np.float32)
    return None


def other_input(graph, node, name):
    """For a binary node with `name` as one input: the other input's constant value."""
    a, b = node.input
    other = b if a == name else a
    return graph.const(other)


def conv_weights(graph, conv):
    w = graph.const(conv.input[1])
    if w is None:
        return None, None
    b = graph.const(conv.input[2]) if len(conv.input) > 2 and conv.input[2] else np.zeros(w.shape[0], np.float32)
    return w.astype(np.float32), b.astype(np.float32)


def store_conv(graph, conv, w, b):
    base = conv.name or conv.output[0]
    w_name = graph.new_name(base + ".weight")
    graph.set_const(w_name, w)
    b_name = graph.new_name(base + ".bias")
    graph.set_const(b_name, b)
    conv.input[1] = w_name
    if len(conv.input) > 2:
        conv.input[2] = b_name
    else:
        conv.input.append(b_name)


def fold_affine_after_conv(graph):
    """Rewrite 1: Conv -> Mul/Add by constants."""
    folded = 0
    changed = True
    while changed:
        changed = False
        uses = graph.consumers()
        for conv in list(graph.nodes):
            if conv.op_type != "Conv":
                continue
            out = conv.output[0]
            users = uses.get(out, [])
            if len(users) != 1 or out in graph.outputs:
                continue
            nxt = users[0]
            if nxt.op_type not in ("Mul", "Add") or len(nxt.input) != 2:
                continue
            w, b = conv_weights(graph, conv)
            if w is None:
                continue
            value = scalar_or_channel(other_input(graph, nxt, out), w.shape[0])
            if value is None:
                continue
            if nxt.op_type == "Mul":
                w = w * value[:, None, None, None]
                b = b * value
            else:
                b = b + value
            store_conv(graph, conv, w, b)
            graph.remove([nxt])
            conv.output[0] = nxt.output[0]
            folded += 1
            changed = True
            break
    return folded


def fuse_hard_swish(graph):
    """Rewrite 2: x * clip(x + 3, 0, 6) / 6 -> HardSwish(x)."""
    fused = 0
    uses = graph.consumers()
    producer = graph.producer()
    for div in list(graph.nodes):
        if div.op_type != "Div":
            continue
        six = graph.const(div.input[1])
        mul = producer.get(div.input[0])
        if six is None or six.size != 1 or float(six.reshape(())) != 6.0 or mul is None or mul.op_type != "Mul":
            continue
        clip = next((producer.get(i) for i in mul.input if producer.get(i) is not None and producer[i].op_type == "Clip"), None)
        if clip is None:
            continue
        x = mul.input[1] if mul.input[0] == clip.output[0] else mul.input[0]
        add = producer.get(clip.input[0])
        if add is None or add.op_type != "Add" or x not in add.input:
            continue
        three = other_input(graph, add, x)
        lo, hi = graph.const(clip.input[1]), graph.const(clip.input[2])
        if three is None or three.size != 1 or float(three.reshape(())) != 3.0:
            continue
        if lo is None or hi is None or float(lo.reshape(())) != 0.0 or float(hi.reshape(())) != 6.0:
            continue
        if len(uses.get(add.output[0], [])) != 1 or len(uses.get(clip.output[0], [])) != 1:
            continue
        if len(uses.get(mul.output[0], [])) != 1:
            continue
        hs = helper.make_node("HardSwish", [x], [div.output[0]], name=div.output[0] + ".hardswish")
        index = next(i for i, n in enumerate(graph.nodes) if n is div)
        graph.nodes.insert(index, hs)
        graph.remove([add, clip, mul, div])
        fused += 1
    return fused


def fold_affine_before_conv(graph):
    """Rewrite 3: Mul(a) -> Add(b) -> Conv(s), scalars a, b."""
    folded = 0
    uses = graph.consumers()
    producer = graph.producer()
    for add in list(graph.nodes):
        if add.op_type != "Add" or len(add.input) != 2:
            continue
        mul = next((producer.get(i) for i in add.input if producer.get(i) is not None and producer[i].op_type == "Mul"), None)
        if mul is None:
            continue
        bias = other_input(graph, add, mul.output[0])
        consts = [graph.const(i) for i in mul.input]
        if bias is None or bias.size != 1 or sum(c is not None for c in consts) != 1:
            continue
        scale = next(c for c in consts if c is not None)
        if scale.size != 1 or float(scale.reshape(())) == 0.0:
            continue
        x = next(i for i in mul.input if graph.const(i) is None)
        if len(uses.get(mul.output[0], [])) != 1 or add.output[0] in graph.outputs:
            continue
        convs = uses.get(add.output[0], [])
        if not convs or any(c.op_type != "Conv" or c.input[0] != add.output[0] for c in convs):
            continue
        a, b = float(scale.reshape(())), float(bias.reshape(()))
        unpadded = all(not any(attrs(c).get("pads", [0])) and attrs(c).get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET", b"VALID", "VALID") for c in convs)
        if any(conv_weights(graph, c)[0] is None for c in convs):
            continue
        for conv in convs:
            w, cb = conv_weights(graph, conv)
            if unpadded:
                cb = cb + b * w.reshape(w.shape[0], -1).sum(axis=1)
            store_conv(graph, conv, w * a, cb)
        if unpadded:
            graph.remove([mul, add])
            for conv in convs:
                conv.input[0] = x
        else:
            shift = graph.new_name(add.output[0] + ".shift")
            graph.set_const(shift, np.array(b / a, dtype=np.float32))
            add.input[0], add.input[1] = x, shift
            graph.remove([mul])
        folded += 1
    return folded


def optimize(src, dst):
    # HardSwish needs opset 14; the converter also rewrites the operators whose
    # attributes became inputs on the way (Squeeze, Split, ...).
    model = version_converter.convert_version(load_with_initializers(src), 14)
    graph = Graph(model)
    before = len(graph.nodes)
    n1 = fold_affine_after_conv(graph)
    n2 = fuse_hard_swish(graph)
    n3 = fold_affine_before_conv(graph)
    n1 += fold_affine_after_conv(graph)
    graph.prune_initializers()
    after = len(graph.nodes)
    graph.finish()
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(
        f"{src}: {before} -> {after} operators "
        f"({n1} affine blocks folded into the convolution before them, {n2} hard-swishes fused, "
        f"{n3} affine blocks folded into the convolution after them)"
    )


def compare(original, rewritten, shape, tolerance):
    import onnxruntime as ort

    rng = np.random.default_rng(7)
    x = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    outs = []
    for path in (original, rewritten):
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        outs.append(session.run(None, {session.get_inputs()[0].name: x})[0])
    diff = float(np.abs(outs[0] - outs[1]).max())
    print(f"{rewritten}: max abs difference from the original on {shape}: {diff:.2e}")
    if diff > tolerance:
        sys.exit(f"{rewritten} differs from {original} by {diff} > {tolerance}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", required=True, help="input ONNX model")
    parser.add_argument("--dst", required=True, help="output ONNX model")
    parser.add_argument("--shape", required=True, help="check input shape, e.g. 2,3,48,640")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    shape = tuple(int(s) for s in args.shape.split(","))
    optimize(args.src, args.dst)
    compare(args.src, args.dst, shape, args.tolerance)
    print(f"{sha256(args.dst)}  {args.dst}")


if __name__ == "__main__":
    main()
