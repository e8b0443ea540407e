package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Include;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared test helpers: reading a chromaj collection back, comparing records, hashing folders. */
final class ImportChecks {

    private ImportChecks() {}

    /** Every record of a chromaj collection, by id. */
    static Map<String, IndependentChromaRead.Rec> readBack(ChromaCollection collection) {
        GetResult r = collection.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS, Include.URIS)
                .build());
        Map<String, IndependentChromaRead.Rec> out = new TreeMap<>();
        for (int i = 0; i < r.size(); i++) {
            Map<String, Object> m = r.metadatas().get(i);
            out.put(
                    r.ids().get(i),
                    new IndependentChromaRead.Rec(
                            r.ids().get(i),
                            r.documents().get(i),
                            r.uris().get(i),
                            m == null ? Map.of() : m,
                            r.embeddings().get(i)));
        }
        return out;
    }

    /** The records of a collection in a client, looked up by tenant, database and name. */
    static Map<String, IndependentChromaRead.Rec> readBack(
            ChromaClient client, String tenant, String database, String name) {
        return readBack(client.database(tenant, database).getCollection(name));
    }

    /**
     * Asserts that two record sets are the same: ids, documents, URIs, metadata (value types included) and
     * embeddings (exactly, or within {@code relTolerance} relative per component when positive).
     */
    static void assertSameRecords(
            Map<String, IndependentChromaRead.Rec> expected,
            Map<String, IndependentChromaRead.Rec> actual,
            double relTolerance,
            String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": ids");
        for (IndependentChromaRead.Rec e : expected.values()) {
            IndependentChromaRead.Rec a = actual.get(e.id());
            String ctx = what + ", record '" + e.id() + "'";
            assertEquals(e.document(), a.document(), ctx + ": document");
            assertEquals(e.uri(), a.uri(), ctx + ": uri");
            assertEquals(typed(e.metadata()), typed(a.metadata()), ctx + ": metadata (with value types)");
            if (e.embedding() == null) {
                assertEquals(null, a.embedding(), ctx + ": embedding");
                continue;
            }
            assertNotNull(a.embedding(), ctx + ": embedding");
            assertEquals(e.embedding().length, a.embedding().length, ctx + ": dimension");
            for (int i = 0; i < e.embedding().length; i++) {
                float x = e.embedding()[i];
                float y = a.embedding()[i];
                if (relTolerance <= 0) {
                    if (Float.floatToIntBits(x) != Float.floatToIntBits(y)) {
                        fail(ctx + ": embedding[" + i + "] " + y + " != " + x);
                    }
                } else {
                    double scale = Math.max(Math.abs(x), 1e-30);
                    assertTrue(
                            Math.abs(x - y) <= relTolerance * scale, ctx + ": embedding[" + i + "] " + y + " vs " + x);
                }
            }
        }
    }

    /** Metadata as "type:value" strings so that 5 and 5.0 or "true" and true do not compare equal. */
    static Map<String, String> typed(Map<String, Object> metadata) {
        Map<String, String> out = new TreeMap<>();
        metadata.forEach((k, v) -> out.put(k, describe(v)));
        return out;
    }

    private static String describe(Object v) {
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("list[");
            for (Object o : list) {
                sb.append(describe(o)).append(',');
            }
            return sb.append(']').toString();
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    /** SHA-256 of every file under a folder, by relative path. */
    static Map<String, String> hashes(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(folder.relativize(p).toString(), sha256(p));
                } else if (Files.isDirectory(p)) {
                    out.put(folder.relativize(p) + "/", "dir");
                }
            }
        }
        return out;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a folder tree. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Counts records per collection name. */
    static Map<String, Integer> counts(List<IndependentChromaRead.Coll> collections) {
        Map<String, Integer> out = new HashMap<>();
        for (IndependentChromaRead.Coll c : collections) {
            out.put(c.name(), c.records().size());
        }
        return out;
    }
}
