"""The checker: runs a train step and an eval step as you run them, and sees, per layer
whose output depends on `training`, which mode each step put it in.

How it looks (nothing runs eagerly that you run traced):
1. your step, untouched (a traced tf.function stays the graph it was traced into):
   moving statistics and, on Keras 3, random-layer seed states before and after;
2. the same Python step traced again (a new tf.function of it; fit's functions made
   again, yours put back after), each leaf layer recording inside the graph whether
   its output differed from its own training=False output on the same input;
3. on Keras 3, when some layer's `training` default is True, step 2 again with every
   layer's default kept to itself (what the next Keras does): a layer whose mode
   changes got it from a default leaked from an earlier layer, not from your step.
Before any of it, on Keras 3, a layer or model you wrote whose `call` takes **kwargs
without a `training` parameter is reported: Keras 3 never hands it `training`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import tensorflow as tf

from training_state_check._errors import TrainingStateCheckError, check_tensorflow

# where Keras's own layers come from: a layer of these modules is never flagged
KERAS_MODULES = ("keras", "tf_keras", "tensorflow")


class Report(list):
    """One line per judged layer, saying what each step did; `str()` is the report."""

    def __init__(self, lines: Iterable[str], model_name: str) -> None:
        super().__init__(lines)
        self.model_name = model_name

    def __str__(self) -> str:
        if not self:
            return (
                f"nothing to check: no layer of {self.model_name} depends on the "
                "training state on this batch"
            )
        return "\n".join(self)


def _children(layer):
    # private, but present in Keras 2 and Keras 3
    return list(layer._flatten_layers(include_self=False, recursive=False))


def _walk(layer, outer=()):
    """Yield (layer, names of the layers around it) for every layer inside `layer`."""
    for child in _children(layer):
        yield child, outer
        yield from _walk(child, outer + (child.name,))


def _has_moving_stats(layer):
    return isinstance(layer, tf.keras.layers.BatchNormalization) or (
        hasattr(layer, "moving_mean") and hasattr(layer, "moving_variance")
    )


def _var_keyword(signature):
    """The name of a signature's **kwargs parameter, or None."""
    return next(
        (
            p.name
            for p in signature.parameters.values()
            if p.kind is inspect.Parameter.VAR_KEYWORD
        ),
        None,
    )


def _training_default(layer):
    """(takes `training`, its default in `call`). On Keras 2 a `call` with **kwargs
    takes it there (Keras 3 never hands it on: see _never_told)."""
    try:
        signature = inspect.signature(layer.call)
    except (TypeError, ValueError):
        return False, None
    parameter = signature.parameters.get("training")
    if parameter is None:
        keras2 = not hasattr(tf.keras, "version")
        return keras2 and _var_keyword(signature) is not None, None
    default = parameter.default
    return True, (None if default is inspect.Parameter.empty else default)


def _set_training(bound, value):
    """Give a bound call `training=value`, as a parameter or inside its **kwargs."""
    if "training" in bound.signature.parameters:
        bound.arguments["training"] = value
    else:
        bound.arguments.setdefault(_var_keyword(bound.signature), {})["training"] = (
            value
        )


def _never_told(layer):
    """Keras 3: a layer or model you wrote whose `call` takes **kwargs without a
    `training` parameter: Keras takes `training` out of the keyword arguments, so
    the call never sees it (Keras 2 passes it on)."""
    if type(layer).__module__.split(".")[0] in KERAS_MODULES:
        return False
    try:
        parameters = inspect.signature(layer.call).parameters.values()
    except (TypeError, ValueError):
        return False
    kinds = {p.kind for p in parameters}
    names = {p.name for p in parameters}
    return inspect.Parameter.VAR_KEYWORD in kinds and "training" not in names


def _judged_by(layer):
    """How the layer's mode is seen; None: not judged itself."""
    if _has_moving_stats(layer):
        return "moving statistics"
    if isinstance(layer, tf.keras.Model) or not _training_default(layer)[0]:
        return None  # a model's layers are judged one by one
    if hasattr(layer, "state_size") and not isinstance(layer, tf.keras.layers.RNN):
        return None  # an RNN cell: its RNN layer is judged instead
    if _children(layer) and not isinstance(layer, tf.keras.layers.RNN):
        return None  # a block: its inner layers are judged
    return "output"  # a leaf: does its output differ from its inference output?


def _seed_states(layer):
    """Keras 3: the state variables of the layer's own random seed generators."""
    return [sg.state for sg in getattr(layer, "_seed_generators", ())]


def _stats(layer):
    return [layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()]


def _moved(before, after):
    return any(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))


def _differ(a, b):
    """A boolean tensor: do two outputs differ? Works eagerly and inside a graph."""
    a, b = tf.nest.flatten(a), tf.nest.flatten(b)
    if len(a) != len(b):
        return tf.constant(True)
    result = tf.constant(False)
    for x, y in zip(a, b, strict=True):
        x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        if not x.shape.is_compatible_with(y.shape):
            return tf.constant(True)
        result = tf.logical_or(result, tf.reduce_any(tf.not_equal(x, y)))
    return result


def _record(layer, flags):
    """Wrap layer.call: at each call, or into `flags` (a bool Variable of 4) whether
    its output differs from its training=False output, whether its training=True
    output does (it depends on the mode), whether its seed state moved, and True
    (it was called). Inside a graph too, since it only adds ops; the two extra calls
    leave the seed state as it was."""
    original = layer.call
    signature = inspect.signature(original)
    states = _seed_states(layer)

    @functools.wraps(original)
    def call(*args, **kwargs):
        before = [tf.identity(tf.convert_to_tensor(s)) for s in states]
        outputs = original(*args, **kwargs)
        seeded = tf.constant(False)
        for b, s in zip(before, states, strict=True):
            seeded = tf.logical_or(
                seeded, tf.reduce_any(tf.not_equal(b, tf.convert_to_tensor(s)))
            )
        after = [tf.identity(tf.convert_to_tensor(s)) for s in states]
        bound = signature.bind(*args, **kwargs)
        _set_training(bound, False)
        inference = original(*bound.args, **bound.kwargs)
        _set_training(bound, True)
        training = original(*bound.args, **bound.kwargs)
        for value, s in zip(after, states, strict=True):
            s.assign(value)  # as if the two extra calls had not drawn anything
        now = tf.stack([_differ(outputs, inference), _differ(training, inference)])
        flags.assign(tf.logical_or(flags, tf.concat([now, [seeded, True]], 0)))
        return outputs

    layer.call = call


def _fresh(step):
    """The same Python step, traced again: a tf.function becomes a new tf.function of
    its Python function; anything else is called as it is (and fit, evaluate and
    predict make their functions again, see _observe)."""
    python_function = getattr(step, "python_function", None)
    if python_function is None:
        return step
    return tf.function(python_function, input_signature=step.input_signature)


_FUNCTIONS = ("train_function", "test_function", "predict_function")


def _run(phase, step, batch):
    """Run one of your steps; an exception it raises becomes a clear error."""
    try:
        step(batch)
    except TrainingStateCheckError:
        raise
    except Exception as exc:
        raise TrainingStateCheckError(
            f"your {phase} raised {type(exc).__name__}: {exc}. The checker runs the "
            "step as you pass it, on the batch you pass: make it run on its own first"
        ) from exc


def _observe(model, found, step, batch, fresh, keep_defaults, phase):
    """Run a step once; return {key: (moving statistics moved or None, recorder
    flags or None, seed state moved or None)} per judged layer."""
    stats_before = {
        k: _stats(layer)
        for k, (layer, _, how) in found.items()
        if how == "moving statistics"
    }
    seeds_before = {
        k: [s.numpy().copy() for s in _seed_states(layer)]
        for k, (layer, _, how) in found.items()
        if how == "output"
    }
    flags, own_calls, signatures, functions = {}, {}, {}, {}
    if fresh:
        for key, (layer, _, how) in found.items():
            if how == "output":
                flags[key] = tf.Variable([False] * 4)
                own_calls[key] = layer.__dict__.get("call")
                _record(layer, flags[key])
        for name in _FUNCTIONS:  # so that fit & co. trace again, with the recorders
            functions[name] = getattr(model, name, None)
            setattr(model, name, None)
    recorded = []  # (node kwargs, default) taken out of a Functional graph
    if keep_defaults:  # Keras 3: each default stays in its own layer (next Keras)
        for layer, _ in _walk(model):
            sig = getattr(layer, "_call_signature", None)
            default = _training_default(layer)[1]
            if sig is None or default is None:
                continue
            # Keras 3.15 resolves a missing `training` to the signature default and
            # hands it on to every later layer; a Functional graph even records it
            # in the node as if it had been written: undo both, for this run only
            signatures[id(layer)] = (layer, sig)
            params = [
                p.replace(default=None) if p.name == "training" else p
                for p in sig.parameters.values()
            ]
            layer._call_signature = sig.replace(parameters=params)
            for node in getattr(layer, "_inbound_nodes", ()):
                kwargs = node.arguments.kwargs
                if kwargs.get("training", None) is default:
                    recorded.append((kwargs, kwargs.pop("training")))
    try:
        _run(phase, _fresh(step) if fresh else step, batch)
    finally:
        for layer, sig in signatures.values():
            layer._call_signature = sig
        for kwargs, default in recorded:
            kwargs["training"] = default
        for key, own in own_calls.items():
            layer = found[key][0]
            del layer.call  # the class's own call is back...
            if own is not None:
                layer.call = own  # ...or the one set on the layer
        for name, function in functions.items():
            setattr(model, name, function)  # your compiled functions, as they were
    seen = {}
    for key, (layer, _, how) in found.items():
        stats = None
        if how == "moving statistics":
            stats = _moved(stats_before[key], _stats(layer))
        seeds = None
        if seeds_before.get(key):
            after = [s.numpy() for s in _seed_states(layer)]
            seeds = _moved(seeds_before[key], after)
        recorded = flags[key].numpy().tolist() if key in flags else None
        seen[key] = (stats, recorded, seeds)
    return seen


def _matches(entries, layer, outer):
    names = {e for e in entries if isinstance(e, str)}
    return (
        any(e is layer for e in entries if not isinstance(e, str))
        or layer.name in names
        or bool(names.intersection(outer))
    )


def _mode(trained):
    return None if trained is None else ("training" if trained else "inference")


def _built(model) -> bool:
    return model.built and all(layer.built for layer, _ in _walk(model))


def check_training_state(
    model: Any,
    train_step: Callable[[Any], Any],
    eval_step: Callable[[Any], Any],
    batch: Any,
    inference_only: Iterable[Any] = (),
    always_active: Iterable[Any] = (),
) -> Report:
    """Run each step on `batch` (as you run it, then traced again, then on Keras 3
    with defaults kept in their layers); raise AssertionError naming every layer in
    the wrong mode, or return the Report: one line per judged layer."""
    check_tensorflow()
    inference_only, always_active = tuple(inference_only), tuple(always_active)
    if not _built(model):
        _run("eval step", eval_step, batch)  # builds the model before measuring
        if not _built(model):
            raise TrainingStateCheckError(
                f"{model.name} is not built, and your eval step did not build it: "
                "call the model on a batch (or give it an Input) before checking"
            )
    found, known = {}, set()
    for layer, outer in _walk(model):
        known.add(layer.name)
        how = _judged_by(layer)
        if how and id(layer) not in found:
            found[id(layer)] = (layer, outer, how)
    for entry in (*inference_only, *always_active):
        if isinstance(entry, str) and entry not in known:
            raise ValueError(f"no layer named {entry!r} in {model.name}")
    defaults = [
        f"{layer.name}={_training_default(layer)[1]}"
        for layer, _ in _walk(model)
        if _training_default(layer)[1] is not None
    ]
    # Keras 3 hands a layer's default on to later layers; it can change a mode only
    # where some default is True (a leaked False meets a True default, or a None)
    leak_check = any(d.endswith("=True") for d in defaults) and hasattr(
        model, "_call_signature"
    )
    runs = {}  # phase -> {"yours": ..., "traced again": ..., "defaults kept": ...}
    for phase, step in (("train step", train_step), ("eval step", eval_step)):
        runs[phase] = {
            "yours": _observe(model, found, step, batch, False, False, phase),
            "traced again": _observe(model, found, step, batch, True, False, phase),
        }
        if leak_check:
            runs[phase]["defaults kept"] = _observe(
                model, found, step, batch, True, True, phase
            )

    problems, report = [], []
    if hasattr(tf.keras, "version"):  # Keras 3
        for layer in [model, *(layer for layer, _ in _walk(model))]:
            if _never_told(layer):
                problems.append(
                    f"train step: {layer.name} ({type(layer).__name__}) never "
                    "receives `training` on Keras 3: its `call` takes **kwargs and no "
                    "`training` parameter; declare `training=None` and pass it on"
                )
    for key, (layer, outer, how) in found.items():
        traced = [runs[p][r][key][1] for p in runs for r in runs[p] if r != "yours"]
        seed_tells = False  # does the seed state tell the mode (checked in traces)?
        if how == "output":
            if not any(rec[1] for rec in traced):
                continue  # same output in both modes here (Dense, Resizing, rate 0)
            seed_tells = bool(_seed_states(layer)) and all(
                rec[2] == rec[0] for rec in traced if rec[3]
            )

        def mode(phase, run, key=key, how=how, seed_tells=seed_tells):
            """The layer's mode in one run: from its moving statistics; else in your
            own step from its seed state, where that tells the same as its output
            (Keras 3 random layers); else from the output recorded in a trace."""
            stats, recorded, seeds = runs[phase][run][key]
            if how == "moving statistics":
                return _mode(stats)
            if run == "yours":
                return _mode(seeds) if seed_tells else None
            return _mode(recorded[0]) if recorded[3] else None  # None: not called

        frozen = how == "moving statistics" and not layer.trainable
        if _matches(always_active, layer, outer):
            wanted = {"train step": "training", "eval step": "training"}
        elif frozen or _matches(inference_only, layer, outer):
            wanted = {"train step": "inference", "eval step": "inference"}
        else:
            wanted = {"train step": "training", "eval step": "inference"}
        seen_by = {"moving statistics": how, "output": "output, traced again"}[how]
        if seed_tells:
            seen_by = "seed state"
        label = f"{layer.name} ({type(layer).__name__}{', frozen' if frozen else ''})"
        modes = []
        for phase, want in wanted.items():
            yours = mode(phase, "yours")
            again = mode(phase, "traced again")
            got = yours if yours is not None else again
            modes.append(f"{phase}: {got + ' mode' if got else 'not called'}")
            if got != want and not (got is None and want == "inference"):
                note = ""
                if yours is not None and again != yours:
                    note = " (traced again it is not: trace or compile it again)"
                elif frozen and got == "training":  # Keras 2's fit keeps the
                    note = " (frozen after compile? compile it again)"  # old flag
                problems.append(
                    f"{phase}: {label} ran in {got or 'no'} mode, expected {want} mode"
                    + note
                )
            if "defaults kept" in runs[phase]:
                kept = mode(phase, "defaults kept")
                if kept != again:
                    problems.append(
                        f"{phase}: {label} ran in {again} mode only through a "
                        f"`training` default leaked from an earlier layer ({kept} "
                        "mode without it): pass `training` explicitly"
                    )
        report.append(f"{label}, seen by {seen_by}: " + "; ".join(modes))
    if problems:
        if any("leaked" in p for p in problems):
            problems.append("defaults that leak on this Keras: " + ", ".join(defaults))
        raise AssertionError("training state is wrong:\n  " + "\n  ".join(problems))
    return Report(report, model.name)


def check_fit(
    model: Any,
    x: Any,
    y: Any,
    inference_only: Iterable[Any] = (),
    always_active: Iterable[Any] = (),
) -> Report:
    """check_training_state for a compiled model trained with fit and evaluated with
    evaluate and predict, on one batch (x, y)."""
    n = len(x)

    def train_step(batch):
        model.fit(*batch, batch_size=n, epochs=1, shuffle=False, verbose=0)

    def eval_step(batch):
        model.evaluate(*batch, batch_size=n, verbose=0)
        model.predict(batch[0], batch_size=n, verbose=0)

    return check_training_state(
        model, train_step, eval_step, (x, y), inference_only, always_active
    )
