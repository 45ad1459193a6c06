"""Under MirroredStrategy, BatchNormalization normalises each replica's shard with its
own statistics and each replica keeps its own moving statistics, so predict depends
on the replica; BatchNormalization(synchronized=True) uses the global batch's."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from replicas import local, recorder, strategy

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
rng = np.random.default_rng(0)  # replica 0 gets rows around 0, replica 1 around 5
x = np.concatenate([rng.normal(0, 1, (4, 3)), rng.normal(5, 2, (4, 3))]).astype("f4")
y, shards = np.zeros((8, 3), "float32"), (x[:4], x[4:])
own = np.concatenate([(s - s.mean(0)) / np.sqrt(s.var(0) + 1e-3) for s in shards])
whole = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)  # own: per shard; whole: global
seen = []
for synchronized in (False, True):  # <-
    record, outputs = recorder((4, 3))
    with strategy.scope():  # momentum=0: the moving statistics are the last batch's
        bn = tf.keras.layers.BatchNormalization(momentum=0.0, synchronized=synchronized)
        model = tf.keras.Sequential([tf.keras.Input((3,)), bn, record])
        model.compile("sgd", "mse")
    model.fit(x, y, batch_size=8, shuffle=False, verbose=0)  # <- rows stay in order
    out, read = np.concatenate(outputs()), np.asarray(bn.moving_mean)  # read outside
    predicted = model.predict(np.ones((8, 3)), verbose=0)  # <- one half on each replica
    facts = {
        "shards normalised with own statistics": np.allclose(out, own, atol=1e-4),
        "same batch statistics on every replica": np.allclose(out, whole, atol=1e-4),
        "moving mean equal on every replica": np.allclose(*local(bn.moving_mean)),
        "moving mean read = global batch mean": np.allclose(read, x.mean(0), atol=1e-4),
        "moving mean read = replica 0's shard mean": np.allclose(
            read, x[:4].mean(0), 1e-4
        ),
        "predict: equal rows agree": np.allclose(*np.split(predicted, 2), atol=1e-5),
    }
    seen.append(list(facts.values()))
    print(f"BatchNormalization(synchronized={synchronized}):")
    for fact, value in facts.items():
        print(f"  {fact}: {value}")
experimental = getattr(tf.keras.layers, "experimental", None)
sync_layer = hasattr(experimental, "SyncBatchNormalization")
print("tf.keras.layers.experimental.SyncBatchNormalization exists:", sync_layer)

EXPECTED = {  # the facts in order (1: True), per-replica BN then synchronized BN
    "keras3": [[1, 0, 0, 0, 1, 0], [0, 1, 1, 1, 0, 1]],
    "keras2": [[1, 0, 0, 1, 0, 0], [0, 1, 1, 1, 0, 1]],
}
assert seen == EXPECTED["keras2" if keras2 else "keras3"], seen
assert sync_layer == keras2, "only tf_keras keeps the experimental layer"
