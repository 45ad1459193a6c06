"""The `training` default in the call() of built-in layers, and, on Keras 3, a
Functional model built from them keeps those defaults as explicit values."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it holds the two halves the section needs together: the declared default
# of every built-in layer class, then the same RandomFlip, BatchNormalization, Dropout
# stack called bare as a Functional model and as a subclass.

import inspect

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
NONE = "(no training parameter)"
expected = {  # layer: (Keras 3 default, Keras 2 default)
    "Dropout": (False, None),
    "GaussianNoise": (False, None),
    "LSTM": (False, None),
    "BatchNormalization": (None, None),
    "Dense": (None, NONE),
    "RandomFlip": (True, True),
    "Resizing": (True, NONE),
    "CenterCrop": (True, NONE),
    "Rescaling": (NONE, NONE),
}
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("default of `training` in call():")
for name, defaults in expected.items():
    parameter = inspect.signature(getattr(layers, name).call).parameters.get("training")
    default = NONE if parameter is None else parameter.default
    print(f"  {name:<19} {default}")
    assert default == defaults[keras2], (name, default)

defaults = {}  # every layer class in tf.keras.layers whose call() takes `training`
for name in dir(layers):
    cls = getattr(layers, name)
    if isinstance(cls, type) and issubclass(cls, layers.Layer):
        parameter = inspect.signature(cls.call).parameters.get("training")  # <-
        if parameter is not None:
            defaults[name] = parameter.default
randoms = [name for name in defaults if name.startswith("Random")]
drops = [name for name in defaults if "Dropout" in name or "Noise" in name]
random_defaults = {defaults[name] for name in randoms}
drop_defaults = {defaults[name] for name in drops}
print(f"  all {len(randoms)} Random* layers: {random_defaults}")
print(f"  all {len(drops)} *Dropout and *Noise layers: {drop_defaults}")
assert random_defaults == {True}
assert drop_defaults == {None if keras2 else False}

# The same three layers as a Functional model and as a subclass, called bare.
images = np.random.default_rng(0).normal(loc=2.0, size=(16, 8, 8, 4)).astype("float32")
inputs = tf.keras.Input(shape=images.shape[1:])
h = layers.RandomFlip()(inputs)  # <-
h = layers.BatchNormalization()(h)
functional = tf.keras.Model(inputs, layers.Dropout(0.5)(h))


class Subclass(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flip = layers.RandomFlip()
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs):
        return self.drop(self.bn(self.flip(inputs)))  # <-


subclass = Subclass()
subclass(images[:1])  # a subclassed model creates its weights on the first call
print("model(images), no `training` anywhere, RandomFlip -> BN -> Dropout:")
results = []
for style, model in [("Functional", functional), ("Subclass", subclass)]:
    bn = next(lay for lay in model.layers if isinstance(lay, layers.BatchNormalization))
    before = bn.moving_mean.numpy().copy()
    out = model(images).numpy()  # <-
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    print(f"  {style:<10}  BN updated: {bn_updated!s:<5}  Dropout dropped: {dropped}")
    results.append((bn_updated, dropped))
EXPECTED = {  # (BN updated, Dropout dropped) for the Functional model, the subclass
    "Keras 3": [(True, False), (True, True)],  # RandomFlip stores True; the Functional
    "Keras 2": [(False, False), (False, False)],  # graph's Dropout keeps its own False
}
assert results == EXPECTED["Keras 2" if keras2 else "Keras 3"], results
