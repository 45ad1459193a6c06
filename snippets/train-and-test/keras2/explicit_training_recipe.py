"""training=True in the training step and model(x) when testing: BN and Dropout
switch correctly (Keras 3 and 2)."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y_train = rng.normal(size=(64, 1)).astype("float32")
x_test = rng.normal(loc=3.0, size=(16, 8)).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(8),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(1),
])
bn = model.layers[1]
optimizer = tf.keras.optimizers.SGD(0.01)

# Training: say so on every call.
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x_train, training=True) - y_train))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
moved_in_training = not np.allclose(bn.moving_mean.numpy(), 0.0)

# Testing: model(x) means training=None, i.e. inference
# (training=False says the same, explicitly).
before = bn.moving_mean.numpy().copy()
first, second = model(x_test).numpy(), model(x_test, training=False).numpy()
stayed_in_testing = np.allclose(before, bn.moving_mean.numpy())
deterministic = np.array_equal(first, second)  # Dropout off: the two test calls agree

keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
flavour = "Keras 2" if keras2 else "Keras 3"
print("tf.keras is", flavour)
print("BN moving stats moved with training=True:", moved_in_training)
print("BN moving stats stayed with model(x):", stayed_in_testing)
print("test predictions repeatable (Dropout off):", deterministic)
assert moved_in_training and stayed_in_testing and deterministic
