package dev.rkebackup.crypto.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.IntegrityException;
import java.nio.charset.StandardCharsets;

/** Strict reading of the small JSON objects of an encrypted repository; every failure names the object. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).maxStringLength(16 << 20).build());
    }

    private final JsonNode root;
    private final String what;

    private Json(JsonNode root, String what) {
        this.root = root;
        this.what = what;
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(ObjectNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /**
     * Parses an object and checks its format name and version.
     *
     * @param bytes the stored bytes
     * @param what the object, for messages ({@code "key object keys/ab12.json"})
     * @param format the expected {@code format} field
     * @param version the highest version this code reads
     * @param fix what to do when it is damaged
     */
    static Json parse(byte[] bytes, String what, String format, int version, String fix) {
        JsonNode root;
        try {
            root = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IntegrityException(what + " is not valid JSON (truncated or damaged); " + fix);
        }
        if (root == null || !root.isObject()) {
            throw new IntegrityException(what + " is not a JSON object (truncated or damaged); " + fix);
        }
        Json j = new Json(root, what);
        String f = root.path("format").asText("");
        if (!f.equals(format)) {
            throw new IntegrityException(what + " is not a " + format + " object (format '" + f + "'); " + fix);
        }
        JsonNode v = root.get("version");
        if (v == null || !v.isIntegralNumber()) {
            throw new IntegrityException(what + " has no version; " + fix);
        }
        if (v.asInt() != version) {
            throw new IntegrityException(what + " has version " + v.asInt() + ", but this rke-backup reads version "
                    + version + (v.asInt() > version ? "; upgrade rke-backup" : "; " + fix));
        }
        return j;
    }

    Json child(String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isObject()) {
            throw new IntegrityException(what + " lacks the object field '" + field + "'");
        }
        return new Json(n, what);
    }

    String text(String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new IntegrityException(what + " lacks the text field '" + field + "'");
        }
        return n.asText();
    }

    int integer(String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IntegrityException(what + " lacks the integer field '" + field + "'");
        }
        return n.asInt();
    }

    byte[] base64(String field) {
        try {
            return Bytes.unb64(text(field));
        } catch (IllegalArgumentException e) {
            throw new IntegrityException(what + " has a field '" + field + "' that is not base64");
        }
    }
}
