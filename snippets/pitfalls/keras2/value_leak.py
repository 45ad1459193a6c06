"""Keras 3: an explicit `training` given to one inner call reaches every later layer
of the whole model call that gets no value of its own, across nesting levels and even
past an explicit training=False on the model (Keras 2: it does not)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: the leak shows only in a whole model: a pinned inner block between
# two layers, the same block in a Functional model, and a Monte Carlo dropout model,
# each called twice and observed, with what each flavour does kept after the lesson.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.random.default_rng(0).normal(loc=2.0, size=(64, 256)).astype("float32")


class PinnedBlock(layers.Layer):
    """An inner block that keeps its BatchNormalization in inference mode."""

    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()

    def call(self, inputs):
        return self.bn(inputs, training=False)  # <- pinned on purpose


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()  # before the block
        self.block = PinnedBlock()
        self.drop = layers.Dropout(0.5)  # after the block

    def call(self, inputs):  # no `training` parameter, nothing passed on
        return self.drop(self.block(self.bn(inputs)))  # <- Dropout gets nothing


class MCModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn_in = layers.BatchNormalization()  # before the Monte Carlo dropout
        self.mc = layers.Dropout(0.5)
        self.bn_out = layers.BatchNormalization()  # after it

    def call(self, inputs):  # no `training` parameter, nothing passed on
        h = self.mc(self.bn_in(inputs), training=True)  # dropout on, even at inference
        return self.bn_out(h)


def run(call, **bns):
    """Call twice; what happened: over a quarter of the outputs dropped to 0, the two
    outputs differ, each named BatchNormalization updated its moving mean."""
    before = {name: bn.moving_mean.numpy().copy() for name, bn in bns.items()}
    first, second = call().numpy(), call().numpy()
    facts = {"units dropped": bool(np.mean(first == 0.0) > 0.25)}
    facts["outputs differ"] = not np.allclose(first, second)
    for name, bn in bns.items():
        facts[f"{name} updated"] = not np.allclose(before[name], bn.moving_mean.numpy())
    return facts


classifier, mc_model = Classifier(), MCModel()
classifier(x[:1]), mc_model(x[:1])  # subclassed models create weights on a first call
inputs = tf.keras.Input(shape=(256,))  # the same block inside a Functional model
functional = tf.keras.Model(inputs, layers.Dropout(0.5)(PinnedBlock()(inputs)))
mc_bns = {
    "BN before the dropout": mc_model.bn_in,
    "BN after the dropout": mc_model.bn_out,
}
seen = {
    "classifier(x, training=True)": run(
        lambda: classifier(x, training=True),
        **{"BN before the block": classifier.bn, "pinned BN": classifier.block.bn},
    ),
    "Functional model(x, training=True)": run(lambda: functional(x, training=True)),
    "mc_model(x)": run(lambda: mc_model(x), **mc_bns),
    "mc_model(x, training=False)": run(lambda: mc_model(x, training=False), **mc_bns),
}
EXPECTED = {  # each call, made twice: what it did, as (on Keras 3, on Keras 2)
    "classifier(x, training=True)": {
        "BN before the block updated": (True, True),
        "pinned BN updated": (False, False),
        "units dropped": (False, True),  # by the Dropout after the block
    },
    "Functional model(x, training=True)": {"units dropped": (True, True)},
    "mc_model(x)": {
        "outputs differ": (True, True),  # the Monte Carlo dropout is on
        "BN before the dropout updated": (False, False),
        "BN after the dropout updated": (True, False),
    },
}
EXPECTED["mc_model(x, training=False)"] = EXPECTED["mc_model(x)"]
print("tf.keras is", flavour)
column = 0 if flavour == "Keras 3" else 1
for call, expected in EXPECTED.items():
    print(f"{call}, twice:")
    for fact, both in expected.items():
        print(f"  {fact}: {seen[call][fact]}")
        assert seen[call][fact] == both[column], (call, fact)
