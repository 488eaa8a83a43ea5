package dev.rkebackup.core.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Computes retention plans: a set is kept if any rule keeps it; the newest complete set is always kept. */
final class Retention {
    private Retention() {
    }

    static RetentionPlan plan(List<Manifest> sets, RetentionPolicy p, Instant now) {
        List<Manifest> newestFirst = new ArrayList<>(sets);
        newestFirst.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::setId).reversed());
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(m -> reasons.put(m.setId(), new ArrayList<>()));

        for (int i = 0; i < Math.min(p.keepLast(), newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i).setId()).add("keep-last " + p.keepLast());
        }
        if (!p.keepWithin().isZero()) {
            Instant cutoff = now.minus(p.keepWithin());
            newestFirst.stream().filter(m -> m.createdAt().isAfter(cutoff))
                    .forEach(m -> reasons.get(m.setId()).add("keep-within " + p.keepWithin()));
        }
        bucket(newestFirst, p.keepDaily(), "keep-daily", m -> day(m).toString(), reasons);
        bucket(newestFirst, p.keepWeekly(), "keep-weekly",
                m -> day(m).get(IsoFields.WEEK_BASED_YEAR) + "-W" + day(m).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                reasons);
        bucket(newestFirst, p.keepMonthly(), "keep-monthly",
                m -> day(m).getYear() + "-" + day(m).getMonthValue(), reasons);
        newestFirst.stream().filter(Manifest::complete).findFirst()
                .ifPresent(m -> reasons.get(m.setId()).add("newest complete set"));

        List<RetentionPlan.Decision> decisions = new ArrayList<>();
        for (Manifest m : newestFirst) {
            List<String> r = reasons.get(m.setId());
            decisions.add(new RetentionPlan.Decision(m, !r.isEmpty(), r));
        }
        return new RetentionPlan(decisions);
    }

    private static void bucket(List<Manifest> newestFirst, int n, String rule, Function<Manifest, String> key,
            Map<String, List<String>> reasons) {
        if (n <= 0) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (Manifest m : newestFirst) {
            String k = key.apply(m);
            if (seen.size() >= n && !seen.contains(k)) {
                break;
            }
            if (seen.add(k)) {
                reasons.get(m.setId()).add(rule + " " + n + " (" + k + ")");
            }
        }
    }

    private static LocalDate day(Manifest m) {
        return LocalDate.ofInstant(m.createdAt(), ZoneOffset.UTC);
    }
}
