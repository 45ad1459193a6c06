"""The atlas's measuring engine: build a model in one of nine styles, run it in one of
seventeen ways, and report what each observed layer did. Observed from outside, the way
a user sees it: moving statistics before and after, and each observed layer's output
compared with its own `training=False` output, written into a variable inside the
graph (so what a trace or a compiled `fit` baked in shows; nothing is forced eager)."""

# Long because: it is the atlas's whole engine (nine model styles, three front layers,
# seventeen ways to run a model, the per-layer observation) in one module, so that one
# import reproduces any cell of the picker.

import contextlib
import inspect
import io
import tempfile

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
CALLS = (
    "model(x)",
    "model(x, training=None)",
    "model(x, training=True)",
    "model(x, training=False)",
    "fit",
    "train_on_batch",
    "evaluate",
    "test_on_batch",
    "predict",
    "predict_on_batch",
    "tf.function step, training=True",
    "tf.function step, training=False",
    "train_step with training=True",
    "train_step without training",
    "test_step with training=False",
    "test_step without training",
    "export, serve",
)
STYLES = (
    "Sequential",
    "Functional",
    "subclass passing training",
    "subclass without training",
    "subclass pinning a layer",
    "subclass pinning a layer, the rest bare",
    "Functional inside a subclass",
    "subclassed block inside Functional",
    "base(x, training=False)",
)
FRONTS = ("nothing", "Resizing", "RandomFlip")
LAYERS = ("bn", "bn_frozen", "bn_frozen_late", "noise", "dropout", "augment", "lstm")
BN_LIKE = ("bn", "bn_frozen", "bn_frozen_late")


def _observe(layer, kwargs):
    """Run the layer, compare with its own training=False output, remember."""
    out = layer.parent_call(layer, **kwargs)
    ref = layer.parent_call(layer, **dict(kwargs, training=False))
    differs = tf.reduce_any(tf.abs(tf.cast(out, "float32") - ref) > 1e-5)
    layer.seen.assign(tf.maximum(layer.seen, tf.cast(differs, "float32")))
    return out


def tapped(cls):
    """A subclass of cls with the same `call` signature (Keras reads it) that
    records whether its output differs from its training=False output."""
    signature = inspect.signature(cls.call)
    names = [n for n in signature.parameters if n != "self"]
    args = ", ".join(f"{n!r}: {n}" for n in names)
    source = f"def call{signature}:\n    return _observe(self, {{{args}}})\n"
    scope = {"_observe": _observe}
    exec(source, scope)  # a real signature: Keras inspects it for `training`

    def init(self, *args, **kwargs):
        cls.__init__(self, *args, **kwargs)
        tracker = getattr(self, "_tracker", None)  # Keras 3 locks built layers
        locked = bool(tracker and tracker.locked)
        if locked:
            tracker.unlock()
        self.seen = self.add_weight(
            name="seen", shape=(), initializer="zeros", trainable=False
        )
        if locked:
            tracker.lock()

    body = {"call": scope["call"], "parent_call": staticmethod(cls.call)}
    body["__init__"] = init
    return type(f"Tapped{cls.__name__}", (cls,), body)


def trunk():
    """The observed layers, in order, between the front and the output."""
    bn, bn_frozen, bn_late = (tapped(layers.BatchNormalization)() for _ in range(3))
    bn_frozen.trainable = False
    return {
        "flatten": layers.Flatten(),
        "dense": layers.Dense(16),
        # each BatchNormalization sees inputs far from its initial moving mean (0), so
        # an update shows; Rescaling takes no `training` and passes nothing on
        "shift": layers.Rescaling(1.0, offset=3.0),
        "bn": bn,
        "shift_frozen": layers.Rescaling(1.0, offset=3.0),
        "bn_frozen": bn_frozen,
        "shift_late": layers.Rescaling(1.0, offset=3.0),
        "bn_frozen_late": bn_late,
        "noise": tapped(layers.GaussianNoise)(1.0),
        "dropout": tapped(layers.Dropout)(0.5),
        "to_image": layers.Reshape((4, 4, 1)),
        "augment": tapped(layers.RandomFlip)("horizontal"),
        "to_sequence": layers.Reshape((2, 8)),
        "lstm": tapped(layers.LSTM)(2, dropout=0.5, recurrent_dropout=0.5, unroll=True),
        "out": layers.Dense(2),
    }


def front(name):
    return {
        "nothing": [],
        "Resizing": [layers.Resizing(6, 6)],
        "RandomFlip": [layers.RandomFlip("horizontal")],
    }[name]


class StepMixin:
    """A model with its own train_step or test_step (the `..._step ...` calls)."""

    STEP = ""  # the call: which step is overridden, and whether it passes training

    def train_step(self, data):
        if not self.STEP.startswith("train_step"):
            return super().train_step(data)
        x, y = data
        with tf.GradientTape() as tape:
            if self.STEP.endswith("training=True"):
                pred = self(x, training=True)
            else:
                pred = self(x)
            loss = tf.reduce_mean(tf.square(pred - y))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}

    def test_step(self, data):
        if not self.STEP.startswith("test_step"):
            return super().test_step(data)
        x, y = data
        if self.STEP.endswith("training=False"):
            pred = self(x, training=False)
        else:
            pred = self(x)
        return {"loss": tf.reduce_mean(tf.square(pred - y))}


def build(style, front_name, step=""):
    """(model, its observed layers by name) for one style and front layer."""
    base, seq = tf.keras.Model, tf.keras.Sequential
    if step:
        base = type("StepModel", (StepMixin, base), {"STEP": step})
        seq = type("StepSequential", (StepMixin, seq), {"STEP": step})
    parts = trunk()
    chain = front(front_name) + list(parts.values())
    inputs = tf.keras.Input((6, 6, 1))

    def run(items, h, training="absent"):
        for layer in items:
            h = layer(h) if training == "absent" else layer(h, training=training)
        return h

    if style == "Sequential":
        model = seq([inputs, *chain])
    elif style == "Functional":
        model = base(inputs, run(chain, inputs))
    elif style == "base(x, training=False)":
        cut = chain.index(parts["to_image"])
        core = tf.keras.Model(inputs, run(chain[:cut], inputs), name="base")
        outer = tf.keras.Input((6, 6, 1))
        model = base(outer, run(chain[cut:], core(outer, training=False)))
    elif style == "subclassed block inside Functional":
        block = _block(chain)
        model = base(inputs, block(inputs))
    else:
        model = _subclass(style, chain, base, parts["bn"])
        model(np.zeros((1, 6, 6, 1), "float32"))  # build
    return model, {name: parts[name] for name in LAYERS}


def _block(chain):
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.chain = chain

        def call(self, x, training=None):
            for layer in self.chain:
                x = layer(x, training=training)
            return x

    return Block()


def _subclass(style, chain, base, pin):
    if style == "Functional inside a subclass":
        inputs = tf.keras.Input((6, 6, 1))
        h = inputs
        for layer in chain:
            h = layer(h)
        inner = tf.keras.Model(inputs, h)

        class Wrapper(base):
            def __init__(self):
                super().__init__()
                self.inner = inner

            def call(self, x, training=None):
                return self.inner(x, training=training)

        return Wrapper()
    if style == "subclass without training":

        class Bare(base):
            def __init__(self):
                super().__init__()
                self.chain = chain

            def call(self, x):
                for layer in self.chain:
                    x = layer(x)
                return x

        return Bare()
    pinned = pin if style.startswith("subclass pinning a layer") else None
    bare = style.endswith("the rest bare")  # the pitfall: later layers called bare

    class Passing(base):
        def __init__(self):
            super().__init__()
            self.chain = chain

        def call(self, x, training=None):
            for layer in self.chain:
                if layer is pinned:
                    x = layer(x, training=False)  # the observed `bn`, pinned
                elif bare:
                    x = layer(x)
                else:
                    x = layer(x, training=training)
            return x

    return Passing()


def run_once(model, call, x, y, state):
    """Run the model the way `call` says (state keeps a traced step or an export)."""
    if call.startswith("model(x"):
        value = {"": "absent", "None": None, "True": True, "False": False}
        arg = call.removeprefix("model(x").removesuffix(")").removeprefix(", training=")
        model(x) if value[arg] == "absent" else model(x, training=value[arg])
    elif call.startswith("tf.function"):
        if "step" not in state:
            training = call.endswith("True")
            state["step"] = tf.function(lambda t: model(t, training=training))
        state["step"](x)
    elif call == "export, serve":
        if "served" not in state:
            state["served"], state["copies"] = _export(model)
        state["served"].serve(x)
    else:
        if call in ("predict", "predict_on_batch"):
            pass
        elif not getattr(model, "optimizer", None) or "compiled" not in state:
            model.compile(optimizer="sgd", loss="mse", **JIT)
            state["compiled"] = True
        if call == "fit" or call.startswith("train_step"):
            model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
        elif call == "train_on_batch":
            model.train_on_batch(x, y)
        elif call == "evaluate" or call.startswith("test_step"):
            model.evaluate(x, y, batch_size=len(x), verbose=0)
        elif call == "test_on_batch":
            model.test_on_batch(x, y)
        elif call == "predict":
            model.predict(x, batch_size=len(x), verbose=0)
        else:
            model.predict_on_batch(x)


JIT = {"jit_compile": False}  # XLA changes no mode, only the time it takes


def _export(model):
    """Export and reload the model; find each variable's loaded copy by a value
    written before saving (the flavours save the variables in different orders)."""
    kept = [v.numpy() for v in model.variables]
    for i, v in enumerate(model.variables):
        v.assign(tf.cast(tf.fill(v.shape, i + 1), v.dtype))
    folder = tempfile.mkdtemp()
    with contextlib.redirect_stdout(io.StringIO()):  # tf_keras lists endpoints
        model.export(folder)
    served = tf.saved_model.load(folder)
    found = {
        int(np.ravel(c.numpy())[0]) - 1: c
        for c in served.variables
        if c.shape.num_elements()
    }
    copies = {}
    for i, (v, value) in enumerate(zip(model.variables, kept)):
        v.assign(value)
        if i in found:
            found[i].assign(value)
            copies[id(v)] = found[i]
    return served, copies


def _variables(model, layer, state):
    """The layer's `seen` flag and moving mean, as the run sees them: the loaded
    copies for an export."""
    own = [layer.seen] + ([layer.moving_mean] if hasattr(layer, "moving_mean") else [])
    if "served" not in state:
        return own
    return [state["copies"][id(v)] for v in own]


def cell(call, style, front_name):
    """What each observed layer did for one cell: {layer: label}."""
    tf.keras.utils.set_random_seed(0)
    step = call if call.startswith(("train_step", "test_step")) else ""
    model, observed = build(style, front_name, step)
    x = np.random.default_rng(0).normal(3.0, 1.0, (8, 6, 6, 1)).astype("float32")
    y = np.zeros((8, 2), "float32")
    state = {}
    run_once(model, call, x, y, state)  # first trace, compile or export
    observed["bn_frozen_late"].trainable = False  # changed after it, not recompiled
    before = {}
    for name, layer in observed.items():
        values = _variables(model, layer, state)
        values[0].assign(0.0)
        before[name] = [v.numpy().copy() for v in values[1:]]
    run_once(model, call, x, y, state)
    found = {}
    for name, layer in observed.items():
        seen, *moving = _variables(model, layer, state)
        active = bool(seen.numpy() > 0)
        if name in BN_LIKE:
            moved = not np.allclose(
                moving[0].numpy(), before[name][0], rtol=0, atol=1e-4
            )
            found[name] = {
                (True, True): "trains",
                (False, False): "inference",
                (True, False): "batch statistics, no update",
                (False, True): "updates, inference output",
            }[(active, moved)]
        else:
            found[name] = "active" if active else "idle"
    return found
