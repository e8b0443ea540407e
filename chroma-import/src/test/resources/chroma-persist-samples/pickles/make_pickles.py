#!/usr/bin/env python3
"""Writes persistent_data_protocol{2,4,5}.pickle: a PersistentData object as Chroma 0.4-0.6 pickle it
(pickle.dump(..., protocol)), from a stand-in class with Chroma's module and class name. Run from this folder."""
import pickle
import sys
import types

MODULE = "chromadb.segment.impl.vector.local_persistent_hnsw"


class PersistentData:
    def __init__(self, dimensionality, total_elements_added, id_to_label, label_to_id, id_to_seq_id):
        self.dimensionality = dimensionality
        self.total_elements_added = total_elements_added
        self.id_to_label = id_to_label
        self.label_to_id = label_to_id
        self.id_to_seq_id = id_to_seq_id


PersistentData.__module__ = MODULE
PersistentData.__qualname__ = "PersistentData"
parts = MODULE.split(".")
for i in range(1, len(parts) + 1):
    sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
for i in range(1, len(parts)):
    setattr(sys.modules[".".join(parts[:i])], parts[i], sys.modules[".".join(parts[:i + 1])])
sys.modules[MODULE].PersistentData = PersistentData

ids = ["id-%d" % i for i in range(300)] + ["\u00fc-\u00e9"]
labels = list(range(1, 301)) + [70000]
data = PersistentData(3, 70000, dict(zip(ids, labels)), dict(zip(labels, ids)),
                      {rid: 5 + i for i, rid in enumerate(ids)})
data.max_seq_id = 2 ** 40  # the legacy field of 0.4-0.5.5 pickles
for protocol in (2, 4, 5):
    with open("persistent_data_protocol%d.pickle" % protocol, "wb") as f:
        pickle.dump(data, f, protocol)
