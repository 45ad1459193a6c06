"""Keras 2 only: the old way. set_learning_phase(1) before training and
set_learning_phase(0) before predicting; the model itself is called without
`training`."""

import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
images = rng.normal(size=(8, 8, 8, 3)).astype("float32")
targets = rng.normal(size=(8, 1)).astype("float32")

model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=images.shape[1:]),
        tf.keras.layers.Conv2D(16, 3),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(1),
    ]
)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
loss_fn = tf.keras.losses.MeanSquaredError()
bn = model.layers[1]


def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


def predict(x):
    return model(x)


start = bn.moving_mean.numpy().copy()
tf.keras.backend.set_learning_phase(1)  # deprecated; gone in Keras 3
for _ in range(3):
    train_step(images, targets)
after_training = bn.moving_mean.numpy().copy()
tf.keras.backend.set_learning_phase(0)
first, second = predict(images).numpy(), predict(images).numpy()

checks = {
    "training steps updated the BN moving mean": not np.allclose(start, after_training),
    "predicting left the BN moving mean alone": np.allclose(
        after_training, bn.moving_mean.numpy()
    ),
    "two predictions are identical (no dropout)": np.allclose(first, second),
}
for check, ok in checks.items():
    print(f"{check:<44} {ok}")
assert all(checks.values()), checks
