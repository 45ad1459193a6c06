"""The keras.io transfer-learning recipe under fit: the build-time training=False that
keeps the unfrozen base's BatchNormalization idle also silences the head's Dropout."""

import numpy as np
import tensorflow as tf
from probes import ZeroShare, moved

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")

base = tf.keras.Sequential(  # stands in for a pretrained base
    [tf.keras.Input(shape=(8,)), layers.Dense(8), layers.BatchNormalization()]
)
inputs = tf.keras.Input(shape=(8,))
features = base(inputs, training=False)  # <- flip-safe: 3.15.1 lets fit replace it
probe = ZeroShare()  # counts what the head's Dropout zeroed
outputs = layers.Dense(1)(probe(layers.Dropout(0.5)(features)))  # <-
model = tf.keras.Model(inputs, outputs)

seen = {}
for phase, trainable in (("1. head only", False), ("2. fine-tune", True)):
    base.trainable = trainable  # <-
    model.compile(optimizer="sgd", loss="mse")  # after changing trainable
    probe.reset()
    before = base.layers[1].moving_mean.numpy().copy()
    model.fit(x, y, batch_size=16, verbose=0)  # <-
    trained, zeroed = seen[phase] = moved(base.layers[1], before), probe.zeroed()
    print(f"{phase}: base BN trained {trained!s:<5} head Dropout zeroed {zeroed}")

kept = not seen["2. fine-tune"][0]  # did the unfrozen base keep training=False?
print("the build-time training=False protects the unfrozen base:", kept)
head = "none" if kept else "about half"  # where it is kept, it reaches the head too
assert seen == {"1. head only": (False, head), "2. fine-tune": (not kept, head)}
