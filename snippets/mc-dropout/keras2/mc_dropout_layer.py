"""A Dropout subclass whose call forces training=True gives Monte Carlo dropout on
both flavours while every BatchNormalization stays in inference mode, untouched."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from watched_bn import Subclassed, WatchedBN, bn_facts, functional

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
new_x = np.random.default_rng(0).normal(5.0, 2.0, (16, 8)).astype("float32")


class MCDropout(layers.Dropout):  # on whatever mode the model runs in: MC dropout
    def call(self, inputs, training=None):
        return super().call(inputs, training=True)  # <-


def mc_layers():  # BN before and after the Monte Carlo dropout
    hidden = [layers.Dense(16, activation="relu"), WatchedBN(), MCDropout(0.3)]
    return [*hidden, layers.Dense(16), WatchedBN(), layers.Dense(1)]


models = {
    "Sequential": tf.keras.Sequential([tf.keras.Input((8,)), *mc_layers()]),
    "Functional": functional(mc_layers(), (8,)),
    "subclassed": Subclassed(mc_layers()),  # hands `training` on: MCDropout ignores it
}
CALLS = {
    "model(x)": lambda model: model(new_x),  # <-
    "model(x, training=False)": lambda model: model(new_x, training=False),  # <-
    "model.predict(x)": lambda model: model.predict(new_x, verbose=0),  # <-
}
print("tf.keras is", flavour)
for style, model in models.items():
    model.run_eagerly = True  # so WatchedBN can show its values inside predict() too
    bns = [layer for layer in model.layers if isinstance(layer, WatchedBN)]
    print(style)
    for call, run in CALLS.items():
        vary = not np.allclose(run(model), run(model))
        untouched, moving_used = bn_facts(bns)  # a new BN's moving mean is 0
        print(
            f"  {call:<24} vary: {vary!s:<5} BN untouched: {untouched!s:<5} "
            f"BN used moving stats: {moving_used}"
        )
        assert vary, "MCDropout should drop units in every call"
        assert untouched, "predicting should not change the BN moving statistics"
        assert moving_used, "BN should normalise with its moving statistics"
