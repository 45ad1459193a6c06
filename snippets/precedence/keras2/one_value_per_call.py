"""Keras 3 keeps one `training` value for a whole model call: every layer call, at any
depth, stores the value it resolved, and a later layer given no value reads the last
one stored. Keras 2 hands each layer the value of the call that encloses it."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it needs one model per way a value reaches later layers (an explicit
# False one level down, an explicit None, a call default of True), each with recording
# layers around it, and the expected values on both flavours.

import numpy as np
import tensorflow as tf
from recorders import Probe, about_half

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.ones((1, 1000), dtype="float32")


class DefaultsToTrain(Probe):
    def call(self, inputs, training=True):  # <- a call default of True
        self.received = training
        return inputs


class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.pinned = Probe()

    def call(self, inputs):
        return self.pinned(inputs, training=False)  # <- explicit value, one level down


class PinnedInside(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first, self.block, self.after = Probe(), Block(), Probe()

    def call(self, inputs):  # passes no value on
        return self.after(self.block(self.first(inputs)))


class NoneInside(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first, self.drop, self.after = Probe(), layers.Dropout(0.5), Probe()

    def call(self, inputs):
        h = self.drop(self.first(inputs), training=None)  # <- an explicit None
        return self.after(h)


class DefaultInside(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first, self.drop = DefaultsToTrain(), layers.Dropout(0.5)

    def call(self, inputs):  # passes no value on
        return self.drop(self.first(inputs))


print("tf.keras is", flavour)
model = PinnedInside()
model(x, training=True)
got = (model.first.received, model.block.pinned.received, model.after.received)
print("PinnedInside, model(x, training=True); `training` received by")
print(f"  the first layer {got[0]}, the pinned one {got[1]}, the next one {got[2]}")
seen = {"PinnedInside": got}

model = NoneInside()
half = about_half(model(x, training=True))
got = (model.first.received, model.after.received)
print("NoneInside, model(x, training=True); `training` received by")
print(f"  the first layer {got[0]}, the layer after the Dropout {got[1]}")
print(f"  Dropout(training=None) zeroed about half: {half}")
seen["NoneInside"] = (*got, half)

model = DefaultInside()
half = about_half(model(x))  # <-
print("DefaultInside, model(x); `training` received by")
print(f"  the layer whose call defaults to True: {model.first.received}")
print(f"  Dropout after it zeroed about half: {half}")
seen["DefaultInside, model(x)"] = model.first.received, half
half = about_half(model(x, training=False))
print("DefaultInside, model(x, training=False); `training` received by")
print(f"  the layer whose call defaults to True: {model.first.received}")
print(f"  Dropout after it zeroed about half: {half}")
seen["DefaultInside, model(x, training=False)"] = model.first.received, half
EXPECTED = {  # per call: the `training` values received, whether Dropout dropped half
    "Keras 3": {
        "PinnedInside": (True, False, False),  # first, pinned, next
        "NoneInside": (True, None, False),  # first, after the Dropout; dropped
        "DefaultInside, model(x)": (True, True),  # defaulting to True; dropped
        "DefaultInside, model(x, training=False)": (False, False),
    },
    "Keras 2": {
        "PinnedInside": (True, False, True),
        "NoneInside": (True, True, True),
        "DefaultInside, model(x)": (True, False),
        "DefaultInside, model(x, training=False)": (False, False),
    },
}
assert seen == EXPECTED[flavour], seen
