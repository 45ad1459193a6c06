"""Keras 2 only: set_learning_phase(1) before training calls and 0 before test calls
switches BN and Dropout."""
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y_train = rng.normal(size=(64, 1)).astype("float32")
x_test = rng.normal(loc=3.0, size=(16, 8)).astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Dense(8, input_shape=(8,)),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(1),
])
bn = model.layers[1]
optimizer = tf.keras.optimizers.SGD(0.01)

# Training: switch the global learning phase on, then call the model WITHOUT `training`.
tf.keras.backend.set_learning_phase(1)  # deprecated, prints a UserWarning on stderr
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x_train) - y_train))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
moved_in_training = not np.allclose(bn.moving_mean.numpy(), 0.0)

# Testing: switch the learning phase off, then call the model without `training` again.
tf.keras.backend.set_learning_phase(0)
before = bn.moving_mean.numpy().copy()
first, second = model(x_test).numpy(), model(x_test).numpy()
stayed_in_testing = np.allclose(before, bn.moving_mean.numpy())
deterministic = np.array_equal(first, second)  # Dropout off: two test calls agree

print("BN moving stats moved while learning phase = 1:", moved_in_training)
print("BN moving stats stayed while learning phase = 0:", stayed_in_testing)
print("test predictions repeatable (Dropout off):", deterministic)
assert moved_in_training and stayed_in_testing and deterministic
