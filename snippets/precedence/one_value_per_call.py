"""Keras 3 keeps one `training` value for a whole model call: every layer call, at any
depth, stores the value it resolved, and a later layer given no value reads the last
one stored. Keras 2 hands each layer the value of the call that encloses it."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
x = np.ones((1, 1000), dtype="float32")


class Probe(layers.Layer):
    """Passes its input through and remembers the `training` value its call received."""

    def call(self, inputs, training=None):
        self.received = training
        return inputs


class DefaultsToTrain(Probe):
    def call(self, inputs, training=True):  # a call default of True
        self.received = training
        return inputs


class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.pinned = Probe()

    def call(self, inputs):
        return self.pinned(inputs, training=False)  # an explicit value, one level down


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
        h = self.drop(self.first(inputs), training=None)  # an explicit None
        return self.after(h)


class DefaultInside(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first, self.drop = DefaultsToTrain(), layers.Dropout(0.5)

    def call(self, inputs):  # passes no value on
        return self.drop(self.first(inputs))


def about_half(out):
    return bool(0.4 < np.mean(out.numpy() == 0.0) < 0.6)


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
model = PinnedInside()
model(x, training=True)
got = (model.first.received, model.block.pinned.received, model.after.received)
print("PinnedInside, model(x, training=True); `training` received by")
print(f"  the first layer {got[0]}, the pinned one {got[1]}, the next one {got[2]}")
assert got == (True, False, keras2), got

model = NoneInside()
half = about_half(model(x, training=True))
got = (model.first.received, model.after.received)
print("NoneInside, model(x, training=True); `training` received by")
print(f"  the first layer {got[0]}, the layer after the Dropout {got[1]}")
print(f"  Dropout(training=None) zeroed about half: {half}")
assert got == ((True, True) if keras2 else (True, None)) and half is keras2, got

model = DefaultInside()
half = about_half(model(x))
print("DefaultInside, model(x); `training` received by")
print(f"  the layer whose call defaults to True: {model.first.received}")
print(f"  Dropout after it zeroed about half: {half}")
assert model.first.received is True and half is not keras2
half = about_half(model(x, training=False))
print("DefaultInside, model(x, training=False); `training` received by")
print(f"  the layer whose call defaults to True: {model.first.received}")
print(f"  Dropout after it zeroed about half: {half}")
assert model.first.received is False and not half
