package dev.rkebackup.core.repository;

import dev.rkebackup.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which stored objects a sampled verification reads in full (as restic's {@code check --read-data-subset}): a
 * random share ({@code 10%}), a random amount of data ({@code 2G}), or the n-th of m fixed parts ({@code 3/7}, so
 * that running {@code 1/7} to {@code 7/7} on seven nights reads every object once). Objects outside the subset are
 * still checked for presence and size. Immutable and thread-safe.
 */
public final class DataSubset {
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(?:I?B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern PART = Pattern.compile("(\\d+)/(\\d+)");
    private static final DataSubset ALL = new DataSubset(Kind.ALL, 1, 0, 0, 0, "all");

    private enum Kind { ALL, SHARE, BYTES, PART }

    private final Kind kind;
    private final double share;
    private final long bytes;
    private final int n;
    private final int m;
    private final String spec;

    private DataSubset(Kind kind, double share, long bytes, int n, int m, String spec) {
        this.kind = kind;
        this.share = share;
        this.bytes = bytes;
        this.n = n;
        this.m = m;
        this.spec = spec;
    }

    /**
     * Every object, read in full (what {@code verify} does without a subset).
     *
     * @return the subset of everything
     */
    public static DataSubset all() {
        return ALL;
    }

    /**
     * Parses {@code 10%} (a share, more than 0 and at most 100), {@code 2G} (an amount with K, M, G or T, binary
     * units; {@code GiB}/{@code GB} also accepted) or {@code n/m} (part n of m, 1 ≤ n ≤ m).
     *
     * @param spec the text
     * @return the subset
     * @throws InvalidInputException if the text is none of these
     */
    public static DataSubset parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        Matcher p = PERCENT.matcher(s);
        if (p.matches()) {
            double v = Double.parseDouble(p.group(1));
            if (v <= 0 || v > 100) {
                throw bad(spec, "a share must be more than 0% and at most 100%");
            }
            return new DataSubset(Kind.SHARE, v / 100, 0, 0, 0, s);
        }
        Matcher part = PART.matcher(s);
        if (part.matches()) {
            int a;
            int b;
            try {
                a = Integer.parseInt(part.group(1));
                b = Integer.parseInt(part.group(2));
            } catch (NumberFormatException e) {
                throw bad(spec, "n and m must be small whole numbers");
            }
            if (b < 1 || a < 1 || a > b) {
                throw bad(spec, "in n/m, n must be between 1 and m");
            }
            return new DataSubset(Kind.PART, 0, 0, a, b, s);
        }
        Matcher size = SIZE.matcher(s);
        if (size.matches()) {
            int shift = switch (size.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            long v;
            try {
                v = Long.parseLong(size.group(1));
            } catch (NumberFormatException e) {
                throw bad(spec, "the amount is too large");
            }
            if (v <= 0 || v > (Long.MAX_VALUE >> shift)) {
                throw bad(spec, "the amount must be more than 0 and not absurdly large");
            }
            return new DataSubset(Kind.BYTES, 0, v << shift, 0, 0, s);
        }
        throw bad(spec, "expected a share such as 10%, an amount such as 2G, or a part such as 1/7");
    }

    private static InvalidInputException bad(String spec, String why) {
        return new InvalidInputException("'" + spec + "' is not a data subset: " + why);
    }

    /**
     * Tells whether every object is read.
     *
     * @return true for {@link #all()} and {@code 100%}
     */
    public boolean isAll() {
        return kind == Kind.ALL || (kind == Kind.SHARE && share >= 1) || (kind == Kind.PART && m == 1);
    }

    /**
     * Chooses the objects whose data is read.
     *
     * @param objects every object in question, as (set id, artifact)
     * @param random the source of randomness for shares and amounts (parts do not use it)
     * @return the chosen objects, a subset of {@code objects}
     */
    public Set<ObjectRef> select(List<ObjectRef> objects, Random random) {
        if (isAll()) {
            return new LinkedHashSet<>(objects);
        }
        Set<ObjectRef> chosen = new LinkedHashSet<>();
        if (kind == Kind.PART) {
            for (ObjectRef o : objects) {
                if (Long.remainderUnsigned(Long.parseUnsignedLong(o.artifact().sha256().substring(0, 15), 16), m)
                        == n - 1) {
                    chosen.add(o);
                }
            }
            return chosen;
        }
        List<ObjectRef> shuffled = new ArrayList<>(objects);
        Collections.shuffle(shuffled, random);
        if (kind == Kind.SHARE) {
            int count = (int) Math.ceil(share * objects.size());
            chosen.addAll(shuffled.subList(0, Math.min(count, shuffled.size())));
            return chosen;
        }
        long total = 0;
        for (ObjectRef o : shuffled) {
            if (total >= bytes) {
                break;
            }
            chosen.add(o);
            total += o.artifact().size();
        }
        return chosen;
    }

    /** Returns the text it was parsed from, or {@code all}. */
    @Override
    public String toString() {
        return spec;
    }

    /**
     * One stored object: an artifact of a set.
     *
     * @param setId the set
     * @param artifact the artifact
     */
    public record ObjectRef(String setId, ArtifactEntry artifact) {
        /** Validates the fields. */
        public ObjectRef {
            Objects.requireNonNull(setId, "setId");
            Objects.requireNonNull(artifact, "artifact");
        }
    }
}
