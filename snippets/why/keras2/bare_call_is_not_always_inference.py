"""A bare model(x) is not always inference: behind a RandomFlip it flips the images on
both flavours; on Keras 3 a RandomFlip, Resizing or CenterCrop in front (the last two
never change the images between modes) also puts the later layers in training mode."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it runs three front layers against four calls and checks each of the
# twelve rows against both flavours' expected tables, which is the claim.

import numpy as np
import tensorflow as tf

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
flavour = "keras2" if keras2 else "keras3"
layers = tf.keras.layers
tf.keras.utils.set_random_seed(0)
images = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")


class Spy(layers.Layer):
    """Passes its input on; notes the `training` value it got and, in a variable,
    whether its input differs from `reference` (the front layer in inference mode)."""

    def __init__(self, reference):
        super().__init__()
        self.reference = reference
        self.changed = tf.Variable(False, trainable=False)

    def call(self, inputs, training=None):
        self.training_seen = training
        self.changed.assign(tf.reduce_any(inputs != self.reference))
        return inputs


FRONTS = {
    "RandomFlip": lambda: layers.RandomFlip("horizontal"),
    "Resizing": lambda: layers.Resizing(6, 6),
    "CenterCrop": lambda: layers.CenterCrop(6, 6),
}
CALLS = {
    "model(x, training=True)": lambda model: model(images, training=True),
    "model(x, training=False)": lambda model: model(images, training=False),  # <-
    "model.predict(x)": lambda model: model.predict(images, verbose=0),  # <-
    "model(x)": lambda model: model(images),  # <-
}

print(f"{'front':<11}{'call':<25} later get  images changed  BN updated")
seen = {}
for name, make_front in FRONTS.items():
    seen[name] = []
    for call, run in CALLS.items():
        front, bn = make_front(), layers.BatchNormalization()
        spy = Spy(reference=front(images, training=False))
        model = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), front, spy, bn])  # <-
        before = bn.moving_mean.numpy().copy()
        run(model)
        facts = (
            spy.training_seen,
            bool(spy.changed.numpy()),
            not np.array_equal(before, bn.moving_mean.numpy()),
        )
        print(f"{name:<11}{call:<25} {facts[0]!s:<10} {facts[1]!s:<15} {facts[2]}")
        seen[name].append(facts)
# per front layer, one row per call: (value later layers get, images changed by the
# front layer, BatchNormalization moving statistics updated)
FLIPS, TRAINS, INFERS = (True, True, True), (True, False, True), (False, False, False)
EXPECTED = {
    "keras3": {
        "RandomFlip": [FLIPS, INFERS, INFERS, FLIPS],
        "Resizing": [TRAINS, INFERS, INFERS, TRAINS],
        "CenterCrop": [TRAINS, INFERS, INFERS, TRAINS],
    },
    "keras2": {
        "RandomFlip": [FLIPS, INFERS, INFERS, (None, True, False)],
        "Resizing": [TRAINS, INFERS, INFERS, (None, False, False)],
        "CenterCrop": [TRAINS, INFERS, INFERS, (None, False, False)],
    },
}
assert seen == EXPECTED[flavour]
