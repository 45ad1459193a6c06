"""Monte Carlo dropout with model(x, training=True) also trains BatchNormalization:
its moving statistics follow the prediction data and its output depends on the batch."""

import numpy as np
import tensorflow as tf
from watched_bn import WatchedBN, used_moving_statistics

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
rng = np.random.default_rng(0)
train_x = rng.normal(5.0, 2.0, (256, 8)).astype("float32")
train_y = train_x.sum(axis=1, keepdims=True)
new_x = rng.normal(8.0, 2.0, (16, 8)).astype("float32")  # the data to predict
other_x = new_x.copy()
other_x[1:] = rng.normal(2.0, 2.0, (15, 8))  # same first row, different other rows


hidden = [layers.Dense(16, activation="relu"), WatchedBN(), layers.Dropout(0.3)]
model = tf.keras.Sequential([tf.keras.Input((8,)), *hidden, layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train_x, train_y, epochs=2, verbose=0)
bn = model.layers[1]
trained_mean = bn.moving_mean.numpy().copy()


def mc_predict(batch, passes=20):
    """Monte Carlo dropout the usual way: the whole model in training mode."""
    return np.stack([model(batch, training=True).numpy() for _ in range(passes)])  # <-


samples = mc_predict(new_x)  # <-
vary = bool(np.all(samples.std(axis=0) > 0))
moved = not np.allclose(trained_mean, bn.moving_mean.numpy())
moving_used = used_moving_statistics(bn)
first_row = bn.seen[1].numpy()[0]
mc_predict(other_x)  # <-
depends_on_batch = not np.allclose(first_row, bn.seen[1].numpy()[0])

print("tf.keras is", flavour)
print("predictions vary from pass to pass:", vary)
print("BN moving statistics changed by predicting:", moved)
print("BN normalised with its moving statistics:", moving_used)
print("BN output for the same row changes with the other rows:", depends_on_batch)
assert vary, "Dropout should be active in every pass"
assert moved, "training=True makes BN update its moving statistics"
assert not moving_used, "training=True makes BN use the batch statistics"
assert depends_on_batch, "with batch statistics, a row depends on the other rows"
