"""Fine-tuning fix for Keras 3 and 2: when unfreezing the base, keep its
BatchNormalization layers trainable=False."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")

# a small base standing in for a pretrained model
base = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(8,)),
        tf.keras.layers.Dense(8),
        tf.keras.layers.BatchNormalization(),
    ],
    name="base",
)
inputs = tf.keras.Input(shape=(8,))
features = base(inputs, training=False)
outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Dropout(0.2)(features))
model = tf.keras.Model(inputs, outputs)

base.trainable = True  # fine-tune the base...
for layer in base.layers:
    if isinstance(layer, tf.keras.layers.BatchNormalization):
        layer.trainable = False  # ...but not its BatchNormalization layers

bn, dense = base.layers[1], base.layers[0]
stats_before, kernel_before = bn.moving_mean.numpy().copy(), dense.kernel.numpy().copy()
optimizer = tf.keras.optimizers.SGD(0.01)
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

stats_kept = np.allclose(stats_before, bn.moving_mean.numpy())
kernel_trained = not np.allclose(kernel_before, dense.kernel.numpy())
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("base Dense kernel trained:", kernel_trained)
print("base BN moving stats kept:", stats_kept)
assert kernel_trained and stats_kept
