package dev.rkebackup.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.IntegrityException;
import dev.rkebackup.core.InvalidInputException;
import dev.rkebackup.core.repository.ArtifactEntry;
import dev.rkebackup.core.repository.ArtifactKind;
import dev.rkebackup.core.repository.ArtifactSource;
import dev.rkebackup.core.repository.Manifest;
import dev.rkebackup.core.repository.SetMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes manifest JSON. Internal: not a published API. The JSON layout is written out field by field, so
 * renaming a Java accessor can never change the stored format by accident.
 */
public final class ManifestCodec {
    /** Manifests larger than this are refused: a real one is a few KiB. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;

    /** The top-level fields this codec reads and writes itself. */
    private static final Set<String> CORE_FIELDS = Set.of("schemaVersion", "setId", "clusterName", "createdAt",
            "libraryVersion", "labels", "complete", "notes", "artifacts");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).build());
    }

    private ManifestCodec() {
    }

    /**
     * Serialises a manifest.
     *
     * @param m the manifest
     * @return UTF-8 JSON
     */
    public static byte[] write(Manifest m) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", m.schemaVersion());
        root.put("setId", m.setId());
        root.put("clusterName", m.metadata().clusterName());
        root.put("createdAt", m.createdAt().toString());
        root.put("libraryVersion", m.libraryVersion());
        ObjectNode labels = root.putObject("labels");
        new TreeMap<>(m.metadata().labels()).forEach(labels::put);
        root.put("complete", m.complete());
        ArrayNode notes = root.putArray("notes");
        m.notes().forEach(notes::add);
        ArrayNode arts = root.putArray("artifacts");
        for (ArtifactEntry a : m.artifacts()) {
            ObjectNode n = arts.addObject();
            n.put("path", a.path());
            n.put("kind", a.kind().id());
            n.put("size", a.size());
            n.put("sha256", a.sha256());
            ObjectNode src = n.putObject("source");
            putNullable(src, "host", a.source().host());
            src.put("path", a.source().path());
            ObjectNode attrs = n.putObject("attributes");
            new TreeMap<>(a.attributes()).forEach(attrs::put);
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    /**
     * Parses a manifest and checks it against the set it was found in.
     *
     * @param bytes the JSON
     * @param where the manifest's key, for messages
     * @param expectedSetId the set id taken from the key
     * @return the manifest
     * @throws IntegrityException if it is not JSON, truncated, of an unknown schema, or inconsistent
     */
    public static Manifest read(byte[] bytes, String where, String expectedSetId) {
        JsonNode root;
        try {
            root = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IntegrityException("manifest " + where + " is not valid JSON (truncated or damaged: "
                    + e.getOriginalMessage() + "); the set cannot be trusted: verify the store or take a new backup");
        }
        if (root == null || !root.isObject()) {
            throw new IntegrityException("manifest " + where + " is not a JSON object; the set cannot be trusted");
        }
        int schema = requireInt(root, "schemaVersion", where);
        if (schema > Manifest.SCHEMA_VERSION) {
            throw new IntegrityException("manifest " + where + " has schema version " + schema
                    + ", newer than this rke-backup reads (" + Manifest.SCHEMA_VERSION + "); upgrade rke-backup");
        }
        if (schema < 1) {
            throw new IntegrityException("manifest " + where + " has invalid schema version " + schema);
        }
        try {
            String setId = requireText(root, "setId", where);
            if (!setId.equals(expectedSetId)) {
                throw new IntegrityException("manifest " + where + " names set '" + setId + "' but is stored under '"
                        + expectedSetId + "'; it was copied or tampered with");
            }
            SetMetadata meta = new SetMetadata(requireText(root, "clusterName", where), labels(root));
            List<String> notes = new ArrayList<>();
            root.path("notes").forEach(n -> notes.add(n.asText()));
            JsonNode arts = root.get("artifacts");
            if (arts == null || !arts.isArray()) {
                throw new IntegrityException("manifest " + where + " has no artifact list");
            }
            List<ArtifactEntry> artifacts = new ArrayList<>();
            for (JsonNode a : arts) {
                artifacts.add(readArtifact(a, where));
            }
            long distinct = artifacts.stream().map(ArtifactEntry::path).distinct().count();
            if (distinct != artifacts.size()) {
                throw new IntegrityException("manifest " + where + " lists the same artifact path twice");
            }
            return new Manifest(schema, setId, Instant.parse(requireText(root, "createdAt", where)),
                    requireText(root, "libraryVersion", where), meta,
                    root.path("complete").asBoolean(false), notes, artifacts);
        } catch (DateTimeParseException e) {
            throw new IntegrityException("manifest " + where + " has an invalid createdAt time: " + e.getMessage());
        }
    }

    /**
     * The labels, plus every top-level text field this codec does not know: round-1 writers put product facts there,
     * beside the labels, and a newer writer may add some. Each is read as a label of the same name unless a label of
     * that name exists; null and non-text fields are skipped.
     */
    private static Map<String, String> labels(JsonNode root) {
        Map<String, String> labels = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!CORE_FIELDS.contains(e.getKey()) && e.getValue().isTextual() && !e.getValue().asText().isEmpty()) {
                labels.putIfAbsent(e.getKey(), e.getValue().asText());
            }
        }
        return labels;
    }

    private static ArtifactEntry readArtifact(JsonNode a, String where) {
        String path = requireText(a, "path", where);
        JsonNode src = a.path("source");
        Map<String, String> attrs = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("attributes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            attrs.put(e.getKey(), e.getValue().asText());
        }
        try {
            return new ArtifactEntry(path, ArtifactKind.of(requireText(a, "kind", where)),
                    requireLong(a, "size", where), requireText(a, "sha256", where),
                    new ArtifactSource(src.path("host").asText(""), src.path("path").asText("")), attrs);
        } catch (InvalidInputException | IllegalArgumentException e) {
            throw new IntegrityException("manifest " + where + " has an invalid artifact entry '" + path + "': "
                    + e.getMessage() + "; the set cannot be trusted");
        }
    }

    private static void putNullable(ObjectNode n, String field, String value) {
        if (value == null || value.isEmpty()) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    private static String requireText(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IntegrityException("manifest " + where + " lacks text field '" + field + "'");
        }
        return v.asText();
    }

    private static int requireInt(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IntegrityException("manifest " + where + " lacks integer field '" + field + "'");
        }
        return v.asInt();
    }

    private static long requireLong(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IntegrityException("manifest " + where + " lacks integer field '" + field + "'");
        }
        return v.asLong();
    }
}
