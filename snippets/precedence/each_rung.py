"""Each rung of the precedence rule on its own: an explicit argument beats the enclosing
call, which beats the call default, which applies when nothing else is set; on Keras 2
the learning phase sits between the enclosing call and the call default."""

# Long because: it proves each rung of the order on its own, with recording layers and a
# model per rung: three rungs on both flavours and the learning-phase rung on Keras 2.

import warnings

import numpy as np
import tensorflow as tf
from recorders import Probe, Wrapper, show

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
warnings.filterwarnings("ignore", message=".*set_learning_phase.*deprecated")
x = np.zeros((2, 3), dtype="float32")


class DefaultsToTrain(Probe):
    def call(self, inputs, training=True):
        self.received = training
        return inputs


class DefaultsToInfer(Probe):
    def call(self, inputs, training=False):
        self.received = training
        return inputs


class Pinned(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.free, self.pinned_off, self.pinned_on = Probe(), Probe(), Probe()

    def call(self, inputs):
        h = self.free(inputs)  # no value of its own
        h = self.pinned_off(h, training=False)  # <-
        return self.pinned_on(h, training=True)


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("1. An explicit argument beats the enclosing call")
model = Pinned()
model(x, training=True)
show("model(x, training=True): layer given no value", model.free.received, True)
show("model(x, training=True): layer pinned to False", model.pinned_off.received, False)
model(x, training=False)
show("model(x, training=False): layer given no value", model.free.received, False)
show("model(x, training=False): layer pinned to True", model.pinned_on.received, True)

print("2. The enclosing call beats the call default")
model = Wrapper(DefaultsToInfer())
model(x, training=True)  # <-
show("model(x, training=True): layer defaulting to False", model.inner.received, True)
model = Wrapper(DefaultsToTrain())
model(x, training=False)
show("model(x, training=False): layer defaulting to True", model.inner.received, False)

print("3. The call default applies when nothing else is set")
for layer_class, default in [(DefaultsToTrain, True), (DefaultsToInfer, False)]:
    layer, model = layer_class(), Wrapper(layer_class())
    layer(x)  # <-
    model(x)
    show(f"layer(x) on its own, defaulting to {default}", layer.received, default)
    show(f"inside model(x), defaulting to {default}", model.inner.received, default)

if keras2:  # the learning phase exists on Keras 2 only
    print("Keras 2: the enclosing call beats the phase, which beats the call default")
    for phase, layer_class in [(1, DefaultsToInfer), (0, DefaultsToTrain)]:
        tf.keras.backend.set_learning_phase(phase)  # <-
        layer, model = layer_class(), Wrapper(layer_class())
        layer(x)
        outer = phase == 0  # the model call contradicts the phase
        model(x, training=outer)
        what = f"phase {phase}: layer(x) on its own, defaulting to {phase == 0}"
        show(what, layer.received, phase == 1)
        what = f"phase {phase}: inside model(x, training={outer})"
        show(what, model.inner.received, outer)
