"""Keras 2 only: set_learning_phase(1) before the training calls and 0 before the test
calls switches BatchNormalization and Dropout."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y_train = rng.normal(size=(64, 1)).astype("float32")
x_test = rng.normal(loc=3.0, size=(16, 8)).astype("float32")


class CountingDropout(tf.keras.layers.Dropout):
    """Dropout that also stores the share of units it zeroed in its last call, so this
    script can check it. In your own model, use tf.keras.layers.Dropout."""

    def __init__(self, rate):
        super().__init__(rate)
        self.zeroed = tf.Variable(0.0, trainable=False)

    def call(self, inputs, training=None):
        outputs = super().call(inputs, training=training)
        kept = tf.math.count_nonzero(outputs, dtype=tf.float32)
        self.zeroed.assign(1.0 - kept / tf.math.count_nonzero(inputs, dtype=tf.float32))
        return outputs


bn, dropout = tf.keras.layers.BatchNormalization(), CountingDropout(0.5)
model = tf.keras.Sequential(
    [tf.keras.layers.Dense(8, input_shape=(8,)), bn, dropout, tf.keras.layers.Dense(1)]
)
optimizer = tf.keras.optimizers.SGD(0.01)

# Training: switch the global learning phase on, then call the model WITHOUT `training`.
tf.keras.backend.set_learning_phase(1)  # <- deprecated, prints a UserWarning on stderr
updated = dropped = 0
for _ in range(3):
    before = bn.moving_mean.numpy().copy()
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x_train) - y_train))  # <-
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    updated += not np.array_equal(before, bn.moving_mean.numpy())
    dropped += 0.3 < dropout.zeroed.numpy() < 0.7  # about half of the units

# Testing: switch the learning phase off, then call the model without `training` again.
tf.keras.backend.set_learning_phase(0)  # <-
before = bn.moving_mean.numpy().copy()
model(x_test)  # <-
untouched = np.array_equal(before, bn.moving_mean.numpy())
idle = dropout.zeroed.numpy() == 0.0

print(
    f"learning phase 1: BN updated {updated}/3 steps, "
    f"Dropout dropped about half {dropped}/3 steps"
)
print(f"learning phase 0: BN untouched {untouched}, Dropout dropped nothing {idle}")
assert updated == dropped == 3, "with learning phase 1, BN and Dropout should train"
assert untouched and idle, "with learning phase 0, BN and Dropout should infer"
