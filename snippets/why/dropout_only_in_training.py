"""Dropout zeroes units, and scales the survivors by 1 / (1 - rate), only when called with training=True."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rate = 0.5
ones = np.ones((1, 1000), dtype="float32")
dropout = tf.keras.layers.Dropout(rate)

for label, kwargs in [("dropout(x)", {}), ("dropout(x, training=False)", {"training": False}),
                      ("dropout(x, training=True)", {"training": True})]:
    y = dropout(ones, **kwargs).numpy()
    dropped = float(np.mean(y == 0.0))
    kept_values = sorted({round(float(v), 3) for v in y[y != 0.0]})
    print(f"{label:<26} share zeroed: {dropped:.2f}  surviving values: {kept_values}")
    if kwargs.get("training"):
        assert 0.4 < dropped < 0.6, dropped
        assert kept_values == [round(1 / (1 - rate), 3)], kept_values
    else:
        assert dropped == 0.0 and kept_values == [1.0], (dropped, kept_values)
