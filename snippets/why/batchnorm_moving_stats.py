"""BatchNormalization updates moving_mean / moving_variance only when called
with training=True."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = rng.normal(loc=5.0, scale=2.0, size=(64, 3)).astype("float32")

bn = tf.keras.layers.BatchNormalization(momentum=0.9)
bn.build(batch.shape)


def moving_stats_moved(**call_kwargs):
    """Call the layer once; report whether its moving statistics changed."""
    before = [bn.moving_mean.numpy().copy(), bn.moving_variance.numpy().copy()]
    bn(batch, **call_kwargs)
    after = [bn.moving_mean.numpy(), bn.moving_variance.numpy()]
    return any(not np.allclose(b, a) for b, a in zip(before, after))


moved = {
    "bn(batch)": moving_stats_moved(),
    "bn(batch, training=False)": moving_stats_moved(training=False),
    "bn(batch, training=True)": moving_stats_moved(training=True),
}
for call, changed in moved.items():
    print(f"{call:<27} moving statistics changed: {changed}")

# Only the training=True call moves the statistics:
# 0.9 * 0 + 0.1 * batch mean (about 5).
assert moved == {
    "bn(batch)": False,
    "bn(batch, training=False)": False,
    "bn(batch, training=True)": True,
}
print("moving_mean after one training step:", np.round(bn.moving_mean.numpy(), 2))
