#!/usr/bin/env python3
"""Writes <sample>.expected.json next to each sample folder: what Chroma's get() returns for every collection.

An independent reader (Python standard library only, not the Java importer's logic): SQL over the METADATA
segment tables for ids, documents, URIs and metadata; vectors from a from-scratch replay of embeddings_queue, or,
when index_metadata.pickle exists, from data_level0.bin slots found through the pickle's id_to_label (loaded with
Python's own pickle module) plus the queue rows after the vector segment's max_seq_id.

Run once from this folder: python3 make_expected.py
"""
import hashlib
import json
import os
import pickle
import sqlite3
import struct


def typed(value):
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, list):
        return ["list", [typed(v) for v in value]]
    raise TypeError(value)


def metadata_value(s, i, f, b):
    if s is not None:
        return s
    if i is not None:
        return int(i)
    if f is not None:
        return float(f)
    if b is not None:
        return bool(b)
    return None


def hnsw_vectors(folder, segment):
    seg = os.path.join(folder, segment)
    with open(os.path.join(seg, "index_metadata.pickle"), "rb") as f:
        meta = pickle.load(f)
    id_to_label = meta["id_to_label"] if isinstance(meta, dict) else meta.id_to_label
    header = open(os.path.join(seg, "header.bin"), "rb").read()
    (_, _, _, count, size, label_offset, data_offset) = struct.unpack_from("<iQQQQQQ", header, 0)
    dim = (label_offset - data_offset) // 4
    data = open(os.path.join(seg, "data_level0.bin"), "rb").read()
    by_label = {}
    for slot in range(count):
        base = slot * size
        (label,) = struct.unpack_from("<Q", data, base + label_offset)
        by_label[label] = struct.unpack_from("<%df" % dim, data, base + data_offset)
    return {rid: list(by_label[label]) for rid, label in id_to_label.items()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for sample in sorted(os.listdir(here)):
        folder = os.path.join(here, sample)
        if not os.path.isdir(folder):
            continue
        db = sqlite3.connect("file:" + os.path.join(folder, "chroma.sqlite3") + "?immutable=1", uri=True)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        cols = {r[1] for r in db.execute("PRAGMA table_info(embedding_metadata)")}
        bool_col = "bool_value" if "bool_value" in cols else "NULL"
        if "tenants" in tables:
            rows = db.execute("SELECT c.id, c.name, d.tenant_id, d.name FROM collections c"
                              " JOIN databases d ON d.id = c.database_id ORDER BY c.name").fetchall()
        else:
            rows = [(i, n, "default_tenant", "default_database")
                    for i, n in db.execute("SELECT id, name FROM collections ORDER BY name")]
        out = []
        for cid, name, tenant, database in rows:
            segs = dict(db.execute("SELECT scope, id FROM segments WHERE collection = ?", (cid,)).fetchall())
            meta_seg, vec_seg = segs.get("METADATA"), segs.get("VECTOR")
            vectors, after = {}, -1
            if vec_seg and os.path.exists(os.path.join(folder, vec_seg, "index_metadata.pickle")):
                vectors = hnsw_vectors(folder, vec_seg)
                after = db.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (vec_seg,)).fetchone()[0]
            for op, rid, blob in db.execute("SELECT operation, id, vector FROM embeddings_queue WHERE topic LIKE ?"
                                            " AND seq_id > ? ORDER BY seq_id", ("%" + cid, after)):
                vec = list(struct.unpack("<%df" % (len(blob) // 4), blob)) if blob else None
                if op == 0 and vec is not None and rid not in vectors:
                    vectors[rid] = vec
                elif op == 1 and vec is not None and rid in vectors:
                    vectors[rid] = vec
                elif op == 2 and vec is not None:
                    vectors[rid] = vec
                elif op == 3:
                    vectors.pop(rid, None)
            records = []
            for row_id, rid in db.execute("SELECT id, embedding_id FROM embeddings WHERE segment_id = ?"
                                          " ORDER BY embedding_id", (meta_seg,)):
                md = {}
                for key, s, i, f, b in db.execute("SELECT key, string_value, int_value, float_value, " + bool_col
                                                  + " FROM embedding_metadata WHERE id = ?", (row_id,)):
                    md[key] = metadata_value(s, i, f, b)
                doc = md.pop("chroma:document", None)
                uri = md.pop("chroma:uri", None)
                md = {k: v for k, v in md.items() if not k.startswith("chroma:")}
                vec = vectors.get(rid)
                records.append({
                    "id": rid,
                    "document": doc,
                    "uri": uri,
                    "metadata": {k: typed(v) for k, v in sorted(md.items())},
                    "dimension": len(vec) if vec else 0,
                    "embedding_sha256": hashlib.sha256(struct.pack("<%df" % len(vec), *vec)).hexdigest()
                    if vec else None,
                })
            out.append({"tenant": tenant, "database": database, "name": name, "records": records})
        with open(os.path.join(here, sample + ".expected.json"), "w") as f:
            json.dump({"collections": out}, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
