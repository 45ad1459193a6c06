"""Keras 3: a `call(self, inputs, **kwargs)` declares no `training` parameter, so
`training` never arrives in kwargs, of a layer or of a model; your own
`model(x, training=True)` still trains its layers, but fit calls such a model bare:
BatchNormalization and Dropout stay idle (Keras 2 passes the value in kwargs)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: the claim has a layer half and a model half, and the model half needs
# both runs (your own step, fit) on both ways of writing `call`, plus the layer that
# reads Dropout inside fit.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (32, 8)).astype("float32")
y = np.zeros((32, 1), "float32")


class Zeros(layers.Layer):
    """Passes its input on; keeps the share of zeros in it (read inside fit too)."""

    def build(self, input_shape):
        self.share = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, inputs):
        self.share.assign(tf.reduce_mean(tf.cast(tf.equal(inputs, 0.0), "float32")))
        return inputs


class ForwardsKwargs(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn, self.drop = layers.BatchNormalization(), layers.Dropout(0.5)
        self.zeros, self.head = Zeros(), layers.Dense(1)
        self.saw_training = tf.Variable(False)  # did `training` arrive in kwargs?

    def call(self, inputs, **kwargs):  # <- the Keras 2 habit
        self.saw_training.assign("training" in kwargs)
        h = self.drop(self.bn(inputs, **kwargs), **kwargs)  # <- forwards kwargs
        return self.head(self.zeros(h))


class TakesTraining(ForwardsKwargs):
    def call(self, inputs, training=None):  # the subclass rule
        self.saw_training.assign(training is not None)
        h = self.drop(self.bn(inputs, training=training), training=training)
        return self.head(self.zeros(h))


class KwargsLayer(layers.Layer):
    def __init__(self):
        super().__init__()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs, **kwargs):  # a layer written the same way
        self.received = kwargs.get("training", "nothing")
        return self.drop(inputs, **kwargs)


def own_loop(model):
    model(x, training=True)  # your own training step


def fit(model):
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=32, verbose=0)  # <- passes training=True, if it can


print("tf.keras is", flavour)
layer = KwargsLayer()
dropped = bool(np.mean(layer(x, training=True).numpy() == 0.0) > 0.3)  # <-
print(f"KwargsLayer(x, training=True): training in kwargs: {layer.received}; its")
print(f"  Dropout, given **kwargs, dropped about half: {dropped}")
seen = {"KwargsLayer": (layer.received, dropped)}
for model_class in (ForwardsKwargs, TakesTraining):
    for run in (own_loop, fit):
        model = model_class()  # a fresh model for each run
        run(model)
        facts = (
            bool(model.saw_training.numpy()),
            bool(np.any(model.bn.moving_mean.numpy() != 0.0)),  # a new BN starts at 0
            0.3 < float(model.zeros.share.numpy()) < 0.7,  # about half dropped
        )
        print(
            f"{model_class.__name__:<15} {run.__name__:<9} training arrived: "
            f"{facts[0]!s:<5} BN trained: {facts[1]!s:<5} Dropout dropped: {facts[2]}"
        )
        seen[model_class.__name__, run.__name__] = facts
T, N = (True,) * 3, (False,) * 3
EXPECTED = {  # under each run: (training arrived, BN trained, Dropout dropped)
    "Keras 3": {
        "KwargsLayer": ("nothing", True),  # the layer call sets it for the Dropout
        ("ForwardsKwargs", "own_loop"): (False, True, True),  # the call sets it anyway
        ("ForwardsKwargs", "fit"): N,  # fit calls the model bare
    },
    "Keras 2": {"KwargsLayer": (True, True), ("ForwardsKwargs", "own_loop"): T},
}
EXPECTED["Keras 2"][("ForwardsKwargs", "fit")] = T
for expected in EXPECTED.values():
    expected.update({("TakesTraining", "own_loop"): T, ("TakesTraining", "fit"): T})
assert seen == EXPECTED[flavour], seen
