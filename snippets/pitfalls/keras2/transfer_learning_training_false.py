"""base(inputs, training=False) in a Functional model: kept by Keras 2, overridden by
Keras 3.15 once the base is unfrozen."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")

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
# meant: the base always runs in inference mode
features = base(inputs, training=False)
outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Dropout(0.2)(features))
model = tf.keras.Model(inputs, outputs)


def bn_stats_kept_by_training(steps=3):
    before = base.layers[1].moving_mean.numpy().copy()
    # a fresh optimizer per phase: the trainable set changes
    optimizer = tf.keras.optimizers.SGD(0.01)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return np.allclose(before, base.layers[1].moving_mean.numpy())


base.trainable = False  # 1. train the new head only
frozen_kept = bn_stats_kept_by_training()
base.trainable = True  # 2. fine-tune everything
unfrozen_kept = bn_stats_kept_by_training()

print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("base frozen:   BN moving stats kept:", frozen_kept)
print("base unfrozen: BN moving stats kept:", unfrozen_kept)
assert frozen_kept  # trainable=False alone guarantees this, on both
if keras2:
    assert unfrozen_kept
else:
    assert not unfrozen_kept, (
        "Keras 3 now keeps training=False in Functional models: revise the page"
    )
