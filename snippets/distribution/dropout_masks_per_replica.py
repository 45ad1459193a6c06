"""Under MirroredStrategy, Keras 3's Dropout draws the same mask on every replica, in
a custom loop and under fit; tf_keras draws one per replica. A Dropout whose mask
comes from TensorFlow's own random ops draws one per replica on both flavours."""

import numpy as np
import tensorflow as tf
from replicas import distribute, local, recorder, strategy

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
x, y = np.ones((8, 64), "float32"), np.zeros((8, 1), "float32")
run = tf.function(strategy.run)  # each replica runs the step on its shard of x


class ReplicaDropout(tf.keras.layers.Dropout):
    """Dropout from an unseeded TensorFlow op: each replica's copy of the op draws."""

    def call(self, inputs, training=None):
        return tf.nn.dropout(inputs, self.rate) if training else inputs  # <-


seen = {}
for kind in (tf.keras.layers.Dropout, ReplicaDropout):
    with strategy.scope():
        dropout = kind(0.5)
    masks = run(lambda b: dropout(b, training=True), (distribute(x),))  # <-
    record, recorded = recorder((4, 64))
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((64,)), kind(0.5), record])
        model.add(tf.keras.layers.Dense(1))
        model.compile("sgd", "mse")
    model.fit(x, y, batch_size=8, verbose=0)  # <-
    runs = {"custom loop": local(masks), "fit": recorded()}
    for loop, (first, second) in runs.items():
        rows = {row.tobytes() for row in np.concatenate([first, second]) != 0}
        same = bool(np.array_equal(first != 0, second != 0))
        seen[kind.__name__, loop] = same, len(rows)
        print(
            f"{kind.__name__:<14} {loop:<11} same mask on both replicas: "
            f"{same!s:<5} distinct row masks: {len(rows)} of {len(x)}"
        )

EXPECTED = {  # per line printed: (same mask on both replicas, distinct row masks)
    "keras3": [(True, 4), (True, 4), (False, 8), (False, 8)],
    "keras2": [(False, 8), (False, 8), (False, 8), (False, 8)],
}
assert list(seen.values()) == EXPECTED["keras2" if keras2 else "keras3"], seen
