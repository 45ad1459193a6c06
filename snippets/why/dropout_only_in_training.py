"""Dropout zeroes units, and scales the survivors by 1 / (1 - rate), only when
called with training=True."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rate = 0.5
ones = np.ones((1, 1000), dtype="float32")
dropout = tf.keras.layers.Dropout(rate)

# call -> (keyword arguments, whether Dropout should drop)
cases = {
    "dropout(x)": ({}, False),
    "dropout(x, training=False)": ({"training": False}, False),
    "dropout(x, training=True)": ({"training": True}, True),
}
for call, (kwargs, should_drop) in cases.items():
    y = dropout(ones, **kwargs).numpy()
    zeroed = float(np.mean(y == 0.0))
    survivors = sorted({round(float(v), 3) for v in y[y != 0.0]})
    print(f"{call:<26} share zeroed: {zeroed:.2f}  surviving values: {survivors}")
    if should_drop:
        assert 0.4 < zeroed < 0.6, (call, zeroed, survivors)
        assert survivors == [1 / (1 - rate)], (call, zeroed, survivors)
    else:
        assert zeroed == 0.0 and survivors == [1.0], (call, zeroed, survivors)
