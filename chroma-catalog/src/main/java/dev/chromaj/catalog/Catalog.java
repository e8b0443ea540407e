package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite catalog of a chromaj folder ({@code <folder>/chroma.sqlite3}): tenants, databases, collections with
 * their current version and compacted log position, and the committed versions. It holds no collection data.
 *
 * <p>{@link #open} migrates the schema forward and takes the folder's exclusive lock ({@code chroma.lock}): a
 * second writer, in another process or this one, fails at once with {@link CatalogLockedException}. The default
 * tenant {@value #DEFAULT_TENANT} and database {@value #DEFAULT_DATABASE} always exist.
 *
 * <p>Thread-safe. Reads run concurrently with each other and with the single writer (WAL journal mode); every
 * change, single- or multi-row, is one transaction. Failures are {@link CatalogException}s; a failed change
 * changes nothing.
 */
@Internal
public final class Catalog implements AutoCloseable {
    /** The catalog's file name inside the folder. */
    public static final String FILE_NAME = "chroma.sqlite3";

    public static final String DEFAULT_TENANT = "default_tenant";
    public static final String DEFAULT_DATABASE = "default_database";

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    private static final String COLLECTION_COLUMNS =
            "id, tenant, database, name, metadata_json, options_json, dimension, version, log_position";

    private final Path folder;
    private final FolderLock lock;
    private final SqliteConnections db;
    private final boolean created;

    private Catalog(Path folder, FolderLock lock, SqliteConnections db, boolean created) {
        this.folder = folder;
        this.lock = lock;
        this.db = db;
        this.created = created;
    }

    /**
     * Opens (creating when absent) the catalog of {@code folder} for reading and writing.
     *
     * @throws CatalogLockedException when another process or open catalog holds the folder
     */
    public static Catalog open(Path folder) {
        Objects.requireNonNull(folder, "folder");
        Path dir;
        try {
            dir = Files.createDirectories(folder).toRealPath();
        } catch (IOException e) {
            throw new CatalogException("Cannot create catalog folder " + folder + ": " + e, e);
        }
        FolderLock lock = FolderLock.acquire(dir);
        SqliteConnections db = null;
        try {
            boolean created = !Files.exists(dir.resolve(FILE_NAME));
            if (created) {
                deleteOrphanedJournal(dir);
            }
            db = new SqliteConnections(dir.resolve(FILE_NAME), false);
            int from = db.write(c -> {
                int found = SchemaMigrations.migrate(c);
                long now = System.currentTimeMillis();
                try (PreparedStatement t =
                                c.prepareStatement("INSERT OR IGNORE INTO tenants (name, created_at) VALUES (?, ?)");
                        PreparedStatement d = c.prepareStatement(
                                "INSERT OR IGNORE INTO databases (tenant, name, created_at) VALUES (?, ?, ?)")) {
                    t.setString(1, DEFAULT_TENANT);
                    t.setLong(2, now);
                    t.executeUpdate();
                    d.setString(1, DEFAULT_TENANT);
                    d.setString(2, DEFAULT_DATABASE);
                    d.setLong(3, now);
                    d.executeUpdate();
                }
                return found;
            });
            if (from != SchemaMigrations.latestVersion()) {
                LOG.info(
                        "Migrated catalog {} from schema version {} to {}",
                        dir.resolve(FILE_NAME),
                        from,
                        SchemaMigrations.latestVersion());
            }
            return new Catalog(dir, lock, db, created);
        } catch (SQLException | IOException | RuntimeException e) {
            closeAfterFailure(db, lock, e);
            if (e instanceof CatalogException ce) {
                throw ce;
            }
            throw new CatalogException("Cannot open catalog " + dir.resolve(FILE_NAME) + ": " + e, e);
        }
    }

    /**
     * Opens an existing catalog for reading only, without the folder lock (e.g. to inspect a folder another process
     * uses). Writes fail with {@link CatalogException}.
     */
    public static Catalog openReadOnly(Path folder) {
        Objects.requireNonNull(folder, "folder");
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new CatalogException("No catalog in " + folder + " (" + file + " does not exist)");
        }
        SqliteConnections db = null;
        try {
            db = new SqliteConnections(file, true);
            int version = db.read(SchemaMigrations::currentVersion);
            if (version != SchemaMigrations.latestVersion()) {
                throw new CatalogException("The catalog " + file + " has schema version " + version + ", this library "
                        + "reads " + SchemaMigrations.latestVersion()
                        + (version > SchemaMigrations.latestVersion()
                                ? "; upgrade chromaj"
                                : "; open it read-write once to migrate"));
            }
            return new Catalog(folder, null, db, false);
        } catch (SQLException | RuntimeException e) {
            closeAfterFailure(db, null, e);
            if (e instanceof CatalogException ce) {
                throw ce;
            }
            throw new CatalogException("Cannot open catalog " + file + " read-only: " + e, e);
        }
    }

    /** The folder this catalog belongs to. */
    public Path folder() {
        return folder;
    }

    /**
     * Whether {@link #open} created the catalog file: the folder had none (a new folder, or one whose catalog was
     * deleted), so everything it knows besides the default tenant and database has to come from elsewhere.
     */
    public boolean isNew() {
        return created;
    }

    /**
     * Deletes the write-ahead log and shared-memory files of a catalog file that no longer exists: SQLite would
     * replay them into the new, empty catalog of the same name and corrupt it.
     */
    private static void deleteOrphanedJournal(Path dir) throws IOException {
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            Path orphan = dir.resolve(FILE_NAME + suffix);
            if (Files.deleteIfExists(orphan)) {
                LOG.warn("Deleted {}: its catalog file {} no longer exists", orphan, dir.resolve(FILE_NAME));
            }
        }
    }

    // ---------------------------------------------------------------- tenants and databases

    /** Creates a tenant. @throws CatalogConflictException when it exists */
    public void createTenant(String name) {
        CollectionEntry.requireText(name, "tenant");
        write("create tenant " + name, c -> {
            if (tenantExists(c, name)) {
                throw new CatalogConflictException("Tenant " + name + " already exists");
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tenants (name, created_at) VALUES (?, ?)")) {
                s.setString(1, name);
                s.setLong(2, System.currentTimeMillis());
                s.executeUpdate();
            }
            return null;
        });
    }

    public boolean tenantExists(String name) {
        return read("read tenant " + name, c -> tenantExists(c, name));
    }

    /**
     * Creates a database in a tenant.
     *
     * @throws CatalogNotFoundException when the tenant does not exist
     * @throws CatalogConflictException when the database exists
     */
    public void createDatabase(String tenant, String name) {
        CollectionEntry.requireText(tenant, "tenant");
        CollectionEntry.requireText(name, "database");
        write("create database " + tenant + "/" + name, c -> {
            if (!tenantExists(c, tenant)) {
                throw new CatalogNotFoundException("Tenant " + tenant + " does not exist");
            }
            if (databaseExists(c, tenant, name)) {
                throw new CatalogConflictException("Database " + name + " already exists for tenant " + tenant);
            }
            insertDatabase(c, tenant, name);
            return null;
        });
    }

    public boolean databaseExists(String tenant, String name) {
        return read("read database " + tenant + "/" + name, c -> databaseExists(c, tenant, name));
    }

    /** Every tenant name, in creation order. */
    public List<String> listTenants() {
        return read("list tenants", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name FROM tenants ORDER BY rowid")) {
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /** The tenant's database names in creation order. */
    public List<String> listDatabases(String tenant) {
        return read("list databases of " + tenant, c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT name FROM databases WHERE tenant = ? ORDER BY created_at, rowid")) {
                s.setString(1, tenant);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Deletes a database with its collections and their versions, in one transaction; returns the deleted
     * collections so the caller can delete their logs and data.
     *
     * @throws CatalogNotFoundException when the database does not exist
     */
    public List<CollectionEntry> deleteDatabase(String tenant, String name) {
        return write("delete database " + tenant + "/" + name, c -> {
            if (!databaseExists(c, tenant, name)) {
                throw new CatalogNotFoundException("Database " + name + " does not exist for tenant " + tenant);
            }
            List<CollectionEntry> doomed =
                    queryCollections(c, "WHERE tenant = ? AND database = ? ORDER BY seq", tenant, name);
            // collections and versions go with it (ON DELETE CASCADE)
            try (PreparedStatement s = c.prepareStatement("DELETE FROM databases WHERE tenant = ? AND name = ?")) {
                s.setString(1, tenant);
                s.setString(2, name);
                s.executeUpdate();
            }
            return doomed;
        });
    }

    // ---------------------------------------------------------------- collections

    /**
     * Registers a collection.
     *
     * @throws CatalogNotFoundException when its tenant or database does not exist
     * @throws CatalogConflictException when the name is taken in that database, or the id is taken
     */
    public void createCollection(CollectionEntry e) {
        Objects.requireNonNull(e, "collection");
        write("create collection " + e.name(), c -> {
            if (!databaseExists(c, e.tenant(), e.database())) {
                throw new CatalogNotFoundException(
                        "Database " + e.database() + " does not exist for tenant " + e.tenant());
            }
            if (findByName(c, e.tenant(), e.database(), e.name()).isPresent()) {
                throw new CatalogConflictException("Collection " + e.name() + " already exists in database "
                        + e.database() + " of tenant " + e.tenant());
            }
            if (findById(c, e.id()).isPresent()) {
                throw new CatalogConflictException("A collection with id " + e.id() + " already exists");
            }
            insertCollection(c, e);
            return null;
        });
    }

    public Optional<CollectionEntry> getCollection(String tenant, String database, String name) {
        return read("read collection " + name, c -> findByName(c, tenant, database, name));
    }

    public Optional<CollectionEntry> getCollection(UUID id) {
        Objects.requireNonNull(id, "id");
        return read("read collection " + id, c -> findById(c, id));
    }

    /** A page of the database's collections in creation order; {@code limit} ≥ 0, {@code offset} ≥ 0. */
    public List<CollectionEntry> listCollections(String tenant, String database, int limit, int offset) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        return read(
                "list collections of " + tenant + "/" + database,
                c -> queryCollections(
                        c,
                        "WHERE tenant = ? AND database = ? ORDER BY seq LIMIT ? OFFSET ?",
                        tenant,
                        database,
                        limit,
                        offset));
    }

    public int countCollections(String tenant, String database) {
        return read("count collections of " + tenant + "/" + database, c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT COUNT(*) FROM collections WHERE tenant = ? AND database = ?")) {
                s.setString(1, tenant);
                s.setString(2, database);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Renames a collection and/or replaces its metadata JSON; a null argument leaves that field unchanged.
     *
     * @throws CatalogNotFoundException when the collection does not exist
     * @throws CatalogConflictException when another collection of the database has the new name
     */
    public void updateCollection(UUID id, String newName, String newMetadataJson) {
        Objects.requireNonNull(id, "id");
        if (newName != null) {
            CollectionEntry.requireText(newName, "name");
        }
        write("update collection " + id, c -> {
            CollectionEntry current = requireCollection(c, id);
            if (newName != null && !newName.equals(current.name())) {
                if (findByName(c, current.tenant(), current.database(), newName).isPresent()) {
                    throw new CatalogConflictException("Collection " + newName + " already exists in database "
                            + current.database() + " of tenant " + current.tenant());
                }
            }
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE collections SET name = ?, metadata_json = ? WHERE id = ?")) {
                s.setString(1, newName != null ? newName : current.name());
                s.setString(2, newMetadataJson != null ? newMetadataJson : current.metadataJson());
                s.setString(3, id.toString());
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Replaces a collection's options JSON (the engine changes only what may change after creation, such as the
     * HNSW efSearch).
     *
     * @throws CatalogNotFoundException when the collection does not exist
     */
    public void updateCollectionOptions(UUID id, String optionsJson) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(optionsJson, "optionsJson");
        write("update options of collection " + id, c -> {
            requireCollection(c, id);
            try (PreparedStatement s = c.prepareStatement("UPDATE collections SET options_json = ? WHERE id = ?")) {
                s.setString(1, optionsJson);
                s.setString(2, id.toString());
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records the dimension fixed by the collection's first embedding.
     *
     * @throws CatalogConflictException when a different dimension is already recorded
     */
    public void setDimension(UUID id, int dimension) {
        Objects.requireNonNull(id, "id");
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        write("set dimension of " + id, c -> {
            CollectionEntry current = requireCollection(c, id);
            if (current.dimension() != null && current.dimension() != dimension) {
                throw new CatalogConflictException("Collection " + current.name() + " already has dimension "
                        + current.dimension() + ", cannot set " + dimension);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE collections SET dimension = ? WHERE id = ?")) {
                s.setInt(1, dimension);
                s.setString(2, id.toString());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Deletes a collection and its versions. @throws CatalogNotFoundException when it does not exist */
    public void deleteCollection(UUID id) {
        Objects.requireNonNull(id, "id");
        write("delete collection " + id, c -> {
            requireCollection(c, id);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM collections WHERE id = ?")) {
                s.setString(1, id.toString());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Every collection of every tenant and database, in creation order. */
    public List<CollectionEntry> allCollections() {
        return read("list all collections", c -> queryCollections(c, "ORDER BY seq"));
    }

    /** Whether the catalog holds no collection at all (tenants and databases do not count). */
    public boolean isEmpty() {
        return read("count all collections", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM collections LIMIT 1");
                    ResultSet rs = s.executeQuery()) {
                return !rs.next();
            }
        });
    }

    // ---------------------------------------------------------------- versions

    /**
     * In one transaction: records version {@code version} with its manifest key and log position, and makes it the
     * collection's current version and compacted log position.
     *
     * @throws CatalogNotFoundException when the collection does not exist
     * @throws CatalogConflictException when {@code version} is not newer than the current version, or
     *                                  {@code logPosition} is below the current compacted position
     */
    public void commitVersion(UUID collectionId, long version, String manifestKey, long logPosition) {
        Objects.requireNonNull(collectionId, "collectionId");
        VersionEntry entry = new VersionEntry(
                collectionId, version, manifestKey, logPosition, Instant.ofEpochMilli(System.currentTimeMillis()));
        write("commit version " + version + " of " + collectionId, c -> {
            CollectionEntry current = requireCollection(c, collectionId);
            if (version <= current.version()) {
                throw new CatalogConflictException("Version " + version + " of collection " + current.name()
                        + " is not newer than its current version " + current.version());
            }
            if (logPosition < current.logPosition()) {
                throw new CatalogConflictException("Log position " + logPosition + " of collection " + current.name()
                        + " is below its compacted position " + current.logPosition());
            }
            insertVersion(c, entry, false);
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE collections SET version = ?, log_position = ? WHERE id = ?")) {
                s.setLong(1, version);
                s.setLong(2, logPosition);
                s.setString(3, collectionId.toString());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The collection's recorded versions, oldest first (empty when it has none or does not exist). */
    public List<VersionEntry> listVersions(UUID collectionId) {
        Objects.requireNonNull(collectionId, "collectionId");
        return read("list versions of " + collectionId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT version, manifest_key, log_position, created_at "
                    + "FROM collection_versions WHERE collection_id = ? ORDER BY version")) {
                s.setString(1, collectionId.toString());
                List<VersionEntry> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new VersionEntry(
                                collectionId,
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getLong(3),
                                Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Forgets versions (after GC deleted their files), in one transaction; unknown versions are ignored.
     *
     * @throws CatalogConflictException when asked to delete the collection's current version
     */
    public void deleteVersions(UUID collectionId, Collection<Long> versions) {
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(versions, "versions");
        if (versions.isEmpty()) {
            return;
        }
        write("delete versions of " + collectionId, c -> {
            Optional<CollectionEntry> current = findById(c, collectionId);
            if (current.isPresent() && versions.contains(current.get().version())) {
                throw new CatalogConflictException(
                        "Cannot delete version " + current.get().version() + ", the current version of collection "
                                + current.get().name());
            }
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM collection_versions WHERE collection_id = ? AND version = ?")) {
                for (Long v : versions) {
                    s.setString(1, collectionId.toString());
                    s.setLong(2, Objects.requireNonNull(v, "versions must not contain null"));
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- rebuild

    /**
     * Inserts or replaces a collection and its versions as read from storage manifests, creating its tenant and
     * database when missing; one transaction, idempotent (importing the same state twice changes nothing).
     *
     * @throws CatalogConflictException when another collection (another id) has the name in that database
     */
    public void importCollection(CollectionEntry e, List<VersionEntry> versions) {
        Objects.requireNonNull(e, "collection");
        Objects.requireNonNull(versions, "versions");
        for (VersionEntry v : versions) {
            if (!v.collectionId().equals(e.id())) {
                throw new IllegalArgumentException(
                        "version " + v.version() + " belongs to collection " + v.collectionId() + ", not " + e.id());
            }
        }
        write("import collection " + e.id(), c -> {
            long now = System.currentTimeMillis();
            try (PreparedStatement s =
                    c.prepareStatement("INSERT OR IGNORE INTO tenants (name, created_at) VALUES (?, ?)")) {
                s.setString(1, e.tenant());
                s.setLong(2, now);
                s.executeUpdate();
            }
            if (!databaseExists(c, e.tenant(), e.database())) {
                insertDatabase(c, e.tenant(), e.database());
            }
            Optional<CollectionEntry> sameName = findByName(c, e.tenant(), e.database(), e.name());
            if (sameName.isPresent() && !sameName.get().id().equals(e.id())) {
                throw new CatalogConflictException("Cannot import collection " + e.id() + ": collection "
                        + sameName.get().id() + " already has the name " + e.name() + " in database "
                        + e.database() + " of tenant " + e.tenant());
            }
            if (findById(c, e.id()).isPresent()) {
                try (PreparedStatement s = c.prepareStatement("UPDATE collections SET tenant = ?, database = ?, "
                        + "name = ?, metadata_json = ?, options_json = ?, dimension = ?, version = ?, "
                        + "log_position = ? WHERE id = ?")) {
                    bindCollectionFields(s, e, 1);
                    s.setString(9, e.id().toString());
                    s.executeUpdate();
                }
            } else {
                insertCollection(c, e);
            }
            for (VersionEntry v : versions) {
                insertVersion(c, v, true);
            }
            return null;
        });
    }

    /** Releases the connections and the folder lock. Idempotent. */
    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new CatalogException("Closing catalog in " + folder + " failed: " + e, e);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Catalog[" + folder + (lock == null ? ", read-only]" : "]");
    }

    // ---------------------------------------------------------------- SQL

    private <T> T write(String what, SqliteConnections.Work<T> work) {
        try {
            return db.write(work);
        } catch (SQLException e) {
            throw new CatalogException("Catalog in " + folder + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    private <T> T read(String what, SqliteConnections.Work<T> work) {
        try {
            return db.read(work);
        } catch (SQLException e) {
            throw new CatalogException("Catalog in " + folder + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean tenantExists(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM tenants WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean databaseExists(Connection c, String tenant, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM databases WHERE tenant = ? AND name = ?")) {
            s.setString(1, tenant);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertDatabase(Connection c, String tenant, String name) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO databases (tenant, name, created_at) VALUES (?, ?, ?)")) {
            s.setString(1, tenant);
            s.setString(2, name);
            s.setLong(3, System.currentTimeMillis());
            s.executeUpdate();
        }
    }

    private static void insertCollection(Connection c, CollectionEntry e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO collections (tenant, database, name, "
                + "metadata_json, options_json, dimension, version, log_position, id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindCollectionFields(s, e, 1);
            s.setString(9, e.id().toString());
            s.executeUpdate();
        }
    }

    /** Binds tenant, database, name, metadata, options, dimension, version, log position from {@code first}. */
    private static void bindCollectionFields(PreparedStatement s, CollectionEntry e, int first) throws SQLException {
        s.setString(first, e.tenant());
        s.setString(first + 1, e.database());
        s.setString(first + 2, e.name());
        s.setString(first + 3, e.metadataJson());
        s.setString(first + 4, e.optionsJson());
        if (e.dimension() == null) {
            s.setNull(first + 5, Types.INTEGER);
        } else {
            s.setInt(first + 5, e.dimension());
        }
        s.setLong(first + 6, e.version());
        s.setLong(first + 7, e.logPosition());
    }

    private static void insertVersion(Connection c, VersionEntry v, boolean replace) throws SQLException {
        try (PreparedStatement s = c.prepareStatement((replace ? "INSERT OR REPLACE" : "INSERT")
                + " INTO collection_versions (collection_id, version, manifest_key, log_position, created_at) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, v.collectionId().toString());
            s.setLong(2, v.version());
            s.setString(3, v.manifestKey());
            s.setLong(4, v.logPosition());
            s.setLong(5, v.createdAt().toEpochMilli());
            s.executeUpdate();
        }
    }

    private static CollectionEntry requireCollection(Connection c, UUID id) throws SQLException {
        return findById(c, id).orElseThrow(() -> new CatalogNotFoundException("Collection " + id + " does not exist"));
    }

    private static Optional<CollectionEntry> findById(Connection c, UUID id) throws SQLException {
        List<CollectionEntry> found = queryCollections(c, "WHERE id = ?", id.toString());
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static Optional<CollectionEntry> findByName(Connection c, String tenant, String database, String name)
            throws SQLException {
        List<CollectionEntry> found =
                queryCollections(c, "WHERE tenant = ? AND database = ? AND name = ?", tenant, database, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static List<CollectionEntry> queryCollections(Connection c, String where, Object... args)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLLECTION_COLUMNS + " FROM collections " + where)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<CollectionEntry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int dim = rs.getInt(7);
                    Integer dimension = rs.wasNull() ? null : dim;
                    out.add(new CollectionEntry(
                            UUID.fromString(rs.getString(1)),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            dimension,
                            rs.getLong(8),
                            rs.getLong(9)));
                }
            }
            return out;
        }
    }

    private static void closeAfterFailure(SqliteConnections db, FolderLock lock, Exception cause) {
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
