"""The cross-release grid's engine, run by tools/crossing.py inside a version column
(never imported by tools/): save every model of NAMES as a `.keras` file, or load such
files (or build the models fresh) and print, per model and MODE, what each kind of
layer did, as snippets/zoo/observe.py sees it from outside. One JSON line per fact."""

import json
import os
import zipfile

import models  # snippets/zoo/models.py, placed beside this file
import numpy as np
import observe  # snippets/zoo/observe.py
import tensorflow as tf
from grid import FRONTS, STYLES  # snippets/atlas/grid.py: the atlas's own axes

layers = tf.keras.layers
register = tf.keras.utils.register_keras_serializable
APPLICATION = "keras.applications.EfficientNetB0"
NAMES = (
    [f"{style}|{front}" for style in STYLES for front in FRONTS]
    + [f"zoo|{shape}" for shape in models.SHAPES]
    + [APPLICATION]
)
MODES = ("model(x, training=True)", "model(x, training=False)", "predict", "fit")


def chain(front):
    """The front layer, then BatchNormalization (trainable and frozen), Dropout, an
    augmenting layer and an LSTM with dropout, as in the atlas."""
    frozen = layers.BatchNormalization()
    frozen.trainable = False
    return {"nothing": [], "Resizing": [layers.Resizing(6, 6)]}.get(
        front, [layers.RandomFlip("horizontal")]
    ) + [
        layers.Flatten(),
        layers.Dense(16),
        layers.BatchNormalization(),
        frozen,
        layers.Dropout(0.5),
        layers.Reshape((4, 4, 1)),
        layers.RandomFlip("horizontal"),
        layers.Reshape((2, 8)),
        layers.LSTM(2, dropout=0.5, recurrent_dropout=0.5, unroll=True),
        layers.Dense(2),
    ]


def functional(items, training="absent"):
    inputs = h = tf.keras.Input((6, 6, 1))
    for layer in items:
        h = layer(h) if training == "absent" else layer(h, training=training)
    return tf.keras.Model(inputs, h)


@register(package="crossing")
class Chain(tf.keras.Model):
    """The subclassed styles: rebuilt from this code when loaded."""

    def __init__(self, style="subclass passing training", front="nothing", **kwargs):
        super().__init__(**kwargs)
        self.style, self.front = style, front
        self.chain = chain(front)
        if style == "Functional inside a subclass":
            self.inner = functional(self.chain)

    def get_config(self):
        return {"name": self.name, "style": self.style, "front": self.front}

    def call(self, x, training=None):
        if self.style == "Functional inside a subclass":
            return self.inner(x, training=training)
        pinned = self.chain[-8] if "pinning" in self.style else None  # the trainable BN
        for layer in self.chain:
            if layer is pinned:
                x = layer(x, training=False)
            elif self.style.endswith("the rest bare"):
                x = layer(x)
            else:
                x = layer(x, training=training)
        return x


@register(package="crossing")
class BareChain(Chain):
    def call(self, x):
        for layer in self.chain:
            x = layer(x)
        return x


@register(package="crossing")
class ChainBlock(layers.Layer):
    def __init__(self, front="nothing", **kwargs):
        super().__init__(**kwargs)
        self.front, self.chain = front, chain(front)

    def get_config(self):
        return {**super().get_config(), "front": self.front}

    def call(self, x, training=None):
        for layer in self.chain:
            x = layer(x, training=training)
        return x


def build(name):
    """A fresh model for one of NAMES, built by one call."""
    tf.keras.utils.set_random_seed(0)
    if name == APPLICATION:
        return tf.keras.applications.EfficientNetB0(
            weights=None, input_shape=(32, 32, 3), classes=3
        )
    if name.startswith("zoo|"):
        return models.build(name.partition("|")[2])
    style, front = name.split("|")
    if style == "Sequential":
        return tf.keras.Sequential([tf.keras.Input((6, 6, 1)), *chain(front)])
    if style == "Functional":
        return functional(chain(front))
    if style == "base(x, training=False)":
        items = chain(front)
        base, outer = functional(items[:-5]), tf.keras.Input((6, 6, 1))
        h = base(outer, training=False)
        for layer in items[-5:]:
            h = layer(h)
        return tf.keras.Model(outer, h)
    if style == "subclassed block inside Functional":
        inputs = tf.keras.Input((6, 6, 1))
        return tf.keras.Model(inputs, ChainBlock(front)(inputs))
    model = (BareChain if style == "subclass without training" else Chain)(style, front)
    model(np.zeros((1, 6, 6, 1), "float32"))
    return model


def batch(name):
    if name == APPLICATION:
        x = np.random.default_rng(0).uniform(0, 255, (8, 32, 32, 3))
        return x.astype("float32")
    if name.startswith("zoo|"):
        return models.make_batch(name.partition("|")[2])[0]
    return np.random.default_rng(0).normal(3.0, 1.0, (8, 6, 6, 1)).astype("float32")


def file_name(name):
    return "".join(c if c.isalnum() else "-" for c in name) + ".keras"


CUSTOM = {
    c.__name__: c
    for c in (Chain, BareChain, ChainBlock, models.Unit, models.PinnedUnit)
    + (models.Block, models.ResidualNet, models.MCDropout, models.FineTuner)
    + (models.CustomStepNet,)
}


def without_training(config):
    """The config with every `training` key removed from the calls it records."""
    if isinstance(config, list):
        return [without_training(v) for v in config]
    if not isinstance(config, dict):
        return config
    found = {k: without_training(v) for k, v in config.items()}
    if isinstance(found.get("kwargs"), dict):
        found["kwargs"] = {k: v for k, v in found["kwargs"].items() if k != "training"}
    return found


ROUTES = ("loaded", "rebuilt", "stripped")


def load(name, path, route):
    """The saved model: loaded as saved; rebuilt from this code and given the saved
    weights; or rebuilt from its config with the `training` keys taken out."""
    tf.keras.utils.set_random_seed(0)
    if route == "loaded":
        return tf.keras.models.load_model(path, custom_objects=CUSTOM, compile=False)
    if route == "rebuilt":
        model = build(name)
    else:
        with zipfile.ZipFile(path) as archive:
            config = without_training(json.loads(archive.read("config.json")))
        text = json.dumps(config)
        model = tf.keras.models.model_from_json(text, custom_objects=CUSTOM)
    model.load_weights(path)
    return model


def modes(model, x):
    """{mode: {kind: cell}} for the modes run in turn on one model."""
    y = np.zeros_like(model(x[:1], training=False))  # flip-safe: only the shape
    y = np.repeat(y, len(x), axis=0)
    runs = {
        MODES[0]: lambda: model(x, training=True),
        MODES[1]: lambda: model(x, training=False),
        MODES[2]: lambda: model.predict(x, batch_size=len(x), verbose=0),
        MODES[3]: lambda: model.fit(x, y, batch_size=len(x), epochs=1, verbose=0),
    }
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    found = {}
    for mode, run in runs.items():
        facts = observe.record(model, run)
        found[mode] = {k: observe.cell(v) for k, v in sorted(facts.items())}
    return found


def _error(exc):
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:160]}"


def save_all(folder, names):
    os.makedirs(folder, exist_ok=True)
    for name in names:
        path = os.path.join(folder, file_name(name))
        try:
            build(name).save(path)
            print(json.dumps({"model": name, "saved": True}), flush=True)
        except Exception as exc:  # what this release cannot save is a fact
            if os.path.exists(path):
                os.remove(path)
            print(json.dumps({"model": name, "error": _error(exc)}), flush=True)


def observe_all(folder, names, route="loaded"):
    """Each model built here (folder None) or taken from folder by route: its modes."""
    for name in names:
        path = folder and os.path.join(folder, file_name(name))
        if path and not os.path.isfile(path):
            continue  # not saved there: the save's line says why
        try:
            model = build(name) if path is None else load(name, path, route)
            found = {"modes": modes(model, batch(name))}
        except Exception as exc:  # a file this release cannot load is a fact
            found = {"error": _error(exc)}
        print(json.dumps({"model": name, **found}), flush=True)
